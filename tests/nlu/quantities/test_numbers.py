"""Digits and number words -> Decimals: the separator table, exponents, scales and words."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from bot.nlu.quantities.lexicon import WORD
from bot.nlu.quantities.numbers import (
    Tok,
    adjacent,
    article,
    chunks,
    decimals,
    digit_tokens,
    fraction_token,
    pronoun_one,
    read_digits,
    run_end,
    scale_power,
    unit_follows,
    word_tokens,
)
from bot.nlu.quantities.scan import Scan
from tests.nlu.quantities.wants import TODAY, Want, count, extract, flagged, got, money, months

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


# --- the stage's own functions -----------------------------------------------------------------


def _tokens(text: str, lang: str) -> list[tuple]:
    msg = Scan(text, lang, TODAY)
    return [(t.start, t.end, t.value, t.scale) for t in digit_tokens(msg) + word_tokens(msg)]


def _words(text: str) -> list[re.Match]:
    return list(WORD.finditer(text))


@pytest.mark.parametrize(
    ("literal", "lang", "reading"),
    [
        ("1.250.000,50", "en", ("1250000.50", None, None)),  # by shape
        ("350.000", "de", ("350000", None, None)),  # the language's thousands mark
        ("1,250", "en", ("1250", None, None)),
        ("1,250", "de", (None, "1.250", "1250")),  # the language's decimal mark: both readings
        ("0,300", "de", ("0.300", None, None)),  # leading zero: decimal
        ("12500,000", "de", ("12500.000", None, None)),
        ("350'000", "de", ("350000", None, None)),
        ("350 000", "en", ("350000", None, None)),
        ("1.2.3", "de", (None, None, None)),  # malformed
        ("9" * 41, "en", (None, None, None)),  # too long to compute
    ],
)
def test_read_digits_by_the_separator_table(literal: str, lang: str, reading: tuple) -> None:
    assert read_digits(literal, lang) == tuple(None if r is None else Decimal(r) for r in reading)


@pytest.mark.parametrize(
    ("suffix", "lang", "power"),
    [(" Tsd.", "de", 3), ("k", "en", 3), (" Mio.", "de", 6), (" Billion", "de", 12),
     (" Billion", "en", 9), (" billion", "de", 9), (" Trillion", "de", 18),
     (" Trillion", "en", 12)],
)  # fmt: skip
def test_scale_power_by_spelling_and_language(suffix: str, lang: str, power: int) -> None:
    assert scale_power(suffix, lang) == power


@pytest.mark.parametrize(
    ("text", "lang", "value", "huge"),
    [("1e6", "en", 1_000_000, False), ("2^10", "en", 1024, False),
     ("1,5 x 10^6", "de", 1_500_000, False), ("0^-1", "en", 0, False),
     ("10^99", "en", None, True), ("9" * 41, "en", None, True)],
)  # fmt: skip
def test_exponents_are_computed_or_marked_huge(text, lang, value, huge) -> None:
    (tok,) = digit_tokens(Scan(text, lang, TODAY))
    assert (tok.start, tok.end, tok.value, tok.huge) == (0, len(text), value, huge)


def test_digit_tokens_take_their_spans() -> None:
    msg = Scan("310k und 350 000 €", "de", TODAY)
    assert [(t.start, t.end, t.value, t.scale) for t in digit_tokens(msg)] == [
        (9, 16, 350000, 0),
        (0, 4, 310, 3),  # spaced thousands first, then single separators
    ]
    assert not msg.free(0, 4) and not msg.free(9, 16) and msg.free(16, 18)


def test_digits_glued_to_a_word_are_no_token_but_malformed_digits_are_taken() -> None:
    glued = Scan("5G", "en", TODAY)
    assert digit_tokens(glued) == [] and glued.free(0, 2)
    malformed = Scan("1.2.3", "de", TODAY)
    assert digit_tokens(malformed) == [] and not malformed.free(0, 5)
    assert _tokens("14Monate", "de") == [(0, 2, 14, 0)]  # a unit may be glued
    assert unit_follows("5€", 1) and not unit_follows("5G", 1)


@pytest.mark.parametrize(
    ("text", "lang", "tokens"),
    [
        ("dreihunderttausend Dollar", "de", [(0, 18, 300000, 0)]),
        ("twenty twenty five", "en", [(0, 6, 20, 0), (7, 18, 25, 0)]),
        ("zwei Komma fünf Millionen", "de", [(0, 25, 2500000, 0)]),
        ("a hundred thousand", "en", [(0, 18, 100000, 0)]),
        ("tausend tausend", "de", [(0, 15, 1000, 3)]),  # the second one is the scale
        ("one and a half years", "en", [(0, 14, Decimal("1.5"), 0)]),
        ("Einen.", "de", [(0, 5, 1, 0)]),
        ("no one knows", "en", []),
        ("ein Jahr", "en", []),  # a German article in an English message
    ],
)
def test_word_tokens(text: str, lang: str, tokens: list[tuple]) -> None:
    msg = Scan(text, lang, TODAY)
    assert [(t.start, t.end, t.value, t.scale) for t in word_tokens(msg)] == tokens
    assert msg.free(0, len(text))  # the context takes the span, with its unit


def test_chunks_and_run_end() -> None:
    text = "two hundred and ten customers"
    words = _words(text)
    assert run_end(text, "en", words, 0) == 4  # "customers" ends the run
    assert [t.value for t in chunks(text, "en", words, 0, 4)] == [210]
    text = "twenty twenty five"
    assert [(t.start, t.end, t.value) for t in chunks(text, "en", _words(text), 0, 3)] == [
        (0, 6, 20),
        (7, 18, 25),
    ]


def test_decimals_after_komma_or_point() -> None:
    text = "two point five million"
    tok = Tok(0, 3, Decimal(2))
    assert decimals(text, "en", _words(text), 1, 4, tok) == 4
    assert (tok.end, tok.value, tok.scaled_words) == (22, 2500000, True)


def test_articles_fractions_and_the_pronoun_one() -> None:
    text = "ein halbes Jahr"
    tok = fraction_token(text, "de", _words(text), 1)
    assert (tok.start, tok.end, tok.value, tok.fraction) == (0, 10, Decimal("0.5"), True)
    text = "half a million"
    assert fraction_token(text, "en", _words(text), 0).end == 6
    text = "half a chance"
    assert fraction_token(text, "en", _words(text), 0).end == 4
    text = "We don't have a managed service"
    words = _words(text)
    assert [t.value for t in article(text, "en", words, 4, words[5])] == [0]
    text = "a year"
    words = _words(text)
    assert [(t.start, t.end, t.value) for t in article(text, "en", words, 0, words[1])] == [
        (0, 1, 1)
    ]
    assert pronoun_one("en", _words("no one knows"), 1)
    assert pronoun_one("en", _words("one of them"), 0)
    assert not pronoun_one("en", _words("one year"), 0)
    words = _words("zwei - drei, vier")
    assert adjacent("zwei - drei, vier", words[0], words[1])
    assert not adjacent("zwei - drei, vier", words[1], words[2])
