"""What a number is, from its neighbours, and the bounds and problems of its value."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.eligibility.facts import MAX_INDIRECT_MONTHS, MAX_MANAGED_SERVICES, MAX_REVENUE_USD
from bot.nlu.quantities.classify import (
    Proto,
    bound,
    context,
    currency_before,
    finish,
    finish_all,
    glued_sign,
    is_range,
    merge,
    message_currency,
    money,
    none_counts,
    partner_ids,
    places,
    plain,
    reading,
    revenue_near,
    sensible,
    values,
)
from bot.nlu.quantities.numbers import Tok, digit_tokens, word_tokens
from bot.nlu.quantities.scan import Scan
from tests.nlu.quantities.wants import TODAY, count, extract, got


def test_currency_is_never_passed_off_as_usd() -> None:
    for text, lang in [("300.000 EUR", "de"), ("£300k", "en"), ("300k, alles in Euro", "de")]:
        assert [q.currency for q in extract(text, lang)] != ["USD"]
    # No currency named at all: USD, as the rules count in USD.
    assert [q.currency for q in extract("Umsatz 1,2 Mio", "de")] == ["USD"]


def test_bounds_are_the_facts_bounds() -> None:
    assert [q.value for q in extract(f"{MAX_INDIRECT_MONTHS} Monate", "de")] == [600]
    assert [q.problem for q in extract(f"{MAX_INDIRECT_MONTHS + 1} Monate", "de")] == ["absurd"]
    services = f"{MAX_MANAGED_SERVICES} managed services"
    assert [q.value for q in extract(services, "en")] == [MAX_MANAGED_SERVICES]
    too_many = f"{MAX_MANAGED_SERVICES + 1} managed services"
    assert [q.problem for q in extract(too_many, "en")] == ["absurd"]
    assert [q.value for q in extract(f"{MAX_REVENUE_USD} USD", "en")] == [MAX_REVENUE_USD]
    assert [q.problem for q in extract(f"{MAX_REVENUE_USD + 1} USD", "en")] == ["absurd"]


# Estimates and bounds keep the figure and the span it leaves; the dialogue decides with the span.
HEDGED = [
    (
        "de",
        "Wir hatten gut 310.000 Dollar CSP-Umsatz.",
        "amount",
        Decimal(310000),
        "over",
        (Decimal(310000), None),
    ),
    (
        "de",
        "Der Umsatz lag bei rund 1,1 Mio. USD.",
        "amount",
        Decimal(1100000),
        "about",
        (Decimal(1072500), Decimal(1127500)),
    ),
    (
        "en",
        "we made a bit over 300k in CSP revenue",
        "amount",
        Decimal(300000),
        "over",
        (Decimal(300000), None),
    ),
    (
        "en",
        "roughly $305,000 in revenue",
        "amount",
        Decimal(305000),
        "about",
        (Decimal("297375.00"), Decimal("312625.00")),
    ),
    (
        "de",
        "Wir haben knapp 300.000 USD Umsatz gemacht.",
        "amount",
        None,
        "nearly",
        (Decimal(285000), Decimal(300000)),
    ),
    ("en", "less than 250k revenue", "amount", None, "below", (None, Decimal(250000))),
    ("en", "about 13 months as indirect reseller", "duration", 13, "about", (12, 14)),
    ("de", "seit knapp 2 Jahren indirekt", "duration", None, "nearly", (22, 24)),
    ("de", "mehr als 14 Monate", "duration", 14, "over", (14, None)),
    (
        "en",
        "revenue between 320k and 400k",
        "amount",
        None,
        "range",
        (Decimal(320000), Decimal(400000)),
    ),
    ("de", "seit Mitte 2023", "duration", None, "period", (39, 42)),
    ("en", "since Q2 2024", "duration", None, "period", (29, 31)),
    ("de", "seit Ende 2022", "duration", None, "period", (47, 50)),
    ("en", "since mid-2025", "duration", None, "period", (15, 18)),
]


@pytest.mark.parametrize(
    ("lang", "text", "kind", "value", "hedge", "bounds"), HEDGED, ids=[c[1] for c in HEDGED]
)
def test_hedged_figures_keep_their_span(lang, text, kind, value, hedge, bounds) -> None:
    (quantity,) = extract(text, lang)
    assert (quantity.kind, quantity.value, quantity.hedge, quantity.bounds) == (
        kind,
        value,
        hedge,
        bounds,
    )


def test_not_any_managed_services_counts_none() -> None:
    assert [got(q) for q in extract("we don't run any managed services so far", "en")] == [count(0)]
    assert [got(q) for q in extract("We do not offer any managed services yet.", "en")] == [
        count(0)
    ]


def test_managed_services_named_first_then_none() -> None:
    for text, lang in [
        ("Managed Services bieten wir bisher keine an.", "de"),
        ("Managed Services haben wir noch keine.", "de"),
        ("Managed services: none yet.", "en"),
        ("managed services we have none", "en"),
    ]:
        assert [got(q) for q in extract(text, lang)] == [count(0)], text
    assert [got(q) for q in extract("Dienste haben wir zwei.", "de")] == [count(2)]


def test_a_count_says_whether_the_message_names_what_it_counts() -> None:
    assert [q.unit for q in extract("zwei Managed Services", "de")] == ["count"]
    assert [q.unit for q in extract("we run no managed services", "en")] == ["count"]
    assert [q.unit for q in extract("zwei", "de")] == [None]


# --- the stage's own functions -----------------------------------------------------------------


def _protos(text: str, lang: str) -> tuple[Scan, list[Proto]]:
    """The numbers of `text` with their context, merged, before any policy."""
    msg = Scan(text, lang, TODAY)
    protos: list[Proto] = []
    for tok in sorted(digit_tokens(msg) + word_tokens(msg), key=lambda t: t.start):
        proto = context(msg, tok, protos)
        if proto is not None:
            merge(msg.text, protos, proto)
    return msg, protos


@pytest.mark.parametrize(
    ("text", "lang", "read"),
    [
        # (span, kind, unit, currency, negative, hedge, window)
        ("-$5000", "en", [("-$5000", "amount", None, "USD", True, None, False)]),
        ("USD 350.000", "de", [("USD 350.000", "amount", None, "USD", False, None, False)]),
        ("knapp 300k", "de", [("knapp 300k", "amount", None, None, False, "nearly", False)]),
        ("Umsatz von 350000", "de", [("350000", "amount", None, None, False, None, False)]),
        ("Managed Services: 2", "de", [("2", "count", "count", None, False, None, False)]),
        ("in den letzten 12 Monaten", "de",
         [("12 Monaten", "duration", "month", None, False, None, True)]),
        ("half", "en", []),  # a fraction without a unit or scale
        # A range and a compound duration are one proto each.
        ("300-350k", "en", [("300-350k", "amount", None, None, False, None, False)]),
        ("2 Jahre und 3 Monate", "de",
         [("2 Jahre und 3 Monate", "duration", "year", None, False, None, False)]),
    ],
)  # fmt: skip
def test_context_and_merge(text: str, lang: str, read: list[tuple]) -> None:
    msg, protos = _protos(text, lang)
    assert [
        (text[p.start : p.end], p.kind, p.unit, p.currency, p.negative, p.hedge, p.window)
        for p in protos
    ] == read
    assert all(not msg.free(p.start, p.end) for p in protos)  # the context takes its span


def test_ranges_and_parts_keep_their_ends() -> None:
    (span,) = _protos("zwischen 300.000 und 350.000 USD", "de")[1]
    assert span.low is not None and span.currency == "USD"
    assert values(span) == [300000, 350000]
    (years,) = _protos("2 Jahre und 3 Monate", "de")[1]
    assert [part.unit for part in years.parts] == ["month"] and values(years) == [27]
    dash, other = _protos("300k USD - 350k EUR", "en")[1]  # currencies differ: no range
    assert dash.low is None and other.low is None
    assert not is_range(dash, other, " - ")


def test_revenue_near_stops_at_the_clause() -> None:
    (after,) = _protos("350000 Umsatz", "de")[1]
    assert after.kind == "amount" and revenue_near("350000 Umsatz", after, [])
    (other,) = _protos("Umsatz ist gut, und 350000", "de")[1]
    assert other.kind == "count"


def test_signs_and_currency_before() -> None:
    assert glued_sign(Scan("-5", "en", TODAY), 1)
    assert glued_sign(Scan("(−3 months)", "en", TODAY), 2)
    assert not glued_sign(Scan("300-350k", "en", TODAY), 4)  # a range dash
    assert currency_before(Scan("USD 350.000", "de", TODAY), 4) == ("USD", 0)
    assert currency_before(Scan("350", "de", TODAY), 0) == (None, 0)


def test_partner_ids_and_none_counts_are_emitted() -> None:
    msg = Scan("Partner-ID: 1234567, 1234567890123456 ist unsere PartnerID", "de", TODAY)
    partner_ids(msg)
    assert [(q.kind, q.digits, q.problem) for q in msg.found] == [
        ("partner_id", "1234567", None),
        ("partner_id", "1234567890123456", "absurd"),  # more digits than a PartnerID has
    ]
    msg = Scan("keine managed services", "de", TODAY)
    none_counts(msg)
    assert [(q.text, q.value, q.unit) for q in msg.found] == [
        ("keine managed services", 0, "count")
    ]


def test_message_currency() -> None:
    assert message_currency("300k, alles in Euro") == "EUR"
    assert message_currency("350k") == "USD"
    assert message_currency("300 € und 200 $") is None


def test_bounds_readings_and_plain_values() -> None:
    assert bound("duration", "month") == MAX_INDIRECT_MONTHS
    assert bound("count", "count") == MAX_MANAGED_SERVICES
    assert bound("count", None) == bound("amount", None) == MAX_REVENUE_USD
    both = Proto(Tok(0, 7, None, Decimal("300.000"), Decimal(300000)), 0, 7)
    assert reading(both, "count", None, 0) == (300, 300000)  # a bare number: both fit
    assert reading(both, "amount", None, 0) == 300000  # money has no 3 decimals
    assert reading(both, "count", "count", 0) == 300  # 300000 services are beyond the bound
    assert reading(both, "amount", None, 6) == 300_000_000  # a scale: decimal ("300.000 Mio.")
    assert sensible(Decimal("1.25"), Decimal(15), "duration", "year")
    assert not sensible(Decimal("1.250"), Decimal("1.250"), "amount", None)
    assert places(Decimal("1.250")) == 3
    assert plain(Decimal("2.50")) == Decimal("2.5") and type(plain(Decimal("3.0"))) is int
    assert str(money(Decimal("3E+5"))) == "300000"


@pytest.mark.parametrize(
    ("text", "lang", "currency", "quantity"),
    [
        ("310k", "de", "EUR", ("amount", Decimal(310000), "EUR", None, ())),
        ("310k", "de", None, ("amount", None, None, "ambiguous", ())),  # several named
        ("1,250", "de", "USD", ("count", None, None, "ambiguous", (Decimal("1.25"), 1250))),
        ("14,5 Monate", "de", "USD", ("duration", None, None, "not_whole", (14, 15))),
        ("-3 Monate", "de", "USD", ("duration", None, None, "negative", ())),
        ("700 Monate", "de", "USD", ("duration", None, None, "absurd", ())),
    ],
)
def test_finish_applies_the_policy(text, lang, currency, quantity) -> None:
    msg, (proto,) = _protos(text, lang)
    finish(msg, proto, currency)
    assert [(q.kind, q.value, q.currency, q.problem, q.alternatives) for q in msg.found] == [
        quantity
    ]


def test_finish_keeps_a_hedged_figure_with_its_span_and_says_nothing_of_a_window() -> None:
    msg, (proto,) = _protos("ca. 310k", "de")
    finish(msg, proto, "USD")
    assert [(q.value, q.hedge, q.bounds) for q in msg.found] == [
        (Decimal(310000), "about", (Decimal(302250), Decimal(317750)))
    ]
    msg, (proto,) = _protos("in den letzten 12 Monaten", "de")
    finish(msg, proto, "USD")
    assert msg.found == [] and not msg.free(15, 25)


def test_finish_all_looks_up_the_message_currency_for_amounts_without_one() -> None:
    msg, protos = _protos("Umsatz 310k, davon 200.000 € in DE", "de")
    finish_all(msg, protos)
    assert [(q.value, q.currency) for q in msg.found] == [
        (Decimal(310000), "EUR"),
        (Decimal(200000), "EUR"),
    ]
    msg, protos = _protos("Umsatz 310k, davon 200.000 € in DE und 100.000 $ in den USA", "de")
    finish_all(msg, protos)
    assert [(q.currency, q.problem) for q in msg.found] == [
        (None, "ambiguous"),
        ("EUR", None),
        ("USD", None),
    ]
