"""Numbers as partners and support agents type them, in German and English."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.eligibility.facts import MAX_INDIRECT_MONTHS, MAX_MANAGED_SERVICES, MAX_REVENUE_USD
from bot.nlu.quantities import Quantity, _Extractor, extract_quantities

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


# Every example of RULES.md "Numbers people will type", in the language it is written in.
RULES_EXAMPLES = {
    "350.000 USD": ("de", money(350000)),
    "$420,000": ("en", money(420000)),
    "0,3 Mio. Dollar": ("de", money(300000)),
    "1,2 Millionen": ("de", money(1200000)),
    "310k": ("de", money(310000)),
    "dreihunderttausend Dollar": ("de", money(300000)),
    "three hundred and ten thousand dollars": ("en", money(310000)),
    "14 Monate": ("de", months(14)),
    "anderthalb Jahre": ("de", months(18)),
    "two years": ("en", months(24)),
    "since March 2025": ("en", months(20, (2025, 3))),
    "10^30 Dollar": ("de", flagged("amount", "absurd", currency="USD")),
}

GERMAN = [
    # Amounts, formal and informal.
    ("350.000 USD", [money(350000)]),
    ("0,3 Mio. Dollar", [money(300000)]),
    ("1,2 Millionen", [money(1200000)]),
    ("310k", [money(310000)]),
    ("dreihunderttausend Dollar", [money(300000)]),
    ("wir haben 310k Revenue gemacht", [money(310000)]),
    ("Unser CSP-Umsatz der letzten 12 Monate liegt bei ca. 350.000 USD.", [money(350000)]),
    ("Umsatz: 420.000 $", [money(420000)]),
    ("wir machen so 1,2 Mio im Jahr", [money(1200000)]),
    ("Umsatz von 350000", [money(350000)]),
    ("Umsatz in den letzten 12 Monaten: 350.000", [money(350000)]),
    ("Unser Umsatz beträgt 1.250.000 US-Dollar", [money(1250000)]),
    ("rund 2 Mio. USD Umsatz", [money(2000000)]),
    ("mehr als 300k Umsatz", [money(300000)]),
    ("ca 310 Tsd. USD", [money(310000)]),
    ("310 Tausend Dollar", [money(310000)]),
    ("dreihundertfünfzigtausend US-Dollar", [money(350000)]),
    ("wir haben dreihundertzehntausend dollar umsatz", [money(310000)]),
    ("Umsatz: 350.000USD", [money(350000)]),
    ("Umsatz iHv. 350.000 US$", [money(350000)]),
    ("USD 350.000,-", [money(350000)]),
    ("Wir haben ~ 1,5 Mio USD Revenue", [money(1500000)]),
    ("1.5 Mio.", [money(1500000)]),
    ("zwei Komma fünf Millionen", [money(2500000)]),
    ("$1,250", [money(1250)]),
    ("$420,000", [money(420000)]),
    ("1,250 Mio.", [money(1250000)]),
    ("1.250 Mio.", [money(1250000000)]),
    ("<b>350.000&nbsp;USD</b>", [money(350000)]),
    ("🚀 310k 💶", [money(310000)]),
    ("10 Mrd. USD", [money(10_000_000_000)]),
    # Other currencies stay what they are.
    ("300.000 €", [money(300000, "EUR")]),
    ("Umsatz 300.000,- €", [money(300000, "EUR")]),
    ("350.000,00 EUR Umsatz", [money(350000, "EUR")]),
    ("310 TEUR", [money(310000, "EUR")]),
    ("350 T€", [money(350000, "EUR")]),
    ("350 000 €", [money(350000, "EUR")]),
    ("eine halbe Million Euro", [money(500000, "EUR")]),
    ("300.000 Franken", [money(300000, "CHF")]),
    ("250.000 Pfund", [money(250000, "GBP")]),
    ("400.000 kanadische Dollar", [money(400000, "CAD")]),
    ("Umsatz 350k, alles in Euro", [money(350000, "EUR")]),
    ("Das sind 300.000 EUR, also ca. 330.000 USD", [money(300000, "EUR"), money(330000)]),
    (
        "Umsatz 500.000, davon 300.000 € in DE und 200.000 $ in den USA",
        [flagged("amount", "ambiguous"), money(300000, "EUR"), money(200000)],
    ),
    # Durations.
    ("14 Monate", [months(14)]),
    ("anderthalb Jahre", [months(18)]),
    ("Wir sind seit 14 Monaten indirekter Reseller.", [months(14)]),
    ("seit anderthalb Jahren dabei", [months(18)]),
    ("Seit über einem Jahr", [months(12)]),
    ("ein Jahr", [months(12)]),
    ("seit nem Jahr", [months(12)]),
    ("seit zwölf Monaten", [months(12)]),
    ("vierzehn Monate", [months(14)]),
    ("14Monate", [months(14)]),
    ("seit 14 Mon", [months(14)]),
    ("wir sind jetzt 2 jahre dabei", [months(24)]),
    ("2 J.", [months(24)]),
    ("halbes Jahr", [months(6)]),
    ("ein halbes Jahr", [months(6)]),
    ("eineinhalb Jahre", [months(18)]),
    ("zweieinhalb Jahre", [months(30)]),
    ("1,5 Jahre", [months(18)]),
    ("1,250 Jahre", [months(15)]),
    ("dreissig Monate", [months(30)]),
    ("seit 2 Jahren und 3 Monaten", [months(27)]),
    ("ein Jahr, drei Monate", [months(15)]),
    ("mindestens 14 Monate", [months(14)]),
    # Start months, counted to TODAY (November 2026).
    ("seit März 2025", [months(20, (2025, 3))]),
    ("seit 03/2025", [months(20, (2025, 3))]),
    ("Seit Maerz 2025", [months(20, (2025, 3))]),
    ("seit dem 01.03.2025", [months(20, (2025, 3))]),
    ("seit 1. März 2025", [months(20, (2025, 3))]),
    ("ab 03/25 indirekt", [months(20, (2025, 3))]),
    ("Wir haben im März 2025 angefangen", [months(20, (2025, 3))]),
    ("seit Januar", [months(10, (2026, 1))]),
    ("seit 2024", [flagged("duration", "ambiguous", 23, 34)]),
    ("seit Sommer 2023", [flagged("duration", "ambiguous", 39, 41)]),
    ("Wir haben noch nicht einen Managed Service", [count(0)]),
    ("wir sind 2019 gestartet", [flagged("duration", "ambiguous", 83, 94)]),
    ("seit Q3 2025", [flagged("duration", "ambiguous", 14, 16)]),
    ("seit Juni 2027", [flagged("duration", "negative", since=dt.date(2027, 6, 1))]),
    ("seit 1995", [flagged("duration", "absurd")]),
    ("Bis Dezember 2026 haben wir 400k", [money(400000)]),
    # Counts.
    ("zwei Managed Services", [count(2)]),
    ("Wir haben 3 managed services", [count(3)]),
    ("hab 2 managed servcies", [count(2)]),
    ("Einen Managed Service haben wir", [count(1)]),
    ("drei Managed-Services", [count(3)]),
    ("Managed Services: 2", [count(2)]),
    ("keine managed services", [count(0)]),
    ("null Managed Services", [count(0)]),
    ("Einen.", [count(1)]),
    ("eins", [count(1)]),
    ("12", [count(12)]),
    ("Wir haben 12.", [count(12)]),
    ("2.000", [count(2000)]),
    ("1.500 Managed Services", [count(1500)]),
    ("drei bis vier Managed Services", [flagged("count", "ambiguous", 3, 4)]),
    # PartnerIDs.
    ("unsere PartnerID ist 1234567", [pid("1234567")]),
    ("Partner-ID: 1234567", [pid("1234567")]),
    ("Unsere MPN ID lautet 4567890", [pid("4567890")]),
    ("1234567 ist unsere PartnerID", [pid("1234567")]),
    ("PartnerID 12345678901234567890", [pid("12345678901234567890", "absurd")]),
    # Several in one message.
    (
        "350.000 USD Umsatz, seit 14 Monaten, 2 Managed Services",
        [money(350000), months(14), count(2)],
    ),
    (
        "Seit 01/2025 sind wir indirekter Reseller, Umsatz ~320k USD, 1 Managed Service, "
        "PartnerID 5123456",
        [months(22, (2025, 1)), money(320000), count(1), pid("5123456")],
    ),
    (
        "Wir haben 310k Revenue gemacht und bieten 2 Managed Services seit 14 Monaten",
        [money(310000), count(2), months(14)],
    ),
    ("MPN-ID: 7654321, Umsatz 1,2 Mio. USD", [pid("7654321"), money(1200000)]),
    (
        "Der Umsatz in den letzten 12 Monaten war 300k, wir sind seit 2 Jahren dabei",
        [money(300000), months(24)],
    ),
    # Problems: never a fact.
    ("-5000 USD", [flagged("amount", "negative", currency="USD")]),
    ("minus 3 Monate", [flagged("duration", "negative")]),
    ("−5.000 €", [flagged("amount", "negative", currency="EUR")]),
    ("10^30 Dollar", [flagged("amount", "absurd", currency="USD")]),
    ("1 Billion Dollar", [flagged("amount", "absurd", currency="USD")]),
    ("500 Mrd. USD", [flagged("amount", "absurd", currency="USD")]),
    ("700 Monate", [flagged("duration", "absurd")]),
    ("200000 Managed Services", [flagged("count", "absurd")]),
    ("14,5 Monate", [flagged("duration", "not_whole", 14, 15)]),
    ("sechs Wochen", [flagged("duration", "not_whole", 1, 2)]),
    ("Wir haben 2,5 Managed Services", [flagged("count", "not_whole", 2, 3)]),
    ("1,250", [flagged("count", "ambiguous", Decimal("1.25"), 1250)]),
    ("Knapp 300k", [flagged("amount", "ambiguous", currency="USD")]),
    ("fast zwei Jahre", [flagged("duration", "ambiguous")]),
    ("12 bis 14 Monate", [flagged("duration", "ambiguous", 12, 14)]),
    ("300-350k", [flagged("amount", "ambiguous", 300000, 350000, currency="USD")]),
    (
        "zwischen 300.000 und 350.000 USD",
        [flagged("amount", "ambiguous", 300000, 350000, currency="USD")],
    ),
    # Digits that are no quantity.
    ("Wir verkaufen Microsoft 365 seit 2 Jahren", [months(24)]),
    ("Wir haben 20 % Wachstum und 350k Umsatz", [money(350000)]),
    ("Rückruf bitte um 14:30 unter +49 89 1234567", []),
    ("Ticket #12345", []),
    ("FY25 hatten wir 1,1 Mio USD", [money(1100000)]),
    ("Im Jahr 2024 hatten wir 280.000 USD", [money(280000)]),
    ("Version 3.6.21", []),
    ("Millionen Umsatz", []),
    ("Umsatz 2025: 350k", [money(350000)]),
    ("Ne.", []),
    ("seit 03/15/2025", [months(20, (2025, 3))]),
    ("eine Million Dollar", [money(1000000)]),
    ("tausend Euro", [money(1000, "EUR")]),
    ("März 2025", [months(20, (2025, 3))]),
    ("seit 15.03.", [months(8, (2026, 3))]),
    ("am 15.03. haben wir angefangen", [months(8, (2026, 3))]),
    ("Stand: 25.11.2026, Umsatz 350k", [money(350000)]),
    ("Rechnung vom 01.10.2026 über 350.000 €", [money(350000, "EUR")]),
    ("First-Level-Support 24/7, Mo-Fr 8-18 Uhr", []),
]

ENGLISH = [
    # Amounts.
    ("$420,000", [money(420000)]),
    ("three hundred and ten thousand dollars", [money(310000)]),
    ("We did about $420,000 in CSP revenue over the last 12 months.", [money(420000)]),
    ("revenue: 350k USD", [money(350000)]),
    ("Our revenue is USD 1.2M", [money(1200000)]),
    ("1.2M", [money(1200000)]),
    ("$1.2m", [money(1200000)]),
    ("we made 0.3 million dollars", [money(300000)]),
    ("310K in revenue", [money(310000)]),
    ("three hundred ten thousand USD", [money(310000)]),
    ("a hundred thousand dollars", [money(100000)]),
    ("two million dollars", [money(2000000)]),
    ("half a million", [money(500000)]),
    ("two point five million dollars", [money(2500000)]),
    ("300.000 USD", [money(300000)]),
    ("1,250 USD", [money(1250)]),
    ("420,000.50 USD", [money("420000.50")]),
    ("1,2 Millionen", [money(1200000)]),
    ("1E6 USD", [money(1000000)]),
    ("2 billion dollars", [money(2_000_000_000)]),
    ("2 bn", [money(2_000_000_000)]),
    ("more than 300k", [money(300000)]),
    ("~300k", [money(300000)]),
    ("350 000 USD", [money(350000)]),
    ("12m", [money(12_000_000)]),
    ("in 2024 we made 280k", [money(280000)]),
    ("FY24 revenue was $1.1M", [money(1100000)]),
    ("We sell Microsoft 365 and Office 365, about 400k", [money(400000)]),
    # Other currencies stay what they are.
    ("EUR 300,000", [money(300000, "EUR")]),
    ("€300k", [money(300000, "EUR")]),
    ("300k€", [money(300000, "EUR")]),
    ("£250,000", [money(250000, "GBP")]),
    ("300k GBP", [money(300000, "GBP")]),
    ("CHF 300'000", [money(300000, "CHF")]),
    ("A$400k", [money(400000, "AUD")]),
    ("C$ 400,000", [money(400000, "CAD")]),
    ("350.000,00 €", [money(350000, "EUR")]),
    ("300k, all in euros", [money(300000, "EUR")]),
    # Durations.
    ("two years", [months(24)]),
    ("we've been an indirect reseller for 14 months", [months(14)]),
    ("for two years now", [months(24)]),
    ("18 months", [months(18)]),
    ("for a year", [months(12)]),
    ("for one year", [months(12)]),
    ("1.5 years", [months(18)]),
    ("1.5 yrs", [months(18)]),
    ("one and a half years", [months(18)]),
    ("a year and a half", [months(18)]),
    ("half a year", [months(6)]),
    ("eighteen months", [months(18)]),
    ("12mo", [months(12)]),
    ("we have 2 years and 3 months", [months(27)]),
    ("1 year 6 months", [months(18)]),
    ("at least 14 months", [months(14)]),
    # Start months, counted to TODAY (November 2026).
    ("since March 2025", [months(20, (2025, 3))]),
    ("since 2025-03", [months(20, (2025, 3))]),
    ("since Mar 2025", [months(20, (2025, 3))]),
    ("since March 1st, 2025", [months(20, (2025, 3))]),
    ("since 1 March 2025", [months(20, (2025, 3))]),
    ("since 3/2025", [months(20, (2025, 3))]),
    ("Since 2025/03", [months(20, (2025, 3))]),
    ("since 03/15/2025", [months(20, (2025, 3))]),
    ("since 15/03/2025", [months(20, (2025, 3))]),
    ("started in March 2025", [months(20, (2025, 3))]),
    ("since January", [months(10, (2026, 1))]),
    ("since 03/04/2025", [flagged("duration", "ambiguous", 19, 20)]),
    ("since early 2024", [flagged("duration", "ambiguous", 31, 34)]),
    ("we started in 2023", [flagged("duration", "ambiguous", 35, 46)]),
    ("since June 2027", [flagged("duration", "negative", since=dt.date(2027, 6, 1))]),
    # Counts.
    ("2 managed services", [count(2)]),
    ("two managed services", [count(2)]),
    ("we offer one managed service", [count(1)]),
    ("a managed service", [count(1)]),
    ("We don't have a managed service yet", [count(0)]),
    ("we've been without a managed service so far", [count(0)]),
    ("since summer 2023", [flagged("duration", "ambiguous", 39, 41)]),
    ("3 MSP offerings", [count(3)]),
    ("twenty-five managed services", [count(25)]),
    ("zero managed services", [count(0)]),
    ("no managed services", [count(0)]),
    ("one", [count(1)]),
    ("12", [count(12)]),
    ("1,250", [count(1250)]),
    ("420,000", [count(420000)]),
    ("1.250.000", [count(1250000)]),
    ("1,250,000", [count(1250000)]),
    ("1 234 567", [count(1234567)]),
    # PartnerIDs.
    ("Partner ID: 1234567", [pid("1234567")]),
    ("our MPN ID is 1234567", [pid("1234567")]),
    ("MPN-ID 7654321", [pid("7654321")]),
    ("PartnerID #1234567", [pid("1234567")]),
    # Several in one message.
    (
        "We have $350k revenue, 14 months as indirect reseller and 2 managed services.",
        [money(350000), months(14), count(2)],
    ),
    ("Revenue ca. 420k, Tenure 14 months", [money(420000), months(14)]),
    # Problems: never a fact.
    ("300.000", [flagged("count", "ambiguous", 300, 300000)]),
    ("-5000 USD", [flagged("amount", "negative", currency="USD")]),
    ("USD -5000", [flagged("amount", "negative", currency="USD")]),
    ("-$5,000", [flagged("amount", "negative", currency="USD")]),
    ("minus 3 months", [flagged("duration", "negative")]),
    ("(−3 months)", [flagged("duration", "negative")]),
    ("negative 200k", [flagged("amount", "negative", currency="USD")]),
    ("10^30 dollars", [flagged("amount", "absurd", currency="USD")]),
    ("1e30", [flagged("count", "absurd")]),
    ("999999999999999999 USD", [flagged("amount", "absurd", currency="USD")]),
    ("1 trillion dollars", [flagged("amount", "absurd", currency="USD")]),
    ("14.5 months", [flagged("duration", "not_whole", 14, 15)]),
    ("1.3 years", [flagged("duration", "not_whole", 15, 16)]),
    ("300k-350k", [flagged("amount", "ambiguous", 300000, 350000, currency="USD")]),
    ("between 12 and 14 months", [flagged("duration", "ambiguous", 12, 14)]),
    ("12 to 14 months", [flagged("duration", "ambiguous", 12, 14)]),
    ("almost 2 years", [flagged("duration", "ambiguous")]),
    ("just under 300k", [flagged("amount", "ambiguous", currency="USD")]),
    ("less than a year", [flagged("duration", "ambiguous")]),
    # Digits and words that are no quantity.
    ("no one knows", []),
    ("one of our customers", []),
    ("thousands of customers", []),
    ("call me at 10:30 on +1 425 555 0100", []),
    ("20% growth", []),
    ("Windows 11", []),
    ("3rd", []),
    ("5G", []),
    ("revenue 2024: $420,000", [money(420000)]),
    ("since 12/12/2025", [months(11, (2025, 12))]),
    ("$2000.10", [money("2000.10")]),
    ("a million dollars", [money(1000000)]),
    ("Date: 11/25/2026", []),
    ("24x7 first line support", []),
]


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


def ids(cases: list) -> list[str]:
    return [text[:60] for text, _ in cases]


@pytest.mark.parametrize(("text", "want"), GERMAN, ids=ids(GERMAN))
def test_german(text: str, want: list[Want]) -> None:
    assert [got(q) for q in extract(text, "de")] == want


@pytest.mark.parametrize(("text", "want"), ENGLISH, ids=ids(ENGLISH))
def test_english(text: str, want: list[Want]) -> None:
    assert [got(q) for q in extract(text, "en")] == want


def test_enough_distinct_phrasings_per_language() -> None:
    for cases in (GERMAN, ENGLISH):
        texts = [text for text, _ in cases]
        assert len(set(texts)) == len(texts) >= 60


@pytest.mark.parametrize("example", sorted(RULES_EXAMPLES))
def test_every_rules_example_is_read_exactly(example: str) -> None:
    lang, want = RULES_EXAMPLES[example]
    assert example in dict(GERMAN if lang == "de" else ENGLISH)
    assert [got(q) for q in extract(example, lang)] == [want]


def test_spans_point_at_the_quantity() -> None:
    text = "Umsatz: 350.000 USD, seit 14 Monaten, 2 Managed Services, PartnerID 1234567"
    assert [q.text for q in extract(text, "de")] == [
        "350.000 USD",
        "14 Monaten",
        "2 Managed Services",
        "PartnerID 1234567",
    ]


# The separator table of the module docstring, row by row: (text, lang, reading).
SEPARATORS = [
    ("1.250.000,50 USD", "en", money("1250000.50")),  # both marks: by shape
    ("1,250.50 USD", "de", money("1250.50")),
    ("1.250.000", "en", count(1250000)),  # one mark repeated: thousands
    ("1,250,000", "de", count(1250000)),
    ("1,5 Millionen", "en", money(1500000)),  # not 3 digits after: decimal
    ("3.25 years", "de", months(39)),
    ("0,300", "de", flagged("count", "not_whole", 0, 1)),  # leading zero: decimal
    ("12500,000", "de", count(12500)),  # more than 3 digits before: decimal
    ("350.000", "de", count(350000)),  # the language's thousands mark
    ("420,000", "en", count(420000)),
    ("1,250 Mio.", "de", money(1250000)),  # decimal mark + scale: the convention
    ("1.250M", "en", money(1250000)),
    ("300.000 USD", "en", money(300000)),  # decimal mark, money: thousands
    ("$1,250", "de", money(1250)),
    ("1,250 Jahre", "de", months(15)),  # decimal mark, duration: decimal
    ("2.000 managed services", "en", flagged("count", "ambiguous", 2, 2000)),
    ("1,500 Managed Services", "de", count(1500)),  # only the whole reading
    ("300.000", "en", flagged("count", "ambiguous", 300, 300000)),  # bare: ask
    ("1,250", "de", flagged("count", "ambiguous", Decimal("1.25"), 1250)),
    ("350'000 CHF", "de", money(350000, "CHF")),  # apostrophe: thousands
    ("350\u00a0000 EUR", "en", money(350000, "EUR")),  # no-break space: thousands
]


@pytest.mark.parametrize(("text", "lang", "want"), SEPARATORS, ids=[s[0] for s in SEPARATORS])
def test_separator_decision_table(text: str, lang: str, want: Want) -> None:
    assert [got(q) for q in extract(text, lang)] == [want]


@pytest.mark.parametrize("text", ["1.2.3", "1,2.3,4", "192.168.1.1", "Rasa 3.6.21"])
def test_malformed_digits_are_no_number(text: str) -> None:
    assert extract(text, "de") == extract(text, "en") == []


def test_currency_is_never_passed_off_as_usd() -> None:
    for text, lang in [("300.000 EUR", "de"), ("£300k", "en"), ("300k, alles in Euro", "de")]:
        assert [q.currency for q in extract(text, lang)] != ["USD"]
    # No currency named at all: USD, as the rules count in USD.
    assert [q.currency for q in extract("Umsatz 1,2 Mio", "de")] == ["USD"]


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


def test_bounds_are_the_facts_bounds() -> None:
    assert [q.value for q in extract(f"{MAX_INDIRECT_MONTHS} Monate", "de")] == [600]
    assert [q.problem for q in extract(f"{MAX_INDIRECT_MONTHS + 1} Monate", "de")] == ["absurd"]
    services = f"{MAX_MANAGED_SERVICES} managed services"
    assert [q.value for q in extract(services, "en")] == [MAX_MANAGED_SERVICES]
    too_many = f"{MAX_MANAGED_SERVICES + 1} managed services"
    assert [q.problem for q in extract(too_many, "en")] == ["absurd"]
    assert [q.value for q in extract(f"{MAX_REVENUE_USD} USD", "en")] == [MAX_REVENUE_USD]
    assert [q.problem for q in extract(f"{MAX_REVENUE_USD + 1} USD", "en")] == ["absurd"]


def test_a_number_is_read_once() -> None:
    # The year of a date is no count; the 12 of an amount's window is no duration.
    text = "seit 03/2025, Umsatz in den letzten 12 Monaten 350k, 2 Managed Services"
    assert [got(q) for q in extract(text, "de")] == [months(20, (2025, 3)), money(350000), count(2)]


NASTY = [
    "",
    " ",
    "\x00\x01\x02\x1b[31m350k\x1b[0m",
    "<script>alert(1)</script><p>Umsatz: <b>$420,000</b></p>",
    "💶" * 1000,
    "\u202e350.000 USD\u202c",
    "1." * 5000,
    "-" * 5000 + "5",
    "10^99999999 Dollar",
    "1e999999999",
    "9" * 5000 + " USD",
    "0^-1",
    "PartnerID " + ": " * 3000 + "1",
    "seit " * 2000 + "2024",
    "ein" * 3000 + "halb Jahre",
    "zwei komma " * 500,
    "\ud800 lone surrogate 12",
]


@pytest.mark.parametrize("text", NASTY, ids=[repr(t[:20]) for t in NASTY])
@pytest.mark.parametrize("lang", ["de", "en", "fr", ""])
def test_nasty_input_never_raises(text: str, lang: str) -> None:
    for q in _Extractor(text, "de" if lang == "de" else "en", TODAY).run():  # the unguarded core
        assert text[q.start : q.end] == q.text
    extract_quantities(text, lang, TODAY)


def test_long_text_stays_fast() -> None:
    text = ("Wir haben 350.000 USD Umsatz, seit 14 Monaten, 2 Managed Services. " * 1500)[:100_000]
    started = time.perf_counter()
    found = extract_quantities(text, "de", TODAY)
    assert time.perf_counter() - started < 10
    assert len(found) > 4000


FRAGMENTS = [
    "350", ".", ",", "000", "k", "Mio.", " ", "USD", "$", "€", "EUR", "-", "−", "Monate",
    "months", "Jahre", "years", "seit", "since", "März", "2025", "/", "03", "PartnerID",
    "zwei", "two", "hundred", "and", "tausend", "halb", "anderthalb", "ein", "a", "Managed Services",
    "^", "e", "10", "bis", "zwischen", "und", "knapp", "Umsatz", "revenue", "'", "\u00a0", "&nbsp;",
    "Q3", "komma", "point", "x", "(", ")", ":", "1", "0", "9", "Billion", "minus", "#", "%",
]  # fmt: skip
number_soup = st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join)
any_text = st.one_of(
    st.text(max_size=200), number_soup, st.tuples(st.text(), number_soup).map("".join)
)


@settings(max_examples=400, deadline=None)
@given(text=any_text, lang=st.sampled_from(["de", "en"]))
def test_property_never_raises_and_spans_hold(text: str, lang: str) -> None:
    # The core, without the last-resort guard of `extract_quantities`, so that bugs show here.
    quantities = _Extractor(text, lang, TODAY).run()
    previous_end = 0
    for q in quantities:
        assert 0 <= q.start < q.end <= len(text)
        assert text[q.start : q.end] == q.text
        assert q.start >= previous_end  # no number is read twice
        previous_end = q.end
        assert q.kind in ("amount", "duration", "count", "partner_id")
        if q.problem is not None:
            assert q.problem in ("negative", "absurd", "ambiguous", "not_whole")
            assert q.value is None
        elif q.kind == "amount":
            assert isinstance(q.value, Decimal) and 0 <= q.value <= MAX_REVENUE_USD
        elif q.kind == "duration":
            assert type(q.value) is int and 0 <= q.value <= MAX_INDIRECT_MONTHS
        elif q.kind == "count":
            assert type(q.value) is int and q.value >= 0
    assert extract_quantities(text, lang, TODAY) == quantities


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


def test_a_start_verb_earlier_or_later_in_the_clause_makes_a_month_a_start() -> None:
    assert got(extract("we began reselling through a distributor in May 2024", "en")[0]) == months(
        30, (2024, 5)
    )
    assert got(
        extract("Wir haben im Mai 2024 mit dem Verkauf über Ingram begonnen", "de")[0]
    ) == months(30, (2024, 5))
    assert extract("Die Rechnung kam im Mai 2024", "de") == []


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
