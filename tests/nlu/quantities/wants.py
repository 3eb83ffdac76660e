"""What a quantity test wants, written out independently of the extractor's code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from bot.nlu.quantities import Quantity, extract_quantities

TODAY = dt.date(2026, 11, 25)


class Want(NamedTuple):
    kind: str
    value: Decimal | int | None = None
    currency: str | None = None
    since: dt.date | None = None
    digits: str | None = None
    problem: str | None = None
    alternatives: tuple = ()


def money(value: str | int, currency: str = "USD") -> Want:
    return Want("amount", Decimal(str(value)), currency)


def months(value: int, since: tuple[int, int] | None = None) -> Want:
    return Want("duration", value, since=dt.date(*since, 1) if since else None)


def count(value: int) -> Want:
    return Want("count", value)


def pid(digits: str, problem: str | None = None) -> Want:
    return Want("partner_id", digits=digits, problem=problem)


def flagged(kind: str, problem: str, *alternatives, currency=None, since=None) -> Want:
    alts = tuple(Decimal(str(a)) if kind == "amount" else a for a in alternatives)
    return Want(kind, None, currency, since, None, problem, alts)


def got(q: Quantity) -> Want:
    return Want(q.kind, q.value, q.currency, q.since, q.digits, q.problem, q.alternatives)


def extract(text: str, lang: str, today: dt.date = TODAY) -> list[Quantity]:
    quantities = extract_quantities(text, lang, today)
    for q in quantities:
        assert text[q.start : q.end] == q.text
        if q.problem:
            assert q.value is None
        elif q.kind == "amount":
            assert isinstance(q.value, Decimal) and q.currency
        elif q.kind in ("duration", "count"):
            assert type(q.value) is int
    return quantities
