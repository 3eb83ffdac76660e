"""Dates, months, years, quarters and parts of years -> durations in months to today, with `since`.

A date is a start only after a start word (or as nearly the whole message); otherwise its span is
taken and nothing is said, so that its digits are never read as a number.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.eligibility.facts import EARLIEST_INDIRECT_SINCE, months_between
from bot.nlu.quantities.lexicon import (
    A_YEAR_AND_A_HALF,
    END_BEFORE,
    LABEL_AFTER,
    MONTH_NAME,
    MONTH_NAMES,
    PART_OF_YEAR,
    PARTS_OF_YEAR,
    START_AFTER,
    START_BEFORE,
    START_VERB_BEFORE,
    WORD,
    YEAR_CONTEXT,
)
from bot.nlu.quantities.quantity import ABSURD, AMBIGUOUS, DURATION, NEGATIVE
from bot.nlu.quantities.scan import Scan

_YEAR = r"(?:19|20|21)[0-9]{2}"
_DATE_END = r"(?![\w/]|[.,-][0-9])"
_DATE_ISO = re.compile(
    rf"(?<![\w.,/-])(?P<y>{_YEAR})-(?P<m>[0-9]{{1,2}})-(?P<d>[0-9]{{1,2}}){_DATE_END}"
)
_DATE_DOTS = re.compile(
    rf"(?<![\w.,/-])(?P<d>[0-9]{{1,2}})\.\s?(?P<m>[0-9]{{1,2}})\.\s?(?P<y>{_YEAR}|[0-9]{{2}})"
    rf"{_DATE_END}"
)
_DATE_SLASH = re.compile(
    rf"(?<![\w.,/-])(?P<a>[0-9]{{1,2}})/(?P<b>[0-9]{{1,2}})/(?P<y>{_YEAR}|[0-9]{{2}}){_DATE_END}"
)
# "2025-03", "2025/03"; not "2025.03", which may be an amount ("$2000.10").
_DATE_YEAR_MONTH = re.compile(rf"(?<![\w.,/-])(?P<y>{_YEAR})[-/](?P<m>[0-9]{{1,2}}){_DATE_END}")
_DATE_MONTH_YEAR = re.compile(rf"(?<![\w.,/-])(?P<m>[0-9]{{1,2}})[-/.](?P<y>{_YEAR}){_DATE_END}")
_DATE_MONTH_SHORT = re.compile(rf"(?<![\w.,/-])(?P<m>[0-9]{{1,2}})/(?P<y>[0-9]{{2}}){_DATE_END}")
_DATE_NAMED = re.compile(
    rf"(?<!\w)(?:(?P<d1>[0-9]{{1,2}})(?:\.|st|nd|rd|th)?\s*(?:of\s+)?)?(?P<mn>{MONTH_NAME})\.?"
    rf"(?:\s+(?P<d2>[0-9]{{1,2}})(?:st|nd|rd|th)?)?,?\s*(?P<y>{_YEAR}|'[0-9]{{2}}){_DATE_END}",
    re.IGNORECASE,
)
# German day and month without a year ("seit 15.03."): the trailing dot is required.
_DATE_DAY_MONTH = re.compile(
    r"(?<![\w.,/-])(?P<d>[0-9]{1,2})\.(?P<m>[0-9]{1,2})\.(?![0-9]|\s?[0-9]{2})"
)
_MONTH_ALONE = re.compile(rf"(?<!\w)(?:[0-9]{{1,2}}\.\s*)?(?P<mn>{MONTH_NAME})\.?(?!\w)", re.I)
_PERIOD = re.compile(
    rf"(?<![\w.,])(?:(?P<q>[qQ][1-4])|(?P<h>[hH][12]))?[\s/]{{0,2}}(?P<y>{_YEAR}){_DATE_END}"
)


def dates(msg: Scan) -> None:
    """Every date and period in the free text: emitted as a duration, or taken as no quantity."""
    for match in msg.free_matches(A_YEAR_AND_A_HALF):
        msg.emit(match.start(), match.end(), DURATION, 18)
    for match in msg.free_matches(_DATE_ISO):
        dated(msg, match, [(int(match["m"]), int(match["d"]))], int(match["y"]))
    for match in msg.free_matches(_DATE_DOTS):
        # Day first ("15.03.2025"), unless only the other order is a date.
        day, month = int(match["d"]), int(match["m"])
        dated(msg, match, [(month, day)] if month <= 12 else [(day, month)], year_of(match))
    for match in msg.free_matches(_DATE_SLASH):
        a, b = int(match["a"]), int(match["b"])
        # (month, day): day/month first. German writes only that unless it is no date;
        # English may be UK (day/month) or US (month/day): both, and ambiguous if they differ.
        valid = [(m, d) for m, d in ((b, a), (a, b)) if 1 <= m <= 12 and 1 <= d <= 31]
        dated(msg, match, valid[:1] if msg.lang == "de" else valid, year_of(match))
    for match in msg.free_matches(_DATE_NAMED):
        day = match["d1"] or match["d2"]
        month = MONTH_NAMES[match["mn"].lower()]
        dated(msg, match, [(month, int(day) if day else 1)], year_of(match))
    for pattern in (_DATE_YEAR_MONTH, _DATE_MONTH_YEAR):
        for match in msg.free_matches(pattern):
            dated(msg, match, [(int(match["m"]), 1)], int(match["y"]))
    for match in msg.free_matches(_DATE_MONTH_SHORT):
        # "03/25" is a month only after a start word; elsewhere it may be a fraction.
        if start_cue(msg, match.start(), match.end()):
            dated(msg, match, [(int(match["m"]), 1)], year_of(match))
    # A month without a year ("seit März", "seit 15.03."): the latest one not after today.
    yearless = [(m, MONTH_NAMES[m["mn"].lower()]) for m in msg.free_matches(_MONTH_ALONE)]
    if msg.lang == "de":  # in English "2.5." is a number at the end of a sentence
        yearless += [(m, int(m["m"])) for m in msg.free_matches(_DATE_DAY_MONTH)]
    for match, month in yearless:
        start, end = match.start(), match.end()
        if 1 <= month <= 12 and start_cue(msg, start, end) and msg.free(start, end):
            year = msg.today.year - (month > msg.today.month)
            month_since(msg, start, end, [dt.date(year, month, 1)])
        elif match.re is _DATE_DAY_MONTH:
            msg.take(start, end)  # a day of some month, no quantity
    for match in msg.free_matches(_PERIOD):
        period(msg, match)


def start_cue(msg: Scan, start: int, end: int) -> bool:
    """A start word before the span, or a start verb before or after it in the same clause."""
    if msg.ending(START_BEFORE, start, 60) or msg.ending(START_VERB_BEFORE, start, 100):
        return True
    return bool(START_AFTER.match(msg.text, end, end + 100))


def end_cue(msg: Scan, start: int) -> bool:
    return bool(msg.ending(END_BEFORE, start, 40))


def alone(text: str, start: int, end: int) -> bool:
    """The date is (nearly) the whole message: the answer to "since when?"."""
    if len(text) > 80:
        return False
    return len(WORD.findall(text[:start] + " " + text[end:])) <= 3


def year_of(match: re.Match) -> int:
    digits = match["y"].lstrip("'")
    return int(digits) if len(digits) == 4 else 2000 + int(digits)


def dated(msg: Scan, match: re.Match, month_days: list[tuple[int, int]], year: int) -> None:
    months = [dt.date(year, m, 1) for m, d in month_days if 1 <= m <= 12 and 1 <= d <= 31]
    if months:
        month_since(msg, match.start(), match.end(), months)


def month_since(msg: Scan, start: int, end: int, months: list[dt.date]) -> None:
    """A duration from a start month (`ambiguous` when the date allows several)."""
    today = msg.today
    # A reading in the future cannot be a start when another one can ("03/12/2026" en).
    months = sorted({m for m in months if m <= today} or set(months))
    cue = start_cue(msg, start, end)
    if end_cue(msg, start) or not (cue or alone(msg.text, start, end)):
        msg.take(start, end)  # a deadline, a document's date, a date in passing: no start
    elif months[0] > today:
        if cue:
            msg.emit(start, end, DURATION, None, since=months[0], problem=NEGATIVE)
        else:
            msg.take(start, end)  # a plan, not a start
    elif months[0] < EARLIEST_INDIRECT_SINCE:
        msg.emit(start, end, DURATION, None, problem=ABSURD)
    elif len(months) == 1:
        msg.emit(start, end, DURATION, months_between(months[0], today), since=months[0])
    else:
        counts = tuple(sorted(months_between(m, today) for m in months))
        msg.emit(start, end, DURATION, None, problem=AMBIGUOUS, alternatives=counts)


def period(msg: Scan, match: re.Match) -> None:
    """A year (or quarter, half-year) alone: a start only after a start word."""
    start, end = match.start(), match.end()
    year, quarter, half = int(match["y"]), match["q"], match["h"]
    part = None if quarter or half else msg.ending(PART_OF_YEAR, start, 30)
    if part:
        start = part.start()
    context = msg.ending(YEAR_CONTEXT, start, 30)
    cue = start_cue(msg, start, end)
    if not (quarter or half or context or cue or LABEL_AFTER.match(msg.text, end)):
        return  # a bare 4-digit number: a count like any other
    if end_cue(msg, start) or not cue or LABEL_AFTER.match(msg.text, end):
        msg.take(start, end)  # "in 2024", "FY 2025", "Umsatz 2024: …": a time reference
        return
    first_month, length = 1, 12
    if quarter:
        first_month, length = 3 * int(quarter[1]) - 2, 3
    elif half:
        first_month, length = 6 * int(half[1]) - 5, 6
    elif part:
        word = next(name for name, value in part.groupdict().items() if value)
        first_month, length = PARTS_OF_YEAR[word]
    first = dt.date(year, first_month, 1)
    last = dt.date(year, first_month + length - 1, 1)
    if first > msg.today:
        msg.emit(start, end, DURATION, None, since=first, problem=NEGATIVE)
    elif first < EARLIEST_INDIRECT_SINCE:
        msg.emit(start, end, DURATION, None, problem=ABSURD)
    else:
        most = months_between(first, msg.today)
        fewest = months_between(min(last, msg.today), msg.today)
        if most == fewest:
            msg.emit(start, end, DURATION, most, since=first)
        else:
            msg.emit(
                start,
                end,
                DURATION,
                None,
                problem=AMBIGUOUS,
                alternatives=(fewest, most),
                hedge="period",
                bounds=(fewest, most),
            )
