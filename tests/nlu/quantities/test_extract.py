"""Whole messages through `extract_quantities`, in German and English, and the bookkeeping every
stage shares (`Scan`)."""

from __future__ import annotations

import datetime as dt
import re
import time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.eligibility.facts import MAX_INDIRECT_MONTHS, MAX_REVENUE_USD
from bot.nlu.quantities import ABSURD, AMOUNT, COUNT, extract_quantities
from bot.nlu.quantities.extractor import find_quantities
from bot.nlu.quantities.lexicon import START_BEFORE
from bot.nlu.quantities.scan import Scan
from tests.nlu.quantities.wants import (
    TODAY,
    Want,
    count,
    extract,
    flagged,
    got,
    money,
    months,
    pid,
)

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
    for q in find_quantities(text, "de" if lang == "de" else "en", TODAY):  # the unguarded core
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
    quantities = find_quantities(text, lang, TODAY)
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


# --- the bookkeeping every stage shares ---------------------------------------------------------


def test_a_message_counts_from_the_first_of_todays_month() -> None:
    assert Scan("12", "de", TODAY).today == dt.date(2026, 11, 1)


def test_an_emitted_quantity_takes_its_span_and_a_problem_drops_its_value() -> None:
    msg = Scan("Umsatz 350k und 12", "de", TODAY)
    msg.emit(7, 11, AMOUNT, Decimal(350000), currency="USD")
    msg.emit(16, 18, COUNT, 12, problem=ABSURD)
    assert [(q.text, q.value, q.problem) for q in msg.found] == [
        ("350k", Decimal(350000), None),
        ("12", None, ABSURD),
    ]
    assert not msg.free(7, 11) and not msg.free(0, 18) and msg.free(0, 7) and msg.free(11, 16)


def test_free_matches_skip_what_is_taken() -> None:
    msg = Scan("12 und 14", "de", TODAY)
    msg.take(0, 2)
    assert [m.group() for m in msg.free_matches(re.compile("[0-9]+"))] == ["14"]


def test_ending_looks_only_right_before_the_position() -> None:
    msg = Scan("seit 2024, und 2025", "de", TODAY)
    assert msg.ending(START_BEFORE, 5, 60).group() == "seit "
    # A digit or comma right before the position: no pattern ends there, none is searched.
    assert msg.ending(START_BEFORE, 15, 60) is None
    assert msg.ending(START_BEFORE, 9, 60) is None
