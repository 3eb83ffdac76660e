"""The facts of Microsoft's FY26 requirements as partners state them."""

from __future__ import annotations

import pytest

from bot.nlu.statements import extract_statements

SCORE, DESIGNATION = "security_score_complete", "solutions_partner_designation"


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Unser Secure Score ist komplett, alle Pflichtanforderungen erfüllt.", "de", {SCORE: "has"}),
        ("Die Sicherheitsbewertung in Partner Center haben wir noch nicht abgeschlossen.", "de",
         {SCORE: "lacks"}),
        ("Wir sind Solutions Partner for Modern Work.", "de", {DESIGNATION: "has"}),
        ("Eine Solutions Partner-Bezeichnung haben wir nicht.", "de", {DESIGNATION: "lacks"}),
        ("We don't hold any Solutions Partner designation yet.", "en", {DESIGNATION: "lacks"}),
        ("our security score requirements are all done", "en", {SCORE: "has"}),
        ("The security score is complete, but we have no designation.", "en",
         {SCORE: "has", DESIGNATION: "lacks"}),
        # Security as a capability stays the capability.
        ("Security ist bei uns noch eine Baustelle", "de", {"capabilities": "lacks"}),
    ],
)  # fmt: skip
def test_fy26_facts_are_read_with_their_negation(text: str, lang: str, expected: dict) -> None:
    found = {s.value: s.entity for s in extract_statements(text, lang)}
    assert found == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Wir haben eine Solutions Partner-Bezeichnung.", "de"),
        ("Eine Solutions Partner-Bezeichnung haben wir keine.", "de"),
        ("We have no Solutions Partner designation.", "en"),
    ],
)
def test_a_designation_is_no_count_of_managed_services(text: str, lang: str) -> None:
    import datetime as dt

    from bot.nlu.quantities import extract_quantities

    found = extract_quantities(text, lang, dt.date(2026, 12, 3))
    assert not [q for q in found if q.kind == "count" and q.unit == "count"], found
