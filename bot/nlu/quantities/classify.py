"""What a number is, from its neighbours, and whether its value may become a fact.

Context: `context` turns a `Tok` into a `Proto` (kind, unit, currency, sign, hedge) and `merge`
joins ranges and "2 Jahre und 3 Monate". Policy: `finish` applies the bounds and emits the
`Quantity`, with a problem where the value must not be used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from bot.eligibility.facts import (
    MAX_INDIRECT_MONTHS,
    MAX_MANAGED_SERVICES,
    MAX_PARTNER_ID_DIGITS,
    MAX_REVENUE_USD,
)
from bot.nlu.quantities.lexicon import (
    BETWEEN,
    CLAUSE_END,
    COMPOUND,
    COUNT_TOPIC,
    COUNT_UNIT,
    CURRENCY,
    CURRENCY_AFTER,
    CURRENCY_BEFORE,
    DURATION_UNIT,
    HEDGE_PATTERNS,
    LABEL_AFTER,
    LABEL_THEN_PARTNER_ID,
    NO_CENTS,
    NONE_COUNT,
    NUMBER_ENDS_CLAUSE,
    ONE,
    PARTNER_ID_THEN_LABEL,
    RANGE_AND,
    RANGE_DASH,
    REVENUE_AFTER,
    REVENUE_WORD,
    SIGN,
    SIGN_WORD,
    TOPIC_TO_NUMBER,
    UNIT_BEFORE,
    WINDOW_BEFORE,
    currency_code,
)
from bot.nlu.quantities.numbers import Tok
from bot.nlu.quantities.quantity import (
    ABSURD,
    AMBIGUOUS,
    AMOUNT,
    COUNT,
    DURATION,
    NEGATIVE,
    NOT_WHOLE,
    PARTNER_ID,
)
from bot.nlu.quantities.scan import Scan

_TWELVE = Decimal(12)
# The average Gregorian month: weeks and days are never whole months, so these only bound them.
_DAYS_PER_MONTH = Decimal("30.436875")
# How far an estimate may be off: amounts by a share of the figure, durations by whole months.
_ABOUT_SHARE, _NEARLY_SHARE = Decimal("0.025"), Decimal("0.05")
_ABOUT_MONTHS, _NEARLY_MONTHS = 1, 2


@dataclass
class Proto:
    """A number with its context, before the value is decided."""

    tok: Tok
    start: int
    end: int
    kind: str = COUNT
    unit: str | None = None  # "month", "year", "week", "day" for durations; "count" for services
    currency: str | None = None
    explicit: bool = False  # the kind came from a unit, currency or scale, not a revenue word
    negative: bool = False
    hedge: str | None = None  # "nearly", "below", "over", "about" (see HEDGE_PATTERNS)
    between: bool = False
    window: bool = False  # "letzten 12 Monate": no quantity
    low: Proto | None = None  # the lower end of a range
    parts: list[Proto] = field(default_factory=list)  # the months of "2 Jahre und 3 Monate"


# --- context -----------------------------------------------------------------------------------


def partner_ids(msg: Scan) -> None:
    for pattern in (LABEL_THEN_PARTNER_ID, PARTNER_ID_THEN_LABEL):
        for match in msg.free_matches(pattern):
            digits = match["digits"]
            problem = ABSURD if len(digits) > MAX_PARTNER_ID_DIGITS else None
            msg.emit(match.start(), match.end(), PARTNER_ID, None, digits=digits, problem=problem)


def none_counts(msg: Scan) -> None:
    """ "keine Managed Services", "no managed services", "Managed Services: none yet": zero."""
    for match in msg.free_matches(NONE_COUNT):
        msg.emit(match.start(), match.end(), COUNT, 0, unit="count")


def currency_before(msg: Scan, start: int) -> tuple[str | None, int]:
    match = msg.ending(CURRENCY_BEFORE, start, 30)
    if match and msg.free(match.start(), start):
        return currency_code(match), match.start()
    return None, start


def glued_sign(msg: Scan, pos: int) -> bool:
    """A minus right before `pos` that is not a hyphen or a range dash ("300-350k")."""
    text = msg.text
    if pos == 0 or text[pos - 1] not in SIGN or not msg.free(pos - 1, pos):
        return False
    return pos < 2 or not (text[pos - 2].isalnum() or text[pos - 2] in "._,")


def context(msg: Scan, tok: Tok, seen: list[Proto]) -> Proto | None:
    """The number with its sign, currency, unit and qualifiers; its span is taken."""
    text = msg.text
    proto = Proto(tok, tok.start, tok.end)
    start = tok.start
    if glued_sign(msg, start):
        proto.negative, start = True, start - 1
    proto.currency, start = currency_before(msg, start)
    if proto.currency and not proto.negative and glued_sign(msg, start):
        proto.negative, start = True, start - 1  # "-$5000"
    word = msg.ending(SIGN_WORD, start, 20)
    if word:
        proto.negative, start = True, word.start()
    for hedge, pattern in HEDGE_PATTERNS:
        word = msg.ending(pattern, start, 30)
        if word:
            proto.hedge, start = hedge, word.start()
            break
    proto.between = bool(msg.ending(BETWEEN, start, 20))
    pos = tok.end
    cents = NO_CENTS.match(text, pos)
    if cents:
        pos = cents.end()
    after = CURRENCY_AFTER.match(text, pos) if proto.currency is None else None
    if after and msg.free(after.start(), after.end()):
        proto.currency, pos = currency_code(after), after.end()
    duration = DURATION_UNIT.match(text, pos)
    count = COUNT_UNIT.match(text, pos)
    if proto.currency:
        proto.kind, proto.explicit = AMOUNT, True
    elif duration and msg.free(duration.start(), duration.end()):
        proto.kind, proto.unit, proto.explicit = DURATION, duration.lastgroup, True
        pos = duration.end()
        proto.window = bool(msg.ending(WINDOW_BEFORE, start, 30))
    elif count and msg.free(count.start(), count.end()):
        proto.kind, proto.unit, proto.explicit = COUNT, "count", True
        pos = count.end()
    elif tok.scale or tok.scaled_words:
        proto.kind, proto.explicit = AMOUNT, True
    else:
        before = msg.ending(UNIT_BEFORE, start, 40)
        if before:
            proto.kind = COUNT if before.lastgroup == "count" else DURATION
            proto.unit, proto.explicit = before.lastgroup, True
    if not proto.explicit and tok.fraction:
        return None  # "half" alone is no quantity
    proto.start, proto.end = start, pos
    if not proto.explicit and revenue_near(text, proto, seen):
        proto.kind = AMOUNT
    elif not proto.explicit and counted_before(text, proto):
        proto.kind, proto.unit, proto.explicit = COUNT, "count", True
    msg.take(proto.start, proto.end)
    return proto


def counted_before(text: str, proto: Proto) -> bool:
    """What is counted named as the topic just before a bare number ("managed services haben
    wir drei", "Managed Services? Einen")."""
    if not NUMBER_ENDS_CLAUSE.match(text, proto.end):
        return False
    topics = list(COUNT_TOPIC.finditer(text, max(0, proto.start - 60), proto.start))
    return bool(topics) and bool(TOPIC_TO_NUMBER.match(text[topics[-1].end() : proto.start]))


def revenue_near(text: str, proto: Proto, seen: list[Proto]) -> bool:
    """A revenue word right after the number, or before it in the same clause with no other
    number but durations in between ("Umsatz der letzten 12 Monate: 350.000")."""
    if REVENUE_AFTER.match(text, proto.end):
        return True
    cues = list(REVENUE_WORD.finditer(text, max(0, proto.start - 80), proto.start))
    cue = cues[-1] if cues else None
    if cue is None or CLAUSE_END.search(text, cue.end(), proto.start):
        return False
    if LABEL_AFTER.match(text, proto.end):
        return False  # "Umsatz 2025: 350k": the number labels the figure after it
    for previous in reversed(seen):
        if previous.start < cue.end():
            break
        if previous.kind != DURATION:
            return False
    return True


def merge(text: str, protos: list[Proto], proto: Proto) -> None:
    """Append `proto`, joining ranges ("300-350k") and "2 Jahre und 3 Monate"."""
    prev = protos[-1] if protos else None
    if prev is not None and 0 <= proto.start - prev.end <= 12:
        gap = text[prev.end : proto.start]
        if is_range(prev, proto, gap):
            if not proto.explicit:
                proto.kind, proto.unit = prev.kind, prev.unit
            proto.currency = proto.currency or prev.currency
            proto.low, proto.start = prev, prev.start
            protos[-1] = proto
            return
        if (
            prev.kind == DURATION == proto.kind
            and prev.unit == "year"
            and proto.unit == "month"
            and not prev.parts
            and not prev.negative | proto.negative
            and COMPOUND.fullmatch(gap)
        ):
            prev.parts.append(proto)
            prev.end = proto.end
            return
    protos.append(proto)


def is_range(a: Proto, b: Proto, gap: str) -> bool:
    if not (RANGE_DASH.fullmatch(gap) or (a.between and RANGE_AND.fullmatch(gap))):
        return False
    if a.negative or b.negative or a.low or a.parts or not (b.explicit or a.between):
        return False
    if a.explicit and b.explicit and (a.kind != b.kind or a.unit != b.unit):
        return False
    return not (a.currency and b.currency and a.currency != b.currency)


# --- policy ------------------------------------------------------------------------------------


def places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def plain(value: Decimal) -> Decimal | int:
    """An int when whole, else the exact Decimal."""
    return int(value) if value == value.to_integral_value() else value.normalize()


def money(value: Decimal) -> Decimal:
    """An amount without a spurious exponent: "0,3 Mio." -> Decimal("300000")."""
    return value.quantize(ONE) if value == value.to_integral_value() else value.normalize()


def reading(proto: Proto, kind: str, unit: str | None, scale: int):
    """The value in `kind`'s unit (months for durations); a tuple when the separators allow
    two sensible readings; None when it is too large to compute."""
    tok = proto.tok
    if tok.huge:
        return None
    factor = Decimal(10) ** scale
    if kind == DURATION and unit == "year":
        factor *= _TWELVE
    elif kind == DURATION and unit in ("week", "day"):
        factor *= (7 if unit == "week" else 1) / _DAYS_PER_MONTH
    if tok.value is not None:
        return tok.value * factor
    if scale:
        return tok.dec * factor  # with a scale, the language's convention: decimal
    readings = [(raw, raw * factor) for raw in (tok.dec, tok.thou)]
    fitting = [value for raw, value in readings if sensible(raw, value, kind, unit)]
    if not fitting:
        return readings[0][1]
    return fitting[0] if len(fitting) == 1 else tuple(fitting)


def sensible(raw: Decimal, value: Decimal, kind: str, unit: str | None) -> bool:
    whole = value == value.to_integral_value()
    if kind == AMOUNT:
        return places(raw) <= 2 and value <= MAX_REVENUE_USD
    if kind == DURATION:
        return whole and value <= MAX_INDIRECT_MONTHS
    if unit == "count":
        return whole and value <= MAX_MANAGED_SERVICES
    return value <= MAX_REVENUE_USD


def bound(kind: str, unit: str | None) -> Decimal:
    if kind == DURATION:
        return Decimal(MAX_INDIRECT_MONTHS)
    if kind == COUNT and unit == "count":
        return Decimal(MAX_MANAGED_SERVICES)
    return MAX_REVENUE_USD  # amounts, and bare numbers that may yet mean revenue


def values(proto: Proto) -> list | None:
    """Every candidate value of the proto (several for ranges and separator doubts)."""
    kind, unit = proto.kind, proto.unit
    scale = proto.tok.scale

    def candidates(part: Proto, part_unit: str | None, part_scale: int) -> list | None:
        value = reading(part, kind, part_unit, part_scale)
        return None if value is None else list(value) if isinstance(value, tuple) else [value]

    found = candidates(proto, unit, scale)
    for part in proto.parts:  # "2 Jahre und 3 Monate"
        months = candidates(part, part.unit, part.tok.scale)
        if found is None or months is None:
            return None
        found = [v + m for v in found for m in months]
    if proto.low is not None:
        low = candidates(proto.low, unit, proto.low.tok.scale or scale)
        if found is None or low is None:
            return None
        found = low + found
    return found


def message_currency(text: str) -> str | None:
    """For an amount with no currency beside it: the one the message names, USD if it names
    none, None if it names several."""
    codes = {currency_code(m) for m in CURRENCY.finditer(text)}
    return codes.pop() if len(codes) == 1 else None if codes else "USD"


def finish_all(msg: Scan, protos: list[Proto]) -> None:
    # The message's currency is looked up once, and only when an amount has none beside it.
    named = None
    if any(p.kind == AMOUNT and not p.currency and not p.window for p in protos):
        named = message_currency(msg.text)
    for proto in protos:
        finish(msg, proto, named)


def hedged(msg: Scan, proto: Proto, figure: Decimal | int, extra: dict) -> None:
    """An estimate or a bound: the figure with the span it leaves (`Quantity.bounds`); a figure
    just under or below a limit is no value of its own."""
    hedge, amount = proto.hedge, proto.kind == AMOUNT
    if hedge == "about":
        spread = money(figure * _ABOUT_SHARE) if amount else _ABOUT_MONTHS
        bounds = (figure - spread, figure + spread)
    elif hedge == "nearly":
        bounds = (
            money(figure * (1 - _NEARLY_SHARE)) if amount else max(figure - _NEARLY_MONTHS, 0),
            figure,
        )
    elif hedge == "below":
        bounds = (None, figure)
    else:  # over
        bounds = (figure, None)
    extra.update(hedge=hedge, bounds=bounds)
    if hedge in ("nearly", "below"):
        msg.emit(proto.start, proto.end, proto.kind, None, problem=AMBIGUOUS, **extra)
    else:
        msg.emit(proto.start, proto.end, proto.kind, figure, **extra)


def finish(msg: Scan, proto: Proto, named_currency: str | None) -> None:
    """The Quantity of `proto`, or a problem; `named_currency` is `message_currency`'s."""
    kind, start, end = proto.kind, proto.start, proto.end
    if proto.window:
        return  # a time window: its span stays taken, nothing is said
    extra: dict = {}
    if kind == COUNT and proto.unit == "count":
        extra["unit"] = "count"
    if kind == AMOUNT:
        extra["currency"] = proto.currency or named_currency
        if extra["currency"] is None:
            msg.emit(start, end, kind, None, problem=AMBIGUOUS, **extra)
            return
    found = values(proto)
    if proto.negative and (found is None or any(v != 0 for v in found)):
        msg.emit(start, end, kind, None, problem=NEGATIVE, **extra)
        return
    if found is None or any(v > bound(kind, proto.unit) for v in found):
        msg.emit(start, end, kind, None, problem=ABSURD, **extra)
        return
    below = proto.hedge in ("nearly", "below")
    if below and kind not in (AMOUNT, DURATION):
        msg.emit(start, end, kind, None, problem=AMBIGUOUS, **extra)
        return
    shown = sorted({money(v) if kind == AMOUNT else plain(v) for v in found})
    if len(shown) > 1:
        if proto.low is not None and not below:  # "300-350k": one figure in that span
            extra.update(hedge="range", bounds=(shown[0], shown[-1]))
        msg.emit(start, end, kind, None, problem=AMBIGUOUS, alternatives=tuple(shown), **extra)
        return
    value = found[0]
    if proto.hedge and kind in (AMOUNT, DURATION) and value == value.to_integral_value():
        hedged(msg, proto, money(value) if kind == AMOUNT else int(value), extra)
        return
    if kind == AMOUNT:
        msg.emit(start, end, kind, money(value), **extra)
    elif value != value.to_integral_value():
        floor = int(value.to_integral_value(ROUND_FLOOR))
        ceil = int(value.to_integral_value(ROUND_CEILING))
        msg.emit(start, end, kind, None, problem=NOT_WHOLE, alternatives=(floor, ceil), **extra)
    else:
        msg.emit(start, end, kind, int(value), **extra)
