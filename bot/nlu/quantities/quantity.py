"""What the extractor returns: a `Quantity`, of one kind, possibly with a problem."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

AMOUNT, DURATION, COUNT, PARTNER_ID = "amount", "duration", "count", "partner_id"
NEGATIVE, ABSURD, AMBIGUOUS, NOT_WHOLE = "negative", "absurd", "ambiguous", "not_whole"


@dataclass(frozen=True)
class Quantity:
    kind: str  # "amount" | "duration" | "count" | "partner_id"
    # amount: Decimal in `currency`; duration: whole months (int); count: int; partner_id: None
    value: Decimal | int | None
    start: int  # character span in the original text
    end: int
    text: str  # the matched original text
    currency: str | None = None  # amounts only: ISO 4217 code
    since: dt.date | None = None  # durations given as a start month: first day of that month
    digits: str | None = None  # partner_id only
    # Set when the value must NOT be used as a fact: "negative", "absurd", "ambiguous",
    # "not_whole"; value is then None.
    problem: str | None = None
    alternatives: tuple = ()  # for "ambiguous" and "not_whole": the candidate readings
    # An estimate, a bound or a span of one figure: "about", "over", "nearly", "below", "range",
    # "period" (a year or quarter as a start), with the (low, high) it leaves, None = open.
    # The dialogue decides with them where every value in the span meets a rule, or none does.
    hedge: str | None = None
    bounds: tuple = ()
    # "count" where the message names what is counted ("zwei Managed Services", "none of our
    # services"); None for a bare number, which answers whichever numeric question is open.
    unit: str | None = None
