"""Dates, months, years and periods -> durations to today, with `since`."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from bot.nlu.quantities.dates import (
    alone,
    dates,
    end_cue,
    month_since,
    period,
    start_cue,
    year_of,
)
from bot.nlu.quantities.scan import Scan
from tests.nlu.quantities.wants import TODAY, extract, got, months


def test_start_months_count_to_the_given_day() -> None:
    assert [got(q) for q in extract("seit März 2025", "de", dt.date(2026, 3, 1))] == [
        months(12, (2025, 3))
    ]
    # This month is zero months; next month is in the future.
    assert [q.value for q in extract("since November 2026", "en")] == [0]
    assert [q.problem for q in extract("since December 2026", "en")] == ["negative"]
    # A plan or deadline is no start at all.
    assert extract("Wir wollen im Juni 2027 registrieren", "de") == []
    assert extract("bis März 2027", "de") == []


def test_a_start_verb_earlier_or_later_in_the_clause_makes_a_month_a_start() -> None:
    assert got(extract("we began reselling through a distributor in May 2024", "en")[0]) == months(
        30, (2024, 5)
    )
    assert got(
        extract("Wir haben im Mai 2024 mit dem Verkauf über Ingram begonnen", "de")[0]
    ) == months(30, (2024, 5))
    assert extract("Die Rechnung kam im Mai 2024", "de") == []


# --- the stage's own functions -----------------------------------------------------------------


def _read(text: str, lang: str) -> tuple[list[tuple], str]:
    """What `dates` says about `text`, and which characters it took ("#")."""
    msg = Scan(text, lang, TODAY)
    dates(msg)
    said = [(q.text, q.value, q.since, q.problem, q.alternatives) for q in msg.found]
    return said, "".join("#" if taken else "." for taken in msg.taken)


@pytest.mark.parametrize(
    ("text", "lang", "said", "taken"),
    [
        ("seit März", "de", [("März", 8, dt.date(2026, 3, 1), None, ())], ".....####"),
        ("seit Dezember", "de", [("Dezember", 11, dt.date(2025, 12, 1), None, ())], ".....########"),
        ("seit 03/04/2025", "de", [("03/04/2025", 19, dt.date(2025, 4, 1), None, ())], "....." + "#" * 10),
        ("since 03/04/2025", "en", [("03/04/2025", None, None, "ambiguous", (19, 20))], "......" + "#" * 10),
        ("ab 03/25 indirekt", "de", [("03/25", 20, dt.date(2025, 3, 1), None, ())], "...#####" + "." * 9),
        ("a year and a half", "en", [("a year and a half", 18, None, None, ())], "#" * 17),
        ("seit 2024", "de", [("2024", None, None, "ambiguous", (23, 34))], ".....####"),
        # Dates that are no start: taken, so that their digits are no number either.
        ("Stand: 25.11.2026, Umsatz 350k", "de", [], "......." + "#" * 10 + "." * 13),
        ("am 15.03.", "de", [], "...######"),
        ("in 2024 we made 280k", "en", [], "...####" + "." * 13),
        ("Umsatz 2025: 350k", "de", [], ".......####......"),
        # Left to the numbers: a bare year, a month/short year without a start word.
        ("2000 Kunden", "de", [], "..........."),
        ("03/25", "de", [], "....."),
    ],
)  # fmt: skip
def test_dates_say_a_start_or_take_the_date(text, lang, said, taken) -> None:
    assert _read(text, lang) == (said, taken)


def test_cues_and_a_date_alone() -> None:
    since = Scan("seit März 2025", "de", TODAY)
    assert start_cue(since, 5, 14) and not end_cue(since, 5)
    until = Scan("bis März 2027", "de", TODAY)
    assert end_cue(until, 4) and not start_cue(until, 4, 13)
    assert start_cue(Scan("Wir haben im März 2025 angefangen", "de", TODAY), 13, 22)
    assert alone("März 2025", 0, 9)
    assert not alone("Wir haben eine Rechnung vom März 2025 bekommen", 28, 37)


def test_year_of_a_two_digit_year() -> None:
    assert [year_of(re.match("(?P<y>.*)", y)) for y in ("2019", "'25", "25")] == [2019, 2025, 2025]


def test_month_since_a_start_month() -> None:
    def since(text: str, start: int, end: int, *months: dt.date) -> list[tuple]:
        msg = Scan(text, "en" if text.startswith("since") else "de", TODAY)
        month_since(msg, start, end, list(months))
        return [(q.value, q.since, q.problem, q.alternatives) for q in msg.found]

    march, april = dt.date(2025, 3, 1), dt.date(2025, 4, 1)
    assert since("since 03/04/2025", 6, 16, march, april) == [(None, None, "ambiguous", (19, 20))]
    # A future reading gives way to one that can be a start.
    assert since("since 03/12/2026", 6, 16, dt.date(2026, 3, 1), dt.date(2026, 12, 1)) == [
        (8, dt.date(2026, 3, 1), None, ())
    ]
    june = dt.date(2027, 6, 1)
    assert since("seit Juni 2027", 5, 14, june) == [(None, june, "negative", ())]
    assert since("im Juni 2027", 3, 12, june) == []  # a plan, not a start
    assert since("seit 1995", 5, 9, dt.date(1995, 1, 1)) == [(None, None, "absurd", ())]


def test_period_of_a_year_part_quarter_or_half() -> None:
    # A year, quarter or half-year with the groups `period` reads.
    shape = re.compile(r"(?<!\S)(?:(?P<q>Q[1-4])|(?P<h>H[12]))?\s?(?P<y>[0-9]{4})")

    def read(text: str) -> list[tuple]:
        msg = Scan(text, "de", TODAY)
        period(msg, shape.search(text))
        return [(q.text, q.problem, q.hedge, q.bounds, q.since) for q in msg.found]

    assert read("seit Mitte 2023") == [("Mitte 2023", "ambiguous", "period", (39, 42), None)]
    assert read("seit H1 2026") == [("H1 2026", "ambiguous", "period", (5, 10), None)]
    assert read("seit Q4 2026") == [("Q4 2026", "ambiguous", "period", (0, 1), None)]
    assert read("seit 2027") == [("2027", "negative", None, (), dt.date(2027, 1, 1))]
    assert read("im Jahr 2024") == []
