"""Digits and number words -> exact Decimals (`Tok`), before their context says what they count.

`digit_tokens` and `word_tokens` read the numbers in the free part of a message; the functions
they use read the text they are given and take nothing, so each can be called on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from bot.nlu.quantities.lexicon import (
    AND_A_HALF,
    ARTICLE_IN_BETWEEN,
    ARTICLES,
    CONNECTORS,
    COUNT_UNIT,
    CURRENCY_AFTER,
    DURATION_UNIT,
    EN_ARTICLES,
    HALF,
    LEADING_SPACE,
    LONE_NUMBERS,
    MULTIPLIERS,
    NEGATED_ARTICLE,
    ONE,
    ONE_PRONOUN_AFTER,
    ONE_PRONOUN_BEFORE,
    POINTS,
    SCALE,
    SCALE_WORDS,
    SCALED_WORDS,
    WORD,
    fraction_word,
    number_word,
    spelling,
    words_value,
)
from bot.nlu.quantities.scan import Scan

# Beyond this many digits, or this power of ten, a figure is absurd without computing it.
_MAX_DIGITS = 40
_MAX_EXPONENT = 60

# Digits with single separators; the shape is judged by `read_digits`. Not glued to a word
# ("M365", "Q3") or to another number's separator ("v1.2.3").
_DIGITS = re.compile(r"(?<![\w.,])[0-9]+(?:[.,'\u00a0\u202f\u2009][0-9]+)*")
# Plain spaces as thousands marks ("350 000 €", "1 234 567"): groups of exactly three digits.
_SPACED = re.compile(r"(?<![\w.,])[0-9]{1,3}(?: [0-9]{3})+(?:[.,][0-9]{1,2})?(?![0-9]|[.,][0-9])")
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_POWER = re.compile(
    r"\s?(?:\^|\*\*)\s?(?P<pow>[+-]?[0-9]{1,9})(?![0-9])|(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    r"|[eE](?P<e>[+-]?[0-9]{1,9})(?!\w)"
    r"|\s?[x×*·]\s?10(?:\s?(?:\^|\*\*)\s?(?P<tpow>[+-]?[0-9]{1,9})(?![0-9])|(?P<tsup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+))"
)
_LETTER = re.compile(r"[^\W\d_]")


@dataclass
class Tok:
    """A number before its context: digits or words."""

    start: int
    end: int
    value: Decimal | None  # None when the separators allow two readings (`dec`, `thou`)
    dec: Decimal | None = None
    thou: Decimal | None = None
    scale: int = 0  # power of ten of a scale word or suffix
    scaled_words: bool = False  # "dreihunderttausend": a scale inside the words
    huge: bool = False  # too large to compute: absurd, whatever it counts
    fraction: bool = False  # "half", "anderthalb": nothing without a unit or scale


# --- digits ------------------------------------------------------------------------------------


def read_digits(literal: str, lang: str) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(value, decimal reading, thousands reading) by the separator table; all None if malformed.

    `value` is set when the shape (with the language's convention) allows one reading; otherwise
    both readings come back and the context decides.
    """
    digits = re.split(r"[^0-9]", literal)
    marks = re.findall(r"[^0-9]", literal)
    if sum(map(len, digits)) > _MAX_DIGITS:
        return None, None, None
    if not marks:
        return Decimal(literal), None, None
    group = "." if lang == "de" else ","
    hard = {"'", " ", "\u00a0", "\u202f", "\u2009"}
    head, tail = digits[0], digits[-1]

    def grouped(parts: list[str]) -> bool:
        return 1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])

    if all(m == marks[0] for m in marks):
        if len(marks) > 1 or marks[0] in hard:
            # A decimal mark appears once: repeated, or a space, a mark only groups thousands.
            return (Decimal("".join(digits)), None, None) if grouped(digits) else (None, None, None)
        as_decimal = Decimal(f"{head}.{tail}")
        if len(tail) != 3 or len(head) > 3 or head.startswith("0"):
            return as_decimal, None, None
        if marks[0] == group:
            return Decimal(head + tail), None, None
        return None, as_decimal, Decimal(head + tail)
    grouping, last = marks[:-1], marks[-1]
    if last in hard or any(m != grouping[0] for m in grouping) or not grouped(digits[:-1]):
        return None, None, None
    return Decimal("".join(digits[:-1]) + "." + tail), None, None


def digit_tokens(msg: Scan) -> list[Tok]:
    """The numbers written in digits; their spans (and those of malformed digits) are taken."""
    text, lang = msg.text, msg.lang
    tokens: list[Tok] = []
    for match in msg.free_matches(_SPACED):
        tok = Tok(match.start(), match.end(), read_digits(match.group(), lang)[0])
        if tok.value is not None:
            scaled(msg, tok)
            tokens.append(tok)
            msg.take(tok.start, tok.end)
    for match in msg.free_matches(_DIGITS):
        start, end = match.start(), match.end()
        if sum(c.isdigit() for c in match.group()) > _MAX_DIGITS:
            tokens.append(Tok(start, end, None, huge=True))  # "999…999": absurd, uncomputed
            msg.take(start, end)
            continue
        value, dec, thou = read_digits(match.group(), lang)
        if value is None and dec is None:
            msg.take(start, end)  # malformed ("1.2.3"): no part of it is a number
            continue
        tok = Tok(start, end, value, dec, thou)
        power(msg, tok)
        scaled(msg, tok)
        if tok.end < len(text) and _LETTER.match(text, tok.end) and not unit_follows(text, tok.end):
            continue  # glued to a word: "3rd", "5G", "2FA" ("14Monate" is fine)
        tokens.append(tok)
        msg.take(tok.start, tok.end)
    return tokens


def scaled(msg: Scan, tok: Tok) -> None:
    """A scale suffix belongs to the token, so no later pass reads "Millionen" as a number."""
    match = SCALE.match(msg.text, tok.end)
    if match and msg.free(match.start(), match.end()):
        tok.scale, tok.end = scale_power(match.group(), msg.lang), match.end()


def scale_power(suffix: str, lang: str) -> int:
    """The power of ten of a scale suffix as `SCALE` matches it (" Mio.", "k", " Billion")."""
    word = LEADING_SPACE.sub("", suffix).rstrip(".")
    if word.lower() in ("billion", "trillion"):
        # German "Billion" is 10^12 and "Trillion" 10^18; the English words (and lowercase in
        # any message) are 10^9 and 10^12.
        english, german = {"billion": (9, 12), "trillion": (12, 18)}[word.lower()]
        return german if lang == "de" and word[0].isupper() else english
    return SCALE_WORDS.get(word.lower(), 0)


def power(msg: Scan, tok: Tok) -> None:
    """Exponents: "10^30", "10**30", "1e30", "10³⁰", "1,5 x 10^6"."""
    match = _POWER.match(msg.text, tok.end)
    mantissa = tok.value if tok.value is not None else tok.dec
    if not match or mantissa is None or not msg.free(match.start(), match.end()):
        return
    if match["pow"] or match["sup"]:
        base, raw = mantissa, match["pow"] or match["sup"].translate(_SUPERSCRIPTS)
        mantissa = ONE
    else:
        raw = match["e"] or match["tpow"] or match["tsup"].translate(_SUPERSCRIPTS)
        base = Decimal(10)
    exponent = int(raw)
    tok.end, tok.dec, tok.thou = match.end(), None, None
    if base == 0 or mantissa == 0 or exponent < -_MAX_EXPONENT:
        tok.value = Decimal(0)
    elif exponent > _MAX_EXPONENT or (base.adjusted() > 0 and exponent > _MAX_EXPONENT // 2):
        tok.value, tok.huge = None, True
    else:
        tok.value = mantissa * base**exponent


def unit_follows(text: str, end: int) -> bool:
    return bool(
        CURRENCY_AFTER.match(text, end)
        or DURATION_UNIT.match(text, end)
        or COUNT_UNIT.match(text, end)
    )


# --- number words ------------------------------------------------------------------------------


def word_tokens(msg: Scan) -> list[Tok]:
    """The numbers written in words, among the free words; nothing is taken here."""
    text, lang = msg.text, msg.lang
    words = [m for m in WORD.finditer(text) if msg.free(m.start(), m.end())]
    tokens: list[Tok] = []
    done = 0  # words starting before this offset belong to a token already
    for i, match in enumerate(words):
        if match.start() < done:
            continue
        word = match.group().lower()
        nxt = words[i + 1] if i + 1 < len(words) and adjacent(text, match, words[i + 1]) else None
        new: list[Tok] = []
        if fraction_word(word, lang) is not None:
            new = [fraction_token(text, lang, words, i)]
        elif word in ARTICLES:
            new = article(text, lang, words, i, nxt)
        elif number_word(word, lang) is not None and not pronoun_one(lang, words, i):
            new = chunks(text, lang, words, i, run_end(text, lang, words, i))
        for tok in new:
            if tok.start < done:
                continue  # read as the scale of the token before ("tausend tausend")
            scaled(msg, tok)
            done = tok.end
            tokens.append(tok)
    return tokens


def article(text: str, lang: str, words: list[re.Match], i: int, nxt: re.Match | None) -> list[Tok]:
    """ "ein Jahr", "a year", "einen Managed Service", "eine Million", "a hundred": one."""
    word = words[i].group().lower()
    if nxt is None or (word in EN_ARTICLES) != (lang == "en"):
        rest = text.strip(" \t\r\n.!?,;:").lower()
        # "Einen." as the whole answer to "how many?" ("Ne." alone means "no").
        alone = lang == "de" and rest == word and word in ("ein", "eine", "einen", "einer")
        return [Tok(words[i].start(), words[i].end(), ONE)] if alone else []
    following = nxt.group().lower()
    if following in MULTIPLIERS:
        return chunks(text, lang, words, i + 1, run_end(text, lang, words, i + 1), words[i])
    if fraction_word(following, lang) is not None:
        return []  # "ein halbes Jahr": the fraction takes the article into its span
    end = words[i].end()
    if COUNT_UNIT.match(text, end) and NEGATED_ARTICLE.search(text, 0, words[i].start()):
        return [Tok(words[i].start(), end, Decimal(0))]  # "we don't have a managed service"
    if DURATION_UNIT.match(text, end) or COUNT_UNIT.match(text, end):
        return [Tok(words[i].start(), end, ONE)]
    return []


def pronoun_one(lang: str, words: list[re.Match], i: int) -> bool:
    if lang != "en" or words[i].group().lower() != "one":
        return False
    before = words[i - 1].group().lower() if i > 0 else ""
    after = words[i + 1].group().lower() if i + 1 < len(words) else ""
    return before in ONE_PRONOUN_BEFORE or after in ONE_PRONOUN_AFTER


def adjacent(text: str, left: re.Match, right: re.Match) -> bool:
    gap = text[left.end() : right.start()]
    return len(gap) <= 3 and gap.strip(" \t\u00a0-") == ""


def run_end(text: str, lang: str, words: list[re.Match], i: int) -> int:
    """The index after the last word of the run of number words starting at `i`."""
    j = i + 1
    while j < len(words) and j - i < 16 and adjacent(text, words[j - 1], words[j]):
        word = words[j].group().lower()
        if number_word(word, lang) is not None:
            j += 1
            continue
        joins = word in CONNECTORS or word in POINTS
        if not joins or j + 1 >= len(words) or not adjacent(text, words[j], words[j + 1]):
            break
        if number_word(words[j + 1].group().lower(), lang) is None:
            break
        j += 1
    return j


def chunks(
    text: str,
    lang: str,
    words: list[re.Match],
    i: int,
    j: int,
    article: re.Match | None = None,
) -> list[Tok]:
    """Longest readable pieces of words[i:j], left to right ("twenty twenty five": 20, 25)."""
    tokens: list[Tok] = []
    while i < j:
        lower = [spelling(w.group().lower(), lang) or w.group().lower() for w in words[i:j]]
        if lower[0] in CONNECTORS or lower[0] in POINTS:
            i += 1
            continue
        for k in range(j, i, -1):
            piece = lower[: k - i]
            if piece[-1] in CONNECTORS or any(w in POINTS for w in piece):
                continue
            if lang == "en":
                piece = [w for w in piece if w not in CONNECTORS]  # "hundred and ten"
            if article is not None and not tokens:
                piece = ["one" if lang == "en" else "ein", *piece]  # "a hundred thousand"
            if len(piece) == 1 and piece[0] in MULTIPLIERS and piece[0] not in LONE_NUMBERS:
                continue  # "Millionen Umsatz", "million dollars": vague without a number
            value = words_value(" ".join(piece), lang)
            if value is None:
                continue
            first = article if article is not None and not tokens else words[i]
            tok = Tok(first.start(), words[k - 1].end(), value)
            tok.scaled_words = bool(SCALED_WORDS.search(piece[-1]))
            k = decimals(text, lang, words, k, j, tok)
            match = AND_A_HALF.match(text, tok.end)
            if match:
                tok.value += HALF
                tok.end = match.end()
            tokens.append(tok)
            i = k
            break
        else:
            i += 1
    return tokens


def decimals(text: str, lang: str, words: list[re.Match], k: int, j: int, tok: Tok) -> int:
    """ "zwei Komma fünf (Millionen)", "two point five": text2num reads neither, so by hand."""
    if k >= j or words[k].group().lower() not in POINTS:
        return k
    digits, m = "", k + 1
    while m < j:
        value = number_word(words[m].group().lower(), lang)
        if value is None or not 0 <= value <= 9 or words[m].group().lower() in MULTIPLIERS:
            break
        digits += str(int(value))
        m += 1
    if not digits:
        return k
    tok.value = (tok.value or Decimal(0)) + Decimal("0." + digits)
    tok.end = words[m - 1].end()
    if m < j and words[m].group().lower() in MULTIPLIERS:
        tok.value *= number_word(words[m].group().lower(), lang) or ONE
        tok.scaled_words = True
        tok.end = words[m].end()
        m += 1
    return m


def fraction_token(text: str, lang: str, words: list[re.Match], i: int) -> Tok:
    word = words[i]
    start = word.start()
    # "ein halbes Jahr": the article does not multiply; it belongs to the span.
    if i > 0 and words[i - 1].group().lower() in ARTICLES and adjacent(text, words[i - 1], word):
        start = words[i - 1].start()
    tok = Tok(start, word.end(), fraction_word(word.group().lower(), lang), fraction=True)
    # "half a year", "half a million": the article after "half" belongs to it, too.
    match = ARTICLE_IN_BETWEEN.match(text, word.end())
    if match and (SCALE.match(text, match.end()) or DURATION_UNIT.match(text, match.end())):
        tok.end = match.end()
    return tok
