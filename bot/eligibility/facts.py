"""Fact keys, their types and ranges, and validation at the boundary.

A fact is in one of three states: known (a value), *open* (nobody asked yet) or *don't know* (the
partner was asked and does not know). Open and don't-know are both unknown for the verdict, but only
an open fact is ever asked.

A numeric fact (money, months, a count) is known as a point or as a `Span` ("rund 1 Mio. USD",
"between 900k and 1.1M", "over 14 months"): every value from its low to its high end, both
inclusive, either end open. One codec for slots, payloads and the database: `json_value` writes a
span as {"low": ..., "high": ...} (null for an open end) and a point as a plain number;
`validate_fact` reads both back.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from babel import Locale

from bot.i18n import Message
from bot.texts import render_text

# The value that marks "asked, and the partner does not know" in files and payloads.
DONT_KNOW = "dont_know"  # not an intent: a fact's value (intents.DONT_KNOW is the intent)
# One month of slack: "14 months" and a start 15 calendar months ago mean the same partner.
TENURE_SLACK_MONTHS = 1

BOOL, CHOICE, MONEY, MONTHS, COUNT, DIGITS, COUNTRY, MONTH = (
    "bool", "choice", "money", "months", "count", "digits", "country", "month",
)  # fmt: skip


@dataclass(frozen=True)
class FactSpec:
    key: str
    kind: str
    decides_verdict: bool
    choices: tuple[str, ...] = ()
    # Plausibility bounds: beyond them a value is a typo or a joke, not a fact.
    minimum: int | Decimal | None = None
    maximum: int | Decimal | None = None


NUMERIC_KINDS = (MONEY, MONTHS, COUNT)
# The keys of a span in its JSON form (slots, payloads, the database, the CLI's fact files).
SPAN_KEYS = ("low", "high")


@dataclass(frozen=True)
class Span:
    """A figure known only within bounds: every value from `low` to `high`, both inclusive; None is
    an open end ("over 300k": high None, "under 12 months": low None). Never both open, never a
    single value (that is a point), low below high."""

    low: Decimal | int | None
    high: Decimal | int | None

    def at_least(self, threshold: Decimal | int) -> bool | None:
        """Whether every value in the span is >= `threshold` (True), none is (False), or it depends
        on the exact figure (None)."""
        if self.low is not None and self.low >= threshold:
            return True
        if self.high is not None and self.high < threshold:
            return False
        return None

    def distance(self, value: Decimal | int) -> Decimal | int:
        """How far `value` lies outside the span (0 inside it)."""
        if self.low is not None and value < self.low:
            return self.low - value
        if self.high is not None and value > self.high:
            return value - self.high
        return 0


def at_least(value: Decimal | int | Span, threshold: Decimal | int) -> bool | None:
    """`value >= threshold` for a point; for a span, None where it depends on the exact figure."""
    return value.at_least(threshold) if isinstance(value, Span) else value >= threshold


def distance(value: Decimal | int | Span, point: Decimal | int) -> Decimal | int:
    """How far `point` lies from a point value, or outside a span."""
    return value.distance(point) if isinstance(value, Span) else abs(value - point)


def lowest(value: Decimal | int | Span) -> Decimal | int | None:
    """The smallest value a fact allows (None: a span open below)."""
    return value.low if isinstance(value, Span) else value


SUPPORT_PLANS = ("none", "asfp", "psfp")
# The largest CSP partners bill a few billion USD a year; a hundred billion is no longer plausible.
MAX_REVENUE_USD = Decimal(100_000_000_000)
# CSP started in 2014; fifty years leaves room for any typed value that could be meant.
MAX_INDIRECT_MONTHS = 600
MAX_MANAGED_SERVICES = 100_000
EARLIEST_INDIRECT_SINCE = dt.date(2000, 1, 1)
MAX_PARTNER_ID_DIGITS = 15

FACT_SPECS: dict[str, FactSpec] = {
    spec.key: spec
    for spec in (
        FactSpec("partner_id_active", BOOL, True),
        FactSpec("signing_authority", BOOL, True),
        FactSpec("first_line_support", BOOL, True),
        FactSpec("support_plan", CHOICE, True, choices=SUPPORT_PLANS),
        FactSpec("credit_check_passed", BOOL, True),
        FactSpec("csp_revenue_usd", MONEY, True, minimum=Decimal(0), maximum=MAX_REVENUE_USD),
        FactSpec("indirect_months", MONTHS, True, minimum=0, maximum=MAX_INDIRECT_MONTHS),
        FactSpec("billing_infrastructure", BOOL, True),
        FactSpec("capabilities", BOOL, True),
        FactSpec("managed_services", COUNT, True, minimum=0, maximum=MAX_MANAGED_SERVICES),
        FactSpec("security_score_complete", BOOL, True),
        FactSpec("solutions_partner_designation", BOOL, True),
        FactSpec("partner_id", DIGITS, False),
        FactSpec("is_direct_bill_partner", BOOL, False),
        FactSpec("country", COUNTRY, False),
        FactSpec("indirect_since", MONTH, False),
    )
}

# The order in which the assistant asks: early knock-outs (tenure, revenue) first.
QUESTION_ORDER = (
    "indirect_months",
    "csp_revenue_usd",
    "partner_id_active",
    "signing_authority",
    "first_line_support",
    "support_plan",
    "credit_check_passed",
    "billing_infrastructure",
    "capabilities",
    "managed_services",
    "security_score_complete",
    "solutions_partner_designation",
)


class FactError(ValueError):
    """A fact value that cannot be used; `message` renders the reason in either language."""

    def __init__(self, fact: str, message: Message):
        self.fact = fact
        self.message = message
        super().__init__(render_text(message, "en"))


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from the month of `start` to the month of `end`."""
    return (end.year - start.year) * 12 + (end.month - start.month)


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + (month.month - 1) + count
    return dt.date(index // 12, index % 12 + 1, 1)


def _error(fact: str, key: str, **params: Any) -> FactError:
    return FactError(fact, Message(key, {"fact": fact, **params}))


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _as_decimal(fact: str, value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise _error(fact, "error.not_a_number", value=_shown(value))
    if isinstance(value, float) and not math.isfinite(value):
        raise _error(fact, "error.not_a_number", value=_shown(value))
    try:
        # str() keeps 299999.99 exact instead of the binary float's expansion.
        return Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise _error(fact, "error.not_a_number", value=_shown(value)) from None


def _check_range(spec: FactSpec, number: Decimal, raw: Any) -> None:
    if spec.minimum is not None and number < spec.minimum:
        raise _error(spec.key, "error.below_minimum", value=_shown(raw), minimum=spec.minimum)
    if spec.maximum is not None and number > spec.maximum:
        raise _error(spec.key, "error.above_maximum", value=_shown(raw), maximum=spec.maximum)


def _country_codes() -> dict[str, str]:
    """Alpha-2 codes and their German and English names (from Babel's CLDR data) -> code."""
    names: dict[str, str] = {}
    for lang in ("de", "en"):
        for code, name in Locale.parse(lang).territories.items():
            if len(code) == 2 and code.isalpha():
                names[name.casefold()] = code
                names[code.casefold()] = code
    return names


_COUNTRIES = _country_codes()
_PARTNER_ID_PATTERN = re.compile(rf"[0-9]{{1,{MAX_PARTNER_ID_DIGITS}}}")
_MONTH_PATTERN = re.compile(r"^([0-9]{4})-([0-9]{1,2})$")


def validate_fact(key: str, value: Any, as_of: dt.date) -> Any:
    """The normalised value of one fact, or FactError naming the fact and the reason."""
    spec = FACT_SPECS.get(key)
    if spec is None:
        raise FactError(key, Message("error.unknown_fact", {"fact": key}))
    if spec.kind == BOOL:
        if not isinstance(value, bool):
            raise _error(key, "error.not_a_bool", value=_shown(value))
        return value
    if spec.kind == CHOICE:
        normalised = value.strip().casefold() if isinstance(value, str) else None
        if normalised not in spec.choices:
            raise _error(
                key, "error.not_a_choice", value=_shown(value), choices=", ".join(spec.choices)
            )
        return normalised
    if spec.kind in NUMERIC_KINDS:
        if isinstance(value, Span | Mapping):
            return _validate_span(spec, value)
        return _validate_number(spec, value)
    if spec.kind == DIGITS:
        text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if not isinstance(text, str) or not _PARTNER_ID_PATTERN.fullmatch(text.strip()):
            raise _error(
                key, "error.not_digits", value=_shown(value), maximum=MAX_PARTNER_ID_DIGITS
            )
        return text.strip()
    if spec.kind == COUNTRY:
        code = _COUNTRIES.get(value.strip().casefold()) if isinstance(value, str) else None
        if code is None:
            raise _error(key, "error.not_a_country", value=_shown(value))
        return code
    if spec.kind == MONTH:
        return _validate_month(key, value, as_of)
    raise AssertionError(f"unhandled fact kind {spec.kind}")


def _validate_number(spec: FactSpec, value: Any) -> Decimal | int:
    number = _as_decimal(spec.key, value)
    if spec.kind == MONEY:
        _check_range(spec, number, value)
        return number
    if number != number.to_integral_value():
        raise _error(spec.key, "error.not_whole", value=_shown(value))
    _check_range(spec, number, value)
    return int(number)


def _validate_span(spec: FactSpec, value: Span | Mapping) -> Span | Decimal | int:
    """A span from its JSON form {"low": ..., "high": ...} (or a Span), each end validated like a
    point; a span of one value is that point."""
    if isinstance(value, Span):
        ends = (value.low, value.high)
    elif set(value) == set(SPAN_KEYS):
        ends = (value["low"], value["high"])
    else:
        raise _error(spec.key, "error.not_a_span", value=_shown(value))
    if ends == (None, None):
        raise _error(spec.key, "error.not_a_span", value=_shown(value))
    low, high = (None if end is None else _validate_number(spec, end) for end in ends)
    if low is not None and high is not None:
        if low > high:
            raise _error(spec.key, "error.span_reversed", low=_shown(ends[0]), high=_shown(ends[1]))
        if low == high:
            return low
    return Span(low, high)


def _validate_month(key: str, value: Any, as_of: dt.date) -> dt.date:
    if isinstance(value, dt.date):
        month = dt.date(value.year, value.month, 1)
    else:
        match = _MONTH_PATTERN.match(value.strip()) if isinstance(value, str) else None
        if match is None or not 1 <= int(match.group(2)) <= 12:
            raise _error(key, "error.not_a_month", value=_shown(value))
        month = dt.date(int(match.group(1)), int(match.group(2)), 1)
    if month > as_of:
        raise _error(key, "error.month_in_future", value=_shown(value))
    if month < EARLIEST_INDIRECT_SINCE:
        raise _error(key, "error.month_too_early", value=_shown(value))
    return month


@dataclass(frozen=True)
class Facts:
    """Validated facts: known values, the ones the partner does not know, and the reference day."""

    values: Mapping[str, Any] = field(default_factory=dict)
    dont_know: frozenset[str] = frozenset()
    as_of: dt.date = field(default_factory=dt.date.today)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], as_of: dt.date | None = None) -> Facts:
        """Validate raw facts: a missing key or None is open, DONT_KNOW is don't-know."""
        as_of = as_of or dt.date.today()
        values: dict[str, Any] = {}
        dont_know: set[str] = set()
        for key, value in raw.items():
            if key not in FACT_SPECS:
                raise FactError(key, Message("error.unknown_fact", {"fact": key}))
            if value is None:
                continue
            if value == DONT_KNOW:
                dont_know.add(key)
                continue
            values[key] = validate_fact(key, value, as_of)
        return cls(values, frozenset(dont_know), as_of).derived()

    def derived(self) -> Facts:
        """Derive the tenure in months from its start month, refusing a contradiction."""
        since = self.values.get("indirect_since")
        if since is None:
            return self
        months = months_between(since, self.as_of)
        stated = self.values.get("indirect_months")
        if stated is not None and distance(stated, months) > TENURE_SLACK_MONTHS:
            raise _error(
                "indirect_months",
                "error.tenure_contradiction",
                months=json_text(stated) if isinstance(stated, Span) else stated,
                since=since.strftime("%Y-%m"),
                derived=months,
            )
        return replace(
            self,
            values={**self.values, "indirect_months": months},
            dont_know=self.dont_know - {"indirect_months"},
        )

    def get(self, key: str) -> Any:
        return self.values.get(key)

    def is_known(self, key: str) -> bool:
        return key in self.values

    def is_open(self, key: str) -> bool:
        return key not in self.values and key not in self.dont_know

    def with_values(self, changes: Mapping[str, Any]) -> Facts:
        """These facts with already-validated values set (None makes a fact open again)."""
        values = {k: v for k, v in {**self.values, **changes}.items() if v is not None}
        return replace(self, values=values, dont_know=self.dont_know - set(changes))

    def updated(self, changes: Mapping[str, Any]) -> Facts:
        """These facts after a turn's validated changes: a value, None (open again) or DONT_KNOW.
        A new start month replaces an older duration (RULES.md: the start month wins)."""
        values = {key: None if value == DONT_KNOW else value for key, value in changes.items()}
        if changes.get("indirect_since") is not None and "indirect_months" not in changes:
            values["indirect_months"] = None
        facts = self.with_values(values)
        asked = {key for key, value in changes.items() if value == DONT_KNOW}
        return replace(facts, dont_know=facts.dont_know | asked).derived()

    def unknown(self, keys: Iterable[str]) -> list[str]:
        return [key for key in keys if key not in self.values]

    def to_json(self) -> dict[str, Any]:
        """Every fact key, normalised for JSON: unknown ones are null."""
        return {key: json_value(self.values.get(key)) for key in FACT_SPECS}


def json_value(value: Any) -> Any:
    """A fact value as slots, payloads and the database hold it: a span as {"low", "high"}."""
    if isinstance(value, Span):
        return {"low": json_value(value.low), "high": json_value(value.high)}
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m")
    return value


def shown_figure(value: Decimal | int | Span, unit: Callable[[Any], Any] = lambda v: v) -> Any:
    """A point or a span as a text parameter: the point in its `unit` (`Money`, or the number a
    text puts its unit after), a span as "X to Y", "at least X" or "at most Y" of them."""
    if not isinstance(value, Span):
        return unit(value)
    if value.low is None:
        return Message("span.at_most", {"high": unit(value.high)})
    if value.high is None:
        return Message("span.at_least", {"low": unit(value.low)})
    return Message("span.between", {"low": unit(value.low), "high": unit(value.high)})


def plural_count(value: Decimal | int | Span) -> Decimal | int:
    """The number a text's plural agrees with: a span's last end as written ("13 to 15 months")."""
    if isinstance(value, Span):
        return value.high if value.high is not None else value.low
    return value


def json_text(value: Any) -> str:
    """A fact value for an error or a trace: a number as written, a span as "low..high"."""
    if isinstance(value, Span):
        return "..".join(
            "" if end is None else str(json_value(end)) for end in (value.low, value.high)
        )
    return str(json_value(value))
