"""The seed's verdict with Microsoft's FY26 rules beside it, over REST with the real servers: what
FY26 would add, quantified, and on request the FY26 facts still unknown, asked and nothing else."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Assistant, texts, verdicts
from tests.e2e.test_conversations import asked, assert_language, new_sender, requested

# The seed's facts, all met, with USD 450,000 (the seed's 300,000 met, FY26's million not),
# answered to the form's questions; the answers are read as answers whatever the model says.
FORM = {
    "de": [
        ("Wir sind seit 14 Monaten indirekter Wiederverkäufer und hatten 450.000 USD CSP-Umsatz. "
         "Erfüllen wir die Voraussetzungen?", "partner_id_active"),
        ("Ja", "signing_authority"),
        ("Ja", "first_line_support"),
        ("Ja", "support_plan"),
        ("ASfP", "billing_infrastructure"),
        ("Ja", "capabilities"),
        ("Ja", "managed_services"),
    ],
    "en": [
        ("We have been an indirect reseller for 14 months with USD 450,000 in CSP revenue. "
         "Are we eligible?", "partner_id_active"),
        ("Yes", "signing_authority"),
        ("Yes", "first_line_support"),
        ("Yes", "support_plan"),
        ("ASfP", "billing_infrastructure"),
        ("Yes", "capabilities"),
        ("Yes", "managed_services"),
    ],
}  # fmt: skip
SAID = {
    "de": {
        "gap": "Nach Microsofts Regelwerk fy26-usd1m bräuchten Sie zusätzlich: 550.000 USD mehr "
        "CSP-Umsatz (abgerechnet, auf Ebene des Partner Global Account).",
        "open": "Dort zusätzlich offen: Sicherheitsbewertung; Solutions Partner-Bezeichnung.",
        "offer": "Soll ich auch die Anforderungen nach FY26 prüfen?",
        "yes": "Ja, gerne",
        "designation": "eine Solutions Partner-Bezeichnung",
    },
    "en": {
        "gap": "By Microsoft's rule set fy26-usd1m you would also need: USD 550,000 more CSP "
        "billed revenue at Partner Global Account (PGA) level.",
        "open": "Also open there: Security score; Solutions Partner designation.",
        "offer": "Shall I also check the requirements by FY26?",
        "yes": "yes please",
        "designation": "a Solutions Partner designation",
    },
}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_eligible_by_the_seed_is_told_what_fy26_adds_and_asked_only_its_facts(
    assistant: Assistant, lang: str
) -> None:
    sender, said = new_sender(), SAID[lang]
    for text, next_slot in FORM[lang]:
        replies = assistant.say(sender, text)
        assert asked(replies, next_slot, lang), (text, texts(replies))
    replies = assistant.say(sender, "2")
    assert_language(replies, lang)
    [verdict] = verdicts(replies)
    assert verdict["status"] == "eligible" and verdict["rules_version"] == "seed-000-usd300k"
    assert verdict["comparison"] == {
        "rules_version": "fy26-usd1m", "status": "not_eligible", "unmet": ["revenue"],
        "unknown": ["security_score", "solutions_partner"],
    }  # fmt: skip
    shown = texts(replies)
    assert said["gap"] in shown and said["open"] in shown and said["offer"] in shown

    # Yes: only the two facts FY26 still needs are asked, then the verdict again.
    replies = assistant.say(sender, said["yes"])
    assert asked(replies, "security_score_complete", lang), texts(replies)
    assert requested(assistant, sender) == "security_score_complete"
    replies = assistant.say(sender, "Yes" if lang == "en" else "Ja")
    assert asked(replies, "solutions_partner_designation", lang), texts(replies)
    replies = assistant.say(sender, "No" if lang == "en" else "Nein")
    assert_language(replies, lang)
    [verdict] = verdicts(replies)
    assert verdict["status"] == "eligible"
    assert verdict["comparison"]["unmet"] == ["revenue", "solutions_partner"]
    assert verdict["comparison"]["unknown"] == []
    assert said["designation"] in texts(replies) and said["offer"] not in texts(replies)
    assert verdict["facts"]["security_score_complete"] is True
    assert verdict["facts"]["solutions_partner_designation"] is False


# Not in the training data; the trained model decides which question it is, so one miss is allowed.
CHANGES = {
    "de": ["Gibt es seit FY26 andere Voraussetzungen?",
           "Hat Microsoft die Regeln für die direkte Abrechnung zum neuen Geschäftsjahr angepasst?",
           "Sind die Anforderungen hier noch aktuell oder gibt es neue?"],
    "en": ["Are there different prerequisites since FY26?",
           "Has Microsoft adjusted the direct billing rules for the new fiscal year?",
           "Are the requirements here still current, or are there new ones?"],
}  # fmt: skip
CHANGES_SAID = {"de": ("1.000.000 USD", "Neu hinzu kommen: Sicherheitsbewertung"),
                "en": ("USD 1,000,000", "New requirements: Security score")}  # fmt: skip


@pytest.mark.parametrize("lang", ["de", "en"])
def test_what_changed_in_fy26_is_answered_from_the_rule_sets(assistant: Assistant, lang) -> None:
    answered = 0
    for question in CHANGES[lang]:
        shown = texts(assistant.say(new_sender(), question))
        answered += all(part in shown for part in CHANGES_SAID[lang])
    assert answered >= len(CHANGES[lang]) - 1
