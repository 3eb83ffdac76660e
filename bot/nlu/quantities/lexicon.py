"""The words and signs around numbers: currencies, scales, units, hedges, cue words, month names,
and number words (read by text2num, with the few it cannot read written by hand).

Only what a word or sign means lives here; the shapes of digits and dates are read by their stages
(`numbers`, `dates`).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from text_to_num import text2num
from text_to_num.lang import LANG

ONE = Decimal(1)
HALF = Decimal("0.5")
# The space allowed between a number and its unit (also as HTML pasted from a web page).
_SP = r"(?:[ \t\u00a0\u202f]|&nbsp;|&#160;){0,2}"
LEADING_SPACE = re.compile(r"^(?:[ \t\u00a0\u202f]|&nbsp;|&#160;)+")

# Currencies: (regex, ISO code; "" = the match itself), specific forms before the generic ones.
# Left out on purpose: "Fr." (also "Frau"), "TRY" (also the English word in capitals), "Real".
_CURRENCY_FORMS: tuple[tuple[str, str], ...] = (
    (r"(?i:kanadische[nr]?\s+dollars?|canadian\s+dollars?)|CA?\$|CAD", "CAD"),
    (r"(?i:australische[nr]?\s+dollars?|australian\s+dollars?)|AU?\$|AUD", "AUD"),
    (r"(?i:neuseeländische[nr]?\s+dollars?|new\s+zealand\s+dollars?)|NZ\$|NZD", "NZD"),
    (r"HK\$|HKD|(?i:hong\s+kong\s+dollars?)", "HKD"),
    (r"S\$|SGD|(?i:singapore\s+dollars?)", "SGD"),
    (r"R\$|BRL", "BRL"),
    (r"(?i:u\.?s\.?[\s-]?dollars?|us[\s-]?\$|usd|dollars?|bucks)|\$", "USD"),
    (r"€|(?i:eur|euros?)", "EUR"),
    (r"£|(?i:gbp|britische[nr]?\s+pfund|pfund(?:\s+sterling)?|pounds?(?:\s+sterling)?)", "GBP"),
    (r"(?i:chf|sfr\.?|schweizer\s+franken|swiss\s+francs?|franken)", "CHF"),
    (r"JP¥|JPY|(?i:yen)", "JPY"),
    (r"CN¥|CNY|RMB|(?i:yuan|renminbi)", "CNY"),
    (r"¥", "JPY"),
    (r"₹|INR|(?i:rupien|rupees?)", "INR"),
    (r"SEK|(?i:schwedische[nr]?\s+kronen|swedish\s+kron(?:or|a))", "SEK"),
    (r"NOK|(?i:norwegische[nr]?\s+kronen|norwegian\s+kron(?:er|e))", "NOK"),
    (r"DKK|(?i:dänische[nr]?\s+kronen|danish\s+kron(?:er|e))", "DKK"),
    (r"PLN|zł|(?i:złoty|zloty)", "PLN"),
    (r"CZK|Kč", "CZK"),
    (r"HUF|(?i:forint)", "HUF"),
    (r"₺", "TRY"),
    (r"ZAR|MXN|AED|SAR|ILS|KRW|RUB", ""),
    (r"₪", "ILS"),
    (r"₩", "KRW"),
    (r"₽|(?i:rubel|roubles?|rubles?)", "RUB"),
)
_CURRENCY_ALT = "|".join(f"(?P<c{i}>{form})" for i, (form, _) in enumerate(_CURRENCY_FORMS))
# A currency word is a whole word ("EURO" yes, "Europa" no).
CURRENCY = re.compile(rf"(?<![^\W\d_])(?:{_CURRENCY_ALT})(?![^\W\d_])")
CURRENCY_BEFORE = re.compile(rf"(?<![^\W\d_])(?:{_CURRENCY_ALT}){_SP}\Z")
CURRENCY_AFTER = re.compile(
    rf"{_SP}(?P<paren>\(\s*)?(?:{_CURRENCY_ALT})(?![^\W\d_])(?(paren)\s*\))"
)


def currency_code(match: re.Match) -> str:
    group = next(name for name in match.groupdict() if name[0] == "c" and match.group(name))
    code = _CURRENCY_FORMS[int(group[1:])][1]
    return code or match.group(group).upper()


# Scales after a number. Words and k/K/M may follow a space; m/b/B must be glued ("1.2m", "2B"),
# and "T"/"k" before a currency are German "T€"/"TEUR" and "k€".
SCALE = re.compile(
    rf"(?:{_SP}(?:Tsd|TSD|tsd|Mio|MIO|mio|Mill|Mrd|MRD|mrd|Bio)\.?(?![^\W\d_])"
    rf"|{_SP}(?:[Tt]ausend|[Tt]housand|Millionen|[Mm]illions?|Mn|mn|MM|Milliarden?|milliarden?|"
    rf"[Bb]illions?|Billionen|bn|Bn|BN|[Tt]rillions?|Trillionen)(?!\w)"
    rf"|{_SP}[kKM](?!\w)|[mbB](?!\w)|{_SP}[Tk](?=€|EUR|USD|\$))"
)
SCALE_WORDS = {
    "tsd": 3, "tausend": 3, "thousand": 3, "k": 3, "t": 3,
    "mio": 6, "mill": 6, "million": 6, "millionen": 6, "millions": 6, "mn": 6, "mm": 6, "m": 6,
    "mrd": 9, "milliarde": 9, "milliarden": 9, "bn": 9, "b": 9, "billions": 9,
    "billionen": 12, "bio": 12, "trillions": 12, "trillionen": 18,
}  # fmt: skip
# German "300.000,-" means "no cents".
NO_CENTS = re.compile(r",[-–]{1,2}(?![\w-])")

_MONTH_UNIT = (
    r"monat(?:e|en|s)?|monten|moante?n?|mon\.?|mte\.?|"
    r"months?|monhts?|montsh|mnths?|mths?\.?|mos?\.?"
)
_YEAR_UNIT = r"jahr(?:e|en|es)?|jahe|jhare?|jhr\.?|j\.|years?|yeras?|yaers?|yrs?\.?"
DURATION_UNIT = re.compile(
    rf"{_SP}(?:(?:volle[n]?|ganze[n]?|full|whole|complete|long)\s+)?"
    rf"(?:(?P<month>{_MONTH_UNIT})|(?P<year>{_YEAR_UNIT})|(?P<week>wochen?|wo\.|weeks?|wks?\.?)"
    r"|(?P<day>tage?n?|days?))(?!\w)",
    re.IGNORECASE,
)
_COUNT_WORDS = (
    r"manag?ed[\s-]*serv[^\W\d_]*|manged[\s-]*serv[^\W\d_]*|"
    r"msp[\s-]*(?:services?|angebote?|leistungen|offerings?|solutions?)|"
    r"ip[\s-]*(?:services?|dienste?)|kundenl(?:ö|oe?)sungen|customer[\s-]+solutions?|"
    r"services?|dienste?|dienstleistungen|l(?:ö|oe?)sungen|solutions?|angebote?|offerings?"
)
# "eine Solutions Partner-Bezeichnung", "no Solutions Partner designation": a designation of
# Microsoft's partner program, not solutions offered.
_COUNT_WORDS = rf"(?:{_COUNT_WORDS})(?![\s-]*partner)"
COUNT_UNIT = re.compile(
    rf"{_SP}(?:(?:verschiedene[n]?|unterschiedliche[n]?|eigene[n]?|aktive[n]?|different|own|"
    rf"active|separate)\s+)?(?:{_COUNT_WORDS})(?!\w)",
    re.IGNORECASE,
)
# The unit named before the number, as in a form: "Managed Services: 2", "Monate: 14".
UNIT_BEFORE = re.compile(
    rf"(?:(?P<count>{_COUNT_WORDS})|(?P<month>monate|months)|(?P<year>jahre|years))\s*[:=]\s*\Z",
    re.IGNORECASE,
)
NONE_COUNT = re.compile(
    rf"(?:(?<!\w)(?:kein(?:e|en|er)?|no|zero)|(?:n't|n’t|(?<!\w)not|(?<!\w)never)\s+(?:[a-z]+\s+){{0,2}}?"
    rf"any)\s+(?:{_COUNT_WORDS})(?!\w)"
    # Named first: "Managed Services bieten wir bisher keine an", "managed services: none yet".
    rf"|(?<!\w)(?:{_COUNT_WORDS})\s*(?:[:–—-]\s*)?(?:(?:bieten|haben|betreiben|verkaufen|f(?:ü|ue)hren|machen|"
    rf"we\s+have|we\s+offer|we\s+run)\s+(?:wir\s+)?(?:[^\W\d_]+\s+){{0,2}}?)?(?:keine|keinen|none)(?!\w)",
    re.I,
)
# A time window ("in den letzten 12 Monaten", "Umsatz letzte 12 Monate", "trailing 12 months") or
# a time from now ("in 2 Monaten", "in 3 months") is no tenure. German adjectives in any ending.
WINDOW_BEFORE = re.compile(
    r"(?<!\w)(?:(?:letzt|vergangen|n(?:ä|ae)chst|kommend|folgend|zur(?:ü|ue)ckliegend)(?:e|en|er|es|em)?|"
    r"last|past|trailing|rolling|next|coming|previous|following|innerhalb\s+von|binnen|within|in)\s+\Z",
    re.IGNORECASE,
)

_REVENUE = r"[^\W\d_]*ums(?:ä|ae|a)tz[^\W\d_]*|revenues?|erl(?:ö|oe?)s(?:e|en)?|turnover|sales"
REVENUE_AFTER = re.compile(
    rf"\s*(?:(?:in|an|im|of|at|as|als|aus)\s+)?(?:{_REVENUE}|abgerechnet|fakturiert|billed|invoiced)"
    r"(?!\w)",
    re.IGNORECASE,
)
LABEL_AFTER = re.compile(r"[ \t]?:(?![0-9])")
REVENUE_WORD = re.compile(rf"(?<!\w)(?:{_REVENUE})(?!\w)", re.IGNORECASE)
# What is counted, named before the number as the topic: "managed services haben wir drei",
# "Managed Services? Einen, unseren Betrieb", "IP services: we run two".
COUNT_TOPIC = re.compile(rf"(?<!\w)(?:{_COUNT_WORDS})(?!\w)", re.IGNORECASE)
# Between the topic and its number: a few words, no sentence of its own ("?" or ":" may follow
# the topic, as in a form or a repeated question).
TOPIC_TO_NUMBER = re.compile(r"\s*[?:–—-]?\s*(?:[^\W\d_]+\s+){0,3}\Z")
# After such a number: nothing that it counts instead ("managed services for 40 customers").
NUMBER_ENDS_CLAUSE = re.compile(r"\s*(?:\Z|[.,;:!?)–—-]|(?:und|and|aber|but)(?!\w))", re.IGNORECASE)
# Where a revenue word stops reaching: a sentence or clause boundary.
CLAUSE_END = re.compile(r"[.!?]\s|[\n!?;,]|(?<!\w)(?:und|and|aber|but|sowie|plus)(?!\w)", re.I)

# The last character (before spaces) of anything matched just before a number.
ENDING_MARKS = frozenset("$€£¥₹₺₪₩₽:=<.~≈>≥-")
SIGN = "-−–"  # hyphen-minus, minus sign, en dash (typed for minus by some keyboards)
SIGN_WORD = re.compile(r"(?<!\w)(?:minus|negativ|negative)\s+\Z", re.IGNORECASE)
# Hedged figures, by how far the true figure may lie from the one written (`Quantity.bounds`).
# Just under: "knapp 300.000" (in German also "barely 300,000"), "almost a year" -> a little below.
_NEARLY = re.compile(
    r"(?<!\w)(?:knapp|fast|beinahe|nahezu|nicht\s+ganz|almost|nearly|not\s+quite|just\s+under|"
    r"a\s+(?:bit|little)\s+(?:under|below|less\s+than)|just\s+short\s+of|short\s+of)\s+\Z",
    re.IGNORECASE,
)
# Below: "unter 12 Monate", "less than 300k" -> any figure under it.
_BELOW = re.compile(
    r"(?:(?<!\w)(?:kaum|unter|weniger\s+als|unterhalb\s+von|under|less\s+than|below|fewer\s+than)"
    r"\s+|<\s*)\Z",
    re.IGNORECASE,
)
# At least: "gut 310.000", "über 14 Monate", "a bit over 300k", "at least 12 months".
_OVER = re.compile(
    r"(?:(?<!\w)(?:gute?[nm]?|(?:etwas|knapp|deutlich|weit|klar)\s+(?:über|ueber|mehr\s+als)|über|"
    r"ueber|mehr\s+als|mindestens|wenigstens|(?:a\s+(?:little\s+)?bit|a\s+little|just|slightly|well)"
    r"\s+(?:over|above|more\s+than)|over|above|more\s+than|at\s+least|upwards\s+of|"
    r"in\s+excess\s+of|north\s+of)\s+|(?:>|≥|>=)\s*)\Z",
    re.IGNORECASE,
)
# About: "ca. 310.000", "rund 1,1 Mio.", "roughly 14 months".
_ABOUT = re.compile(
    r"(?:(?<!\w)(?:ca\.?|circa|zirka|rund|etwa|ungef(?:ä|ae)hr|gesch(?:ä|ae)tzt|so\s+um\s+die|"
    r"um\s+die|so|about|around|roughly|approximately|approx\.?|an\s+estimated|some)\s+|[~≈]\s*)\Z",
    re.IGNORECASE,
)
# In the order they are tried before a number.
HEDGE_PATTERNS = (("nearly", _NEARLY), ("below", _BELOW), ("over", _OVER), ("about", _ABOUT))
BETWEEN = re.compile(r"(?<!\w)(?:zwischen|between)\s+\Z", re.IGNORECASE)
RANGE_DASH = re.compile(r"\s*(?:[-–—]|bis|to)\s*", re.IGNORECASE)
RANGE_AND = re.compile(r"\s*(?:und|and)\s*", re.IGNORECASE)
COMPOUND = re.compile(r"\s*(?:,|und|and|&|\+)?\s*", re.IGNORECASE)

# --- partner IDs and noise ----------------------------------------------------------------------

_PID_LABEL = (
    r"(?:partner[\s-]*(?:id|nummer|number|nr\.?)|mpn[\s-]*id|mpn|pga[\s-]*id|pla[\s-]*id|"
    r"cpp[\s-]*id)"
)
LABEL_THEN_PARTNER_ID = re.compile(
    rf"(?<!\w){_PID_LABEL}(?:\s*(?:[:#=()]|(?:ist|is|lautet|die|der|our|unsere?|number|nummer|"
    r"nr\.?|no\.?)(?!\w))){0,6}\s*(?P<digits>[0-9]+)(?![0-9]|[.,][0-9])",
    re.IGNORECASE,
)
PARTNER_ID_THEN_LABEL = re.compile(
    rf"(?<![\w.,])(?P<digits>[0-9]{{4,}})\s+(?:ist|is)\s+(?:unsere|our|die|the)\s+{_PID_LABEL}"
    r"(?!\w)",
    re.IGNORECASE,
)

# Digits that are no quantity: links, product names, versions, phone numbers, times and hours
# ("8-18 Uhr", "24/7"), percentages, ticket numbers, fiscal years and ranges of years.
NOISE = re.compile(
    r"(?<![\w.+-])(?:(?i:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+)"
    r"|(?<!\w)(?i:microsoft|office|dynamics|windows|server|exchange|sharepoint|visual\s+studio|"
    r"iso(?:/iec)?)[\s-]?[0-9]{2,}(?!\w|[.,][0-9])"
    r"|(?<!\w)(?i:version|ver\.|v\.?|release|rasa|python)\s?[0-9]+(?:\.[0-9]+)*(?!\w)"
    r"|(?<![\w.,])(?:\+|00)[0-9]{1,3}(?:[\s/().-]{0,2}[0-9]+){2,}"
    r"|(?<![\w.,:])[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?:\s?(?i:uhr|h|am|pm)(?!\w))?(?![\w:])"
    r"|(?<![\w.,:])[0-9]{1,2}(?:[:.][0-9]{2})?(?:\s?[-–]\s?[0-9]{1,2}(?:[:.][0-9]{2})?)?"
    r"\s?(?i:uhr|h|am|pm)(?!\w)"
    r"|(?<![\w.,/])(?:24\s?[/x×]\s?7|7\s?[/x×]\s?24)(?![\w/])"
    r"|(?<![\w.,])[0-9]+(?:[.,][0-9]+)?\s?(?:%|‰|(?i:prozent|percent|pct)(?!\w))"
    r"|[#№][0-9]+"
    r"|(?<!\w)(?i:fy|gj|wj|cy)\s?'?[0-9]{2,4}(?:[/-][0-9]{2,4})?(?!\w)"
    r"|(?<![\w.,])(?:19|20)[0-9]{2}\s?[-–/]\s?(?:(?:19|20)[0-9]{2}|1[3-9]|[2-9][0-9])(?![\w/])"
)

# --- months and cue words -----------------------------------------------------------------------

MONTH_NAMES = {
    "januar": 1, "jänner": 1, "jaenner": 1, "january": 1, "jan": 1,
    "februar": 2, "feber": 2, "february": 2, "feb": 2,
    "märz": 3, "maerz": 3, "marz": 3, "march": 3, "mär": 3, "mrz": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mai": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nov": 11,
    "dezember": 12, "december": 12, "dez": 12, "dec": 12,
}  # fmt: skip
MONTH_NAME = "|".join(sorted(MONTH_NAMES, key=len, reverse=True))
_START_WORDS = (
    r"seit|since|ab|from|starting|begonnen|angefangen|gestartet|started|began|begun|joined|start|"
    r"beginn|eingestiegen"
)
START_BEFORE = re.compile(
    rf"(?<!\w)(?:{_START_WORDS})(?:\s+(?:dem|der|den|the|in|im|jahr|year|anfang|mitte|ende|early|"
    r"mid|late|beginning|start|end|middle|of|von|des|jahres|monat|month|ca\.|circa|about|around|"
    r"sommer|summer|fr(?:ü|ue)hjahr|fr(?:ü|ue)hling|spring|herbst|autumn|fall|winter|"
    r"etwa|über|over|mehr\s+als|more\s+than|als|as|indirekte?[rn]?|indirect|reseller|csp))*"
    r"\s*:?\s*\Z",
    re.IGNORECASE,
)
# "im Mai 2024 mit dem Verkauf über Ingram begonnen": a start verb later in the same clause.
START_AFTER = re.compile(
    r"\s*(?:[^\W\d_][\w'’-]*\s+){0,8}?"
    r"(?:angefangen|begonnen|gestartet|eingestiegen|started|began|begun|joined|beigetreten)(?!\w)",
    re.IGNORECASE,
)
# "we began reselling through a distributor in May 2024": a start verb earlier in the clause.
START_VERB_BEFORE = re.compile(
    r"(?<!\w)(?:began|begun|started|joined|begonnen|angefangen|gestartet|eingestiegen)\s+"
    r"(?:[^\W\d_][\w'’-]*\s+){0,7}?(?:back\s+)?(?:in|im|on|am|around|um)\s+(?:the\s+)?\Z",
    re.IGNORECASE,
)
# Words after which a date is an end, a deadline or a document's date, never a start.
END_BEFORE = re.compile(
    r"(?<!\w)(?:bis|until|till|by|through|ending|spätestens|deadline|due|fällig|stand|datum|date|"
    r"vom|dated|as\s+of|heute|today)"
    r"(?:\s+(?:zum|zur|ende|end|of|the|dem|im|in))*\s*:?\s*\Z",
    re.IGNORECASE,
)
YEAR_CONTEXT = re.compile(
    r"(?<!\w)(?:in|im|jahr|jahres|year|of|von|bis|until|by|ab|from|anfang|mitte|ende|early|mid|late|"
    r"geschäftsjahr|fiscal\s+year|kalenderjahr|calendar\s+year|seit|since)\s*\Z",
    re.IGNORECASE,
)
# A part of a year before it ("seit Mitte 2023", "since early 2024", "seit Sommer 2023"): its
# first month and length. Thirds for beginning/middle/end, the meteorological seasons; winter
# spans two years and is left to the whole year.
PARTS_OF_YEAR = {
    "early": (1, 4), "middle": (5, 4), "late": (9, 4),
    "spring": (3, 3), "summer": (6, 3), "autumn": (9, 3),
}  # fmt: skip
PART_OF_YEAR = re.compile(
    r"(?<!\w)(?:(?P<early>anfang|beginn|early|beginning|start)|(?P<middle>mitte|mid|middle)"
    r"|(?P<late>ende|late|end)|(?P<spring>fr(?:ü|ue)hjahr|fr(?:ü|ue)hling|spring)"
    r"|(?P<summer>sommer|summer)|(?P<autumn>herbst|autumn|fall))"
    r"(?:\s+(?:of|des\s+jahres|von))?(?:\s+(?:the\s+)?year)?[\s-]*\Z",
    re.IGNORECASE,
)
A_YEAR_AND_A_HALF = re.compile(
    r"(?<!\w)(?:a|an|one|ein|einem)\s+(?:year|jahr)\s+(?:and|und)\s+(?:a|ein)\s+(?:half|halb(?:es)?)"
    r"(?!\w)",
    re.IGNORECASE,
)

# --- number words -------------------------------------------------------------------------------

WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

# German articles, also as spoken ("seit 'nem Jahr"), and English ones.
ARTICLES = {"ein", "eine", "einen", "einem", "einer", "eines", "nem", "nen", "ne", "a", "an"}
# "don't have a", "haven't got a", "without a": the article counts none.
NEGATED_ARTICLE = re.compile(
    r"(?:n't|n’t|\bnot|\bnever|\bwithout|\bnicht|\bohne)\s+(?:\w+\s+){0,3}?\Z", re.IGNORECASE
)
EN_ARTICLES = {"a", "an"}
CONNECTORS = {"and", "und"}
POINTS = {"komma", "point"}
# "one" is a pronoun after these words or before "of" ("no one", "this one", "one of them").
ONE_PRONOUN_BEFORE = {"no", "this", "that", "which", "the", "any", "every", "each", "some"}
ONE_PRONOUN_AFTER = {"of", "another", "by"}
_FRACTION_WORDS = {
    # text2num reads no fractions ("anderthalb", "half"), so these few are listed by hand.
    "anderthalb": Decimal("1.5"),
    "half": HALF,
    "halb": HALF,
    "halbe": HALF,
    "halbes": HALF,
    "halben": HALF,
}
_EINHALB = re.compile(r"(?P<n>\w+?)einhalb")  # "eineinhalb", "zweieinhalb": n + 1/2, by hand too
AND_A_HALF = re.compile(r"\s+(?:and|und)\s+(?:a|ein)\s+(?:half|halb)(?!\w)", re.IGNORECASE)
ARTICLE_IN_BETWEEN = re.compile(r"\s+(?:a|an|ein|eine|einen)(?=\s)", re.IGNORECASE)
SCALED_WORDS = re.compile(r"(?:tausend|thousand|millionen|million|milliarden?|billionen|billion)$")


def _vocabulary(lang: str) -> re.Pattern:
    """Words made only of the library's own number morphemes: a cheap gate before text2num."""
    language = LANG[lang]
    words = {w for w in (*language.NUMBERS, *language.ZERO) if len(w) > 1}  # not "o" for zero
    if lang == "de":
        words |= {"und", "eins"}
        # German compounds ("dreihundertzehntausend") are any sequence of the morphemes.
        alternatives = "|".join(sorted(words, key=len, reverse=True))
        return re.compile(rf"(?:{alternatives})+")
    # English plurals ("thousands of customers") are vague, not numbers.
    words -= {"hundreds", "thousands", "millions", "billions", "trillions"}
    return re.compile("|".join(sorted(map(re.escape, words), key=len, reverse=True)))


_VOCABULARY = {lang: _vocabulary(lang) for lang in ("de", "en")}
MULTIPLIERS = {w for lang in ("de", "en") for w in LANG[lang].MULTIPLIERS} | {"hundert", "hundred"}
LONE_NUMBERS = {"hundert", "tausend"}  # German says "tausend Euro" without "ein"
# German ordinals ("zwanzigste", "dritten") are no counts; no cardinal ends like these.
_GERMAN_ORDINAL = re.compile(r"(?:te|ten|ter|tes|tem)$")


@lru_cache(maxsize=8192)
def words_value(words: str, lang: str) -> Decimal | None:
    """The value of number words, space-separated, as text2num reads them; None if it cannot."""
    try:
        return Decimal(text2num(words, lang))
    except (ValueError, IndexError, KeyError, TypeError, AssertionError):
        return None


@lru_cache(maxsize=8192)
def number_word(word: str, lang: str) -> Decimal | None:
    """The value of one lowercase number word, by text2num, or None."""
    spelled = spelling(word, lang)
    return None if spelled is None else words_value(spelled, lang)


@lru_cache(maxsize=8192)
def spelling(word: str, lang: str) -> str | None:
    """The spelling of a lowercase number word that text2num reads, or None."""
    if len(word) < 2 or len(word) > 60 or word in CONNECTORS:
        return None
    candidates = [word]
    if lang == "de":
        if _GERMAN_ORDINAL.search(word):
            return None
        # Swiss and keyboard spellings ("dreissig", "fuenf", "zwoelf").
        alt = word.replace("ss", "ß").replace("ue", "ü").replace("oe", "ö").replace("ae", "ä")
        if alt != word:
            candidates.append(alt)
    for candidate in candidates:
        if _VOCABULARY[lang].fullmatch(candidate) and words_value(candidate, lang) is not None:
            return candidate
    return None


@lru_cache(maxsize=2048)
def fraction_word(word: str, lang: str) -> Decimal | None:
    """The value of a lowercase fraction word ("anderthalb", "half", "zweieinhalb"), or None."""
    if word in _FRACTION_WORDS:
        return _FRACTION_WORDS[word]
    match = _EINHALB.fullmatch(word) if lang == "de" else None
    if match:
        whole = number_word(match["n"], lang)
        if whole is not None:
            return whole + HALF
    return None
