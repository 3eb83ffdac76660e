"""What the words around a number make of it: a time window or a time from now is no tenure, in
any German ending; a count named as the topic before a bare number counts managed services."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.nlu.quantities import extract_quantities

TODAY = dt.date(2026, 12, 8)


def kinds(text: str, lang: str) -> list[tuple[str, int]]:
    return [(q.kind, int(q.value)) for q in extract_quantities(text, lang, TODAY)]


def counted(text: str, lang: str) -> list[tuple[int, str | None]]:
    """The counts and what they count ("count": managed services; None: a bare number)."""
    return [
        (int(q.value), q.unit) for q in extract_quantities(text, lang, TODAY) if q.kind == "count"
    ]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("CSP-Erlöse vergangene 12 Monate rund 500.000 USD", "de"),
        ("Umsatz der letzte 12 Monate 420.000 USD", "de"),
        ("CSP-Umsatz zurückliegende 12 Monate: 380.000 USD", "de"),
        ("Fragen wir in 3 Monaten noch einmal", "de"),
        ("We will try again in 4 months", "en"),
        ("revenue over the past 12 months was USD 600,000", "en"),
    ],
)
def test_a_window_or_a_time_from_now_is_no_tenure(text: str, lang: str) -> None:
    assert not [kind for kind, _ in kinds(text, lang) if kind == "duration"], kinds(text, lang)


@pytest.mark.parametrize(
    ("text", "lang", "count"),
    [
        ("Managed Services betreiben wir zwei, Backup und Monitoring", "de", 2),
        ("managed services: wir haben vier.", "de", 4),
        ("Customer solutions? We run three.", "en", 3),
        ("IP services - we sell five", "en", 5),
    ],
)
def test_what_is_counted_may_be_named_before_the_number(text: str, lang: str, count: int) -> None:
    assert (count, "count") in counted(text, lang)


def test_a_number_that_counts_something_else_is_not_the_topics() -> None:
    assert counted("Managed Services haben wir für 40 Kunden", "de") == [(40, None)]
