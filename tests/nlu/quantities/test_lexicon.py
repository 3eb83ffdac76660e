"""The vocabulary: currency forms, scale words, units, hedges, cue words, month names and number
words, each read on its own."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from bot.nlu.quantities.lexicon import (
    BETWEEN,
    COUNT_UNIT,
    CURRENCY,
    CURRENCY_BEFORE,
    DURATION_UNIT,
    END_BEFORE,
    ENDING_MARKS,
    HEDGE_PATTERNS,
    LABEL_THEN_PARTNER_ID,
    LEADING_SPACE,
    MONTH_NAME,
    MONTH_NAMES,
    NOISE,
    NONE_COUNT,
    PART_OF_YEAR,
    PARTNER_ID_THEN_LABEL,
    SCALE,
    SCALE_WORDS,
    SIGN_WORD,
    START_BEFORE,
    START_VERB_BEFORE,
    UNIT_BEFORE,
    WINDOW_BEFORE,
    YEAR_CONTEXT,
    currency_code,
    fraction_word,
    number_word,
    spelling,
    words_value,
)


@pytest.mark.parametrize(
    ("form", "code"),
    [
        ("USD", "USD"),
        ("US-Dollar", "USD"),
        ("$", "USD"),
        ("€", "EUR"),
        ("Euro", "EUR"),
        ("C$", "CAD"),
        ("A$", "AUD"),
        ("kanadische Dollar", "CAD"),
        ("Franken", "CHF"),
        ("sFr.", "CHF"),
        ("Pfund Sterling", "GBP"),
        ("¥", "JPY"),
        ("CN¥", "CNY"),
        ("zł", "PLN"),
        ("ZAR", "ZAR"),  # a code that is its own form
    ],
)
def test_each_currency_form_names_its_iso_code(form: str, code: str) -> None:
    match = CURRENCY.fullmatch(form)
    assert match is not None and currency_code(match) == code


@pytest.mark.parametrize("text", ["Europa", "TRY AGAIN", "Frau Müller", "Fr. 300"])
def test_a_currency_is_a_whole_word_and_doubtful_forms_are_none(text: str) -> None:
    assert CURRENCY.search(text) is None


def test_every_scale_suffix_has_a_power() -> None:
    suffixes = [" Tsd.", " Mio.", " Mill.", " Mrd.", " Bio.", " Tausend", " thousand", " Millionen",
                " millions", " Mn", " MM", " Milliarde", " Milliarden", " billions", " Billionen",
                " bn", " Trillionen", "k", " K", " M", "m", "b", "B"]  # fmt: skip
    for suffix in suffixes:
        assert SCALE.fullmatch(suffix), suffix
        assert LEADING_SPACE.sub("", suffix).rstrip(".").lower() in SCALE_WORDS, suffix
    # "m" and "b" must be glued: "5 m" may be metres, "5 b" anything.
    assert SCALE.fullmatch(" m") is None and SCALE.fullmatch(" b") is None


@pytest.mark.parametrize(
    ("after", "unit"),
    [(" Monate", "month"), ("Monaten", "month"), (" mths", "month"), (" volle Jahre", "year"),
     (" J.", "year"), (" yrs", "year"), (" Wochen", "week"), (" days", "day")],
)  # fmt: skip
def test_duration_units_name_their_unit(after: str, unit: str) -> None:
    assert DURATION_UNIT.fullmatch(after).lastgroup == unit


def test_count_units_and_units_before_the_number() -> None:
    for after in (" Managed Services", " managed servcies", " MSP offerings", " eigene Lösungen"):
        assert COUNT_UNIT.fullmatch(after), after
    assert COUNT_UNIT.fullmatch(" customers") is None
    assert UNIT_BEFORE.search("Managed Services: ").lastgroup == "count"
    assert UNIT_BEFORE.search("Monate: ").lastgroup == "month"
    assert UNIT_BEFORE.search("Kunden: ") is None
    assert NONE_COUNT.fullmatch("keine managed services")
    assert NONE_COUNT.fullmatch("Managed Services bieten wir bisher keine")


def _hedge(before: str) -> str | None:
    return next((hedge for hedge, pattern in HEDGE_PATTERNS if pattern.search(before)), None)


@pytest.mark.parametrize(
    ("before", "hedge"),
    [("knapp ", "nearly"), ("almost ", "nearly"), ("unter ", "below"), ("less than ", "below"),
     ("<", "below"), ("gut ", "over"), ("knapp über ", "over"), ("at least ", "over"),
     ("≥ ", "over"), ("ca. ", "about"), ("so um die ", "about"), ("~", "about"),
     ("Umsatz ", None)],
)  # fmt: skip
def test_hedges_in_the_order_they_are_tried(before: str, hedge: str | None) -> None:
    assert _hedge(before) == hedge


def test_start_and_end_cues_do_not_overlap() -> None:
    for before in ("seit ", "since the beginning of ", "ab ", "Wir sind seit Mitte "):
        assert START_BEFORE.search(before) and not END_BEFORE.search(before), before
    for before in ("bis ", "Stand: ", "as of ", "until the end of "):
        assert END_BEFORE.search(before) and not START_BEFORE.search(before), before
    assert START_VERB_BEFORE.search("we began reselling through a distributor in ")


# `Scan.ending` searches a pattern only where the text before the number ends in a letter or
# one of ENDING_MARKS; a pattern that ended in anything else would never be found.
@pytest.mark.parametrize(
    ("pattern", "before"),
    [(CURRENCY_BEFORE, "$"), (CURRENCY_BEFORE, "€ "), (CURRENCY_BEFORE, "USD "),
     (SIGN_WORD, "minus "), (BETWEEN, "zwischen "), (WINDOW_BEFORE, "in den letzten "),
     (UNIT_BEFORE, "Monate: "), (UNIT_BEFORE, "years="), (START_BEFORE, "seit: "),
     (END_BEFORE, "Stand: "), (YEAR_CONTEXT, "im Jahr "), (PART_OF_YEAR, "mid-"),
     *((pattern, before) for before in ("knapp ", "<", "≥ ", "~", "≈", ">=", "ca. ")
       for _, pattern in HEDGE_PATTERNS if pattern.search(before))],
)  # fmt: skip
def test_what_is_matched_before_a_number_ends_in_a_letter_or_a_mark(pattern, before) -> None:
    assert pattern.search(before)
    last = before.rstrip(" ")[-1]
    assert last.isalpha() or last in ENDING_MARKS


def test_month_names() -> None:
    assert set(MONTH_NAMES.values()) == set(range(1, 13))
    assert all(name == name.lower() for name in MONTH_NAMES)
    assert MONTH_NAMES["märz"] == MONTH_NAMES["maerz"] == MONTH_NAMES["mar"] == 3
    # Longest names first, so that "sept" does not stop "september" short.
    assert re.match(MONTH_NAME, "september").group() == "september"


def test_partner_id_labels_before_and_after_the_digits() -> None:
    assert LABEL_THEN_PARTNER_ID.search("Partner-ID: 1234567")["digits"] == "1234567"
    assert LABEL_THEN_PARTNER_ID.search("unsere MPN ID lautet 4567890")["digits"] == "4567890"
    assert PARTNER_ID_THEN_LABEL.search("1234567 ist unsere PartnerID")["digits"] == "1234567"
    assert PARTNER_ID_THEN_LABEL.search("123 ist unsere PartnerID") is None  # too short to be one


@pytest.mark.parametrize(
    ("text", "noise"),
    [("um 14:30", "14:30"), ("Mo-Fr 8-18 Uhr", "8-18 Uhr"), ("Microsoft 365", "Microsoft 365"),
     ("20 % Wachstum", "20 %"), ("FY25 revenue", "FY25"), ("2023-2024", "2023-2024"),
     ("24/7 support", "24/7"), ("unter +49 89 1234567", "+49 89 1234567"),
     ("Ticket #12345", "#12345"), ("v1.2", "v1.2"), ("https://example.com/350000", None)],
)  # fmt: skip
def test_noise_is_digits_that_are_no_quantity(text: str, noise: str | None) -> None:
    assert NOISE.search(text).group() == (noise or text)


@pytest.mark.parametrize("text", ["350.000", "2025", "12 Monate", "1,5 Mio."])
def test_quantities_are_no_noise(text: str) -> None:
    assert NOISE.search(text) is None


@pytest.mark.parametrize(
    ("word", "lang", "value"),
    [("dreissig", "de", 30), ("fuenf", "de", 5), ("zwoelf", "de", 12), ("eins", "de", 1),
     ("dreihundertzehntausend", "de", 310000), ("twenty-five", "en", 25),
     ("zwanzigste", "de", None), ("und", "de", None), ("thousands", "en", None), ("o", "en", None)],
)  # fmt: skip
def test_number_words(word: str, lang: str, value: int | None) -> None:
    assert number_word(word, lang) == (None if value is None else Decimal(value))


def test_spelling_is_the_one_text2num_reads() -> None:
    assert spelling("dreissig", "de") == "dreißig"
    assert spelling("zwoelf", "de") == "zwölf"
    assert spelling("zwölf", "de") == "zwölf"
    assert spelling("banana", "en") is None


def test_words_value_reads_a_run_of_words_by_text2num() -> None:
    assert words_value("three hundred ten thousand", "en") == 310000
    assert words_value("zwei tausend", "de") == 2000
    assert words_value("banana", "en") is None


@pytest.mark.parametrize(
    ("word", "lang", "value"),
    [("anderthalb", "de", "1.5"), ("zweieinhalb", "de", "2.5"), ("halbes", "de", "0.5"),
     ("half", "en", "0.5"), ("zweieinhalb", "en", None), ("einhalb", "de", None)],
)  # fmt: skip
def test_fraction_words(word: str, lang: str, value: str | None) -> None:
    assert fraction_word(word, lang) == (None if value is None else Decimal(value))
