"""Numbers as partners type them -> exact amounts, durations, counts and PartnerIDs.

`extract_quantities(text, lang, today)` finds every quantity in one message and returns it with its
character span. A value that must not become a fact (negative, absurd, ambiguous, fractional where
whole months or services are needed) comes back with `problem` set and `value` None, so that the
dialogue asks instead of guessing. Pure Python, no Rasa imports. Number words are read by
`text2num`; only what it cannot read is written by hand, each with a comment saying why.

What a number is, from its neighbours (first match wins):

| next to the number                                   | kind       | notes                         |
|------------------------------------------------------|------------|-------------------------------|
| "PartnerID", "Partner-ID", "MPN ID", "MPN-ID" …       | partner_id | `digits`, never a number      |
| a month: "März 2025", "03/2025", "2025-03", a date    | duration   | months to `today`, `since`    |
| currency ($, USD, €, EUR, £, CHF, Dollar, Euro …)     | amount     | its own ISO code              |
| Monat(e)/months, Jahr(e)/years, Wochen/weeks, days   | duration   | whole months                  |
| Managed Services, Services, Dienste, solutions …     | count      | bound MAX_MANAGED_SERVICES    |
| scale: k, Tsd., Tausend, thousand, Mio., Million, M, | amount     | currency rule below           |
|   Mrd., billion (also inside words: "dreihunderttausend") |       |                               |
| revenue word: Umsatz, Revenue, Erlös, sales …        | amount     | currency rule below           |
| nothing (a bare number, also "one", "eins")          | count      | the dialogue decides what it  |
|                                                      |            | means; bound MAX_REVENUE_USD  |

Currency: an amount keeps the currency written next to it and is never passed off as USD. An amount
with none next to it takes the one currency the message names elsewhere ("310k, alles in Euro"
-> EUR); USD when the message names no currency at all; `ambiguous` when it names several.

Separators (G = the language's thousands mark: de ".", en ","; D = its decimal mark: de ",", en "."):

| shape of the digits                                  | reading                                 |
|------------------------------------------------------|-----------------------------------------|
| "." and "," both ("1.250.000,50", "1,250.50")         | by shape: the last one is the decimal   |
| one mark several times ("1.250.000", "1,250,000")    | thousands, in either language           |
| one mark once, not 3 digits after ("1,5", "3.25")    | decimal, in either language             |
| one mark once, 3 digits after, but "0" or more than  | decimal ("0,300", "1250.000")           |
|   3 digits before                                    |                                         |
| G once, 3 digits after ("350.000" de, "420,000" en)   | thousands (the language's convention)   |
| D once, 3 digits after ("300.000" en, "1,250" de): both readings fit the shape, so the context   |
| decides:                                             |                                         |
|   - with a scale ("1,250 Mio." de, "1.250M" en)       | decimal: the language's convention      |
|   - an amount ("300.000 USD" en, "$1,250" de)         | thousands: money has no 3 decimals      |
|   - a duration ("1,250 Jahre" de)                    | decimal: 1000+ months is beyond bounds  |
|   - managed services ("1,500 Managed Services" de)   | the whole reading; `ambiguous` if both  |
|   - a bare number ("300.000" en, "1,250" de)          | `ambiguous`: alternatives (300, 300000) |
| apostrophe, no-break or thin space ("350'000")       | thousands                               |
| plain space ("350 000 €", "1 234 567")              | thousands (groups of exactly 3 digits)  |
| malformed ("1.2.3", "1,2.3,4"; versions, IP numbers) | no number                               |

Dates, years and fractions:

| input                                                | result                                  |
|------------------------------------------------------|-----------------------------------------|
| a month after a start word (seit, since, ab, from,  | months from it to today's month, and    |
|   started, angefangen …): "seit März 2025", "since   |   `since` = its first day               |
|   2025-03", "seit 03/2025", "since 15.03.2025" — or  |                                         |
|   as (nearly) the whole message: "März 2025"         |                                         |
| a month in passing ("Stand: 25.11.2026", "Rechnung   | nothing: a document's date, not a start |
|   vom 01.10.2026") or after "bis/until/by"          |                                         |
| a future month after a start word                    | `negative`, `since` kept                |
| a future month without one ("im Juni 2027")          | nothing: a plan, not a start            |
| "2025.03"                                            | not a month (it may be "$2025.03")      |
| a month before EARLIEST_INDIRECT_SINCE               | `absurd`                                |
| no year after a start word ("seit März", "seit       | the latest such month not after today   |
|   15.03.")                                           |                                         |
| "03/04/2025" in English (US or UK order)             | `ambiguous`: both month counts          |
| "03/04/2025" in German                               | day/month (month/day only if no date)   |
| "03/25" (month/short year)                           | a month only after a start word         |
| a year or quarter after a start word ("seit 2024",   | `ambiguous`: alternatives (fewest, most |
|   "since Q3 2025", "2024 angefangen")                | months); a single month if only one fits|
| a year after "in/im/FY/GJ/bis/Jahr …" ("in 2024"),   | nothing: a time reference, not a count  |
|   or before ":" ("Umsatz 2025: 350k")                |                                         |
| a bare 4-digit number ("2000 Kunden")                | a count like any other                  |
| "1,5 Jahre", "anderthalb/eineinhalb Jahre", "one and a half years", "a year and a half"        |
|                                                      | 18 months (exact)                       |
| "halbes Jahr", "half a year"                         | 6 months                                |
| "14,5 Monate", "1,3 Jahre" (15.6), weeks, days        | `not_whole`: alternatives (floor, ceil) |
| "2,5 Managed Services", a bare "1,5"                 | `not_whole`: alternatives (floor, ceil) |
| "2 Jahre und 3 Monate"                               | 27 months                               |
| "in den letzten 12 Monaten", "trailing 12 months"    | nothing: a time window, not a tenure    |
| ranges "300-350k", "12 bis 14 Monate", "zwischen X und Y" | `ambiguous`: alternatives (low, high)|
| upper bounds "knapp/fast/unter 12 Monate", "almost a year", "less than 300k"                    |
|                                                      | `ambiguous`, no alternatives: a limit   |
| lower bounds, round figures ("über", "mehr als",     | the figure as stated: every rule is ">="|
|   "at least", "ca.", "about")                        |                                         |
| "-5000 USD", "minus 3 Monate", "−2"                  | `negative`                              |
| beyond MAX_REVENUE_USD, MAX_INDIRECT_MONTHS, MAX_MANAGED_SERVICES; "10^30", "1e30"             |
|                                                      | `absurd` (the bound of an amount is     |
|                                                      | applied to its number in any currency)  |
| German "Billion" (10^12) vs "billion", "bn" (10^9)   | by spelling and message language        |

`alternatives` holds candidate values in the quantity's own unit (money, months, items), ascending,
ints where whole; it is empty unless the problem is `ambiguous` or `not_whole`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import lru_cache

from text_to_num import text2num
from text_to_num.lang import LANG

from bot.eligibility.facts import (
    EARLIEST_INDIRECT_SINCE,
    MAX_INDIRECT_MONTHS,
    MAX_MANAGED_SERVICES,
    MAX_PARTNER_ID_DIGITS,
    MAX_REVENUE_USD,
    months_between,
)

__all__ = [
    "ABSURD",
    "AMBIGUOUS",
    "AMOUNT",
    "COUNT",
    "DURATION",
    "NEGATIVE",
    "NOT_WHOLE",
    "PARTNER_ID",
    "Quantity",
    "extract_quantities",
]

_log = logging.getLogger(__name__)

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


def extract_quantities(text: str, lang: str, today: dt.date) -> list[Quantity]:
    """Every quantity in `text` (a message in `lang`, "de" or "en"), in text order."""
    if not isinstance(text, str) or not text:
        return []
    lang = "de" if isinstance(lang, str) and lang.strip().lower().startswith("de") else "en"
    if not isinstance(today, dt.date):
        today = dt.date.today()
    try:
        return _Extractor(text, lang, today).run()
    except Exception:  # a message must never break the turn; the property tests hunt such bugs
        _log.exception("quantity extraction failed on a message of %d characters", len(text))
        return []


# --- vocabulary --------------------------------------------------------------------------------

_ONE = Decimal(1)
_HALF = Decimal("0.5")
_TWELVE = Decimal(12)
# The average Gregorian month: weeks and days are never whole months, so these only bound them.
_DAYS_PER_MONTH = Decimal("30.436875")
# Beyond this many digits, or this power of ten, a figure is absurd without computing it.
_MAX_DIGITS = 40
_MAX_EXPONENT = 60
# The space allowed between a number and its unit (also as HTML pasted from a web page).
_SP = r"(?:[ \t\u00a0\u202f]|&nbsp;|&#160;){0,2}"
_LEADING_SPACE = re.compile(r"^(?:[ \t\u00a0\u202f]|&nbsp;|&#160;)+")

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
_CURRENCY = re.compile(rf"(?<![^\W\d_])(?:{_CURRENCY_ALT})(?![^\W\d_])")
_CURRENCY_BEFORE = re.compile(rf"(?<![^\W\d_])(?:{_CURRENCY_ALT}){_SP}\Z")
_CURRENCY_AFTER = re.compile(
    rf"{_SP}(?P<paren>\(\s*)?(?:{_CURRENCY_ALT})(?![^\W\d_])(?(paren)\s*\))"
)


def _currency_code(match: re.Match) -> str:
    group = next(name for name in match.groupdict() if name[0] == "c" and match.group(name))
    code = _CURRENCY_FORMS[int(group[1:])][1]
    return code or match.group(group).upper()


# Scales after a number. Words and k/K/M may follow a space; m/b/B must be glued ("1.2m", "2B"),
# and "T"/"k" before a currency are German "T€"/"TEUR" and "k€".
_SCALE = re.compile(
    rf"(?:{_SP}(?:Tsd|TSD|tsd|Mio|MIO|mio|Mill|Mrd|MRD|mrd|Bio)\.?(?![^\W\d_])"
    rf"|{_SP}(?:[Tt]ausend|[Tt]housand|Millionen|[Mm]illions?|Mn|mn|MM|Milliarden?|milliarden?|"
    rf"[Bb]illions?|Billionen|bn|Bn|BN|[Tt]rillions?|Trillionen)(?!\w)"
    rf"|{_SP}[kKM](?!\w)|[mbB](?!\w)|{_SP}[Tk](?=€|EUR|USD|\$))"
)
_SCALE_WORDS = {
    "tsd": 3, "tausend": 3, "thousand": 3, "k": 3, "t": 3,
    "mio": 6, "mill": 6, "million": 6, "millionen": 6, "millions": 6, "mn": 6, "mm": 6, "m": 6,
    "mrd": 9, "milliarde": 9, "milliarden": 9, "bn": 9, "b": 9, "billions": 9,
    "billionen": 12, "bio": 12, "trillions": 12, "trillionen": 18,
}  # fmt: skip
# German "300.000,-" means "no cents".
_NO_CENTS = re.compile(r",[-–]{1,2}(?![\w-])")

_MONTH_UNIT = (
    r"monat(?:e|en|s)?|monten|moante?n?|mon\.?|mte\.?|"
    r"months?|monhts?|montsh|mnths?|mths?\.?|mos?\.?"
)
_YEAR_UNIT = r"jahr(?:e|en|es)?|jahe|jhare?|jhr\.?|j\.|years?|yeras?|yaers?|yrs?\.?"
_DURATION_UNIT = re.compile(
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
_COUNT_UNIT = re.compile(
    rf"{_SP}(?:(?:verschiedene[n]?|unterschiedliche[n]?|eigene[n]?|aktive[n]?|different|own|"
    rf"active|separate)\s+)?(?:{_COUNT_WORDS})(?!\w)",
    re.IGNORECASE,
)
# The unit named before the number, as in a form: "Managed Services: 2", "Monate: 14".
_UNIT_BEFORE = re.compile(
    rf"(?:(?P<count>{_COUNT_WORDS})|(?P<month>monate|months)|(?P<year>jahre|years))\s*[:=]\s*\Z",
    re.IGNORECASE,
)
_NONE_COUNT = re.compile(
    rf"(?:(?<!\w)(?:kein(?:e|en|er)?|no|zero)|(?:n't|n’t|(?<!\w)not|(?<!\w)never)\s+(?:[a-z]+\s+){{0,2}}?"
    rf"any)\s+(?:{_COUNT_WORDS})(?!\w)"
    # Named first: "Managed Services bieten wir bisher keine an", "managed services: none yet".
    rf"|(?<!\w)(?:{_COUNT_WORDS})\s*(?:[:–—-]\s*)?(?:(?:bieten|haben|betreiben|verkaufen|f(?:ü|ue)hren|machen|"
    rf"we\s+have|we\s+offer|we\s+run)\s+(?:wir\s+)?(?:[^\W\d_]+\s+){{0,2}}?)?(?:keine|keinen|none)(?!\w)",
    re.I,
)
# A time window ("in den letzten 12 Monaten", "trailing 12 months") is no tenure.
_WINDOW_BEFORE = re.compile(
    r"(?<!\w)(?:letzten|vergangenen|nächsten|kommenden|folgenden|last|past|trailing|rolling|next|"
    r"coming|previous|following|innerhalb\s+von|within)\s+\Z",
    re.IGNORECASE,
)

_REVENUE = r"[^\W\d_]*ums(?:ä|ae|a)tz[^\W\d_]*|revenues?|erl(?:ö|oe?)s(?:e|en)?|turnover|sales"
_REVENUE_AFTER = re.compile(
    rf"\s*(?:(?:in|an|im|of|at|as|als|aus)\s+)?(?:{_REVENUE}|abgerechnet|fakturiert|billed|invoiced)"
    r"(?!\w)",
    re.IGNORECASE,
)
_LABEL_AFTER = re.compile(r"[ \t]?:(?![0-9])")
_REVENUE_WORD = re.compile(rf"(?<!\w)(?:{_REVENUE})(?!\w)", re.IGNORECASE)
# Where a revenue word stops reaching: a sentence or clause boundary.
_CLAUSE_END = re.compile(r"[.!?]\s|[\n!?;,]|(?<!\w)(?:und|and|aber|but|sowie|plus)(?!\w)", re.I)

# The last character (before spaces) of anything matched just before a number.
_ENDING_MARKS = frozenset("$€£¥₹₺₪₩₽:=<.~≈>≥-")
_SIGN = "-−–"  # hyphen-minus, minus sign, en dash (typed for minus by some keyboards)
_SIGN_WORD = re.compile(r"(?<!\w)(?:minus|negativ|negative)\s+\Z", re.IGNORECASE)
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
# How far an estimate may be off: amounts by a share of the figure, durations by whole months.
_HEDGE_PATTERNS = (("nearly", _NEARLY), ("below", _BELOW), ("over", _OVER), ("about", _ABOUT))
_ABOUT_SHARE, _NEARLY_SHARE = Decimal("0.025"), Decimal("0.05")
_ABOUT_MONTHS, _NEARLY_MONTHS = 1, 2
_BETWEEN = re.compile(r"(?<!\w)(?:zwischen|between)\s+\Z", re.IGNORECASE)
_RANGE_DASH = re.compile(r"\s*(?:[-–—]|bis|to)\s*", re.IGNORECASE)
_RANGE_AND = re.compile(r"\s*(?:und|and)\s*", re.IGNORECASE)
_COMPOUND = re.compile(r"\s*(?:,|und|and|&|\+)?\s*", re.IGNORECASE)

# --- partner IDs, noise and dates ---------------------------------------------------------------

_PID_LABEL = (
    r"(?:partner[\s-]*(?:id|nummer|number|nr\.?)|mpn[\s-]*id|mpn|pga[\s-]*id|pla[\s-]*id|"
    r"cpp[\s-]*id)"
)
_PARTNER_ID = re.compile(
    rf"(?<!\w){_PID_LABEL}(?:\s*(?:[:#=()]|(?:ist|is|lautet|die|der|our|unsere?|number|nummer|"
    r"nr\.?|no\.?)(?!\w))){0,6}\s*(?P<digits>[0-9]+)(?![0-9]|[.,][0-9])",
    re.IGNORECASE,
)
_PARTNER_ID_AFTER = re.compile(
    rf"(?<![\w.,])(?P<digits>[0-9]{{4,}})\s+(?:ist|is)\s+(?:unsere|our|die|the)\s+{_PID_LABEL}"
    r"(?!\w)",
    re.IGNORECASE,
)

# Digits that are no quantity: links, product names, versions, phone numbers, times and hours
# ("8-18 Uhr", "24/7"), percentages, ticket numbers, fiscal years and ranges of years.
_NOISE = re.compile(
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

_MONTH_NAMES = {
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
_MONTH_NAME = "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))
_YEAR = r"(?:19|20|21)[0-9]{2}"
_DATE_END = r"(?![\w/]|[.,-][0-9])"
_START_WORDS = (
    r"seit|since|ab|from|starting|begonnen|angefangen|gestartet|started|began|begun|joined|start|"
    r"beginn|eingestiegen"
)
_START_BEFORE = re.compile(
    rf"(?<!\w)(?:{_START_WORDS})(?:\s+(?:dem|der|den|the|in|im|jahr|year|anfang|mitte|ende|early|"
    r"mid|late|beginning|start|end|middle|of|von|des|jahres|monat|month|ca\.|circa|about|around|"
    r"sommer|summer|fr(?:ü|ue)hjahr|fr(?:ü|ue)hling|spring|herbst|autumn|fall|winter|"
    r"etwa|über|over|mehr\s+als|more\s+than|als|as|indirekte?[rn]?|indirect|reseller|csp))*"
    r"\s*:?\s*\Z",
    re.IGNORECASE,
)
# "im Mai 2024 mit dem Verkauf über Ingram begonnen": a start verb later in the same clause.
_START_AFTER = re.compile(
    r"\s*(?:[^\W\d_][\w'’-]*\s+){0,8}?"
    r"(?:angefangen|begonnen|gestartet|eingestiegen|started|began|begun|joined|beigetreten)(?!\w)",
    re.IGNORECASE,
)
# "we began reselling through a distributor in May 2024": a start verb earlier in the clause.
_START_VERB_BEFORE = re.compile(
    r"(?<!\w)(?:began|begun|started|joined|begonnen|angefangen|gestartet|eingestiegen)\s+"
    r"(?:[^\W\d_][\w'’-]*\s+){0,7}?(?:back\s+)?(?:in|im|on|am|around|um)\s+(?:the\s+)?\Z",
    re.IGNORECASE,
)
# Words after which a date is an end, a deadline or a document's date, never a start.
_END_BEFORE = re.compile(
    r"(?<!\w)(?:bis|until|till|by|through|ending|spätestens|deadline|due|fällig|stand|datum|date|"
    r"vom|dated|as\s+of|heute|today)"
    r"(?:\s+(?:zum|zur|ende|end|of|the|dem|im|in))*\s*:?\s*\Z",
    re.IGNORECASE,
)
_YEAR_CONTEXT = re.compile(
    r"(?<!\w)(?:in|im|jahr|jahres|year|of|von|bis|until|by|ab|from|anfang|mitte|ende|early|mid|late|"
    r"geschäftsjahr|fiscal\s+year|kalenderjahr|calendar\s+year|seit|since)\s*\Z",
    re.IGNORECASE,
)
_DATE_ISO = re.compile(
    rf"(?<![\w.,/-])(?P<y>{_YEAR})-(?P<m>[0-9]{{1,2}})-(?P<d>[0-9]{{1,2}}){_DATE_END}"
)
_DATE_DOTS = re.compile(
    rf"(?<![\w.,/-])(?P<d>[0-9]{{1,2}})\.\s?(?P<m>[0-9]{{1,2}})\.\s?(?P<y>{_YEAR}|[0-9]{{2}})"
    rf"{_DATE_END}"
)
_DATE_SLASH = re.compile(
    rf"(?<![\w.,/-])(?P<a>[0-9]{{1,2}})/(?P<b>[0-9]{{1,2}})/(?P<y>{_YEAR}|[0-9]{{2}}){_DATE_END}"
)
# "2025-03", "2025/03"; not "2025.03", which may be an amount ("$2000.10").
_DATE_YEAR_MONTH = re.compile(rf"(?<![\w.,/-])(?P<y>{_YEAR})[-/](?P<m>[0-9]{{1,2}}){_DATE_END}")
_DATE_MONTH_YEAR = re.compile(rf"(?<![\w.,/-])(?P<m>[0-9]{{1,2}})[-/.](?P<y>{_YEAR}){_DATE_END}")
_DATE_MONTH_SHORT = re.compile(rf"(?<![\w.,/-])(?P<m>[0-9]{{1,2}})/(?P<y>[0-9]{{2}}){_DATE_END}")
_DATE_NAMED = re.compile(
    rf"(?<!\w)(?:(?P<d1>[0-9]{{1,2}})(?:\.|st|nd|rd|th)?\s*(?:of\s+)?)?(?P<mn>{_MONTH_NAME})\.?"
    rf"(?:\s+(?P<d2>[0-9]{{1,2}})(?:st|nd|rd|th)?)?,?\s*(?P<y>{_YEAR}|'[0-9]{{2}}){_DATE_END}",
    re.IGNORECASE,
)
# German day and month without a year ("seit 15.03."): the trailing dot is required.
_DATE_DAY_MONTH = re.compile(
    r"(?<![\w.,/-])(?P<d>[0-9]{1,2})\.(?P<m>[0-9]{1,2})\.(?![0-9]|\s?[0-9]{2})"
)
_MONTH_ALONE = re.compile(rf"(?<!\w)(?:[0-9]{{1,2}}\.\s*)?(?P<mn>{_MONTH_NAME})\.?(?!\w)", re.I)
_PERIOD = re.compile(
    rf"(?<![\w.,])(?:(?P<q>[qQ][1-4])|(?P<h>[hH][12]))?[\s/]{{0,2}}(?P<y>{_YEAR}){_DATE_END}"
)
# A part of a year before it ("seit Mitte 2023", "since early 2024", "seit Sommer 2023"): its
# first month and length. Thirds for beginning/middle/end, the meteorological seasons; winter
# spans two years and is left to the whole year.
_PARTS_OF_YEAR = {
    "early": (1, 4), "middle": (5, 4), "late": (9, 4),
    "spring": (3, 3), "summer": (6, 3), "autumn": (9, 3),
}  # fmt: skip
_PART_OF_YEAR = re.compile(
    r"(?<!\w)(?:(?P<early>anfang|beginn|early|beginning|start)|(?P<middle>mitte|mid|middle)"
    r"|(?P<late>ende|late|end)|(?P<spring>fr(?:ü|ue)hjahr|fr(?:ü|ue)hling|spring)"
    r"|(?P<summer>sommer|summer)|(?P<autumn>herbst|autumn|fall))"
    r"(?:\s+(?:of|des\s+jahres|von))?(?:\s+(?:the\s+)?year)?[\s-]*\Z",
    re.IGNORECASE,
)
_A_YEAR_AND_A_HALF = re.compile(
    r"(?<!\w)(?:a|an|one|ein|einem)\s+(?:year|jahr)\s+(?:and|und)\s+(?:a|ein)\s+(?:half|halb(?:es)?)"
    r"(?!\w)",
    re.IGNORECASE,
)

# --- digits and number words ------------------------------------------------------------------

# Digits with single separators; the shape is judged by `_read_digits`. Not glued to a word
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
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

# German articles, also as spoken ("seit 'nem Jahr"), and English ones.
_ARTICLES = {"ein", "eine", "einen", "einem", "einer", "eines", "nem", "nen", "ne", "a", "an"}
# "don't have a", "haven't got a", "without a": the article counts none.
_NEGATED_ARTICLE = re.compile(
    r"(?:n't|n’t|\bnot|\bnever|\bwithout|\bnicht|\bohne)\s+(?:\w+\s+){0,3}?\Z", re.IGNORECASE
)
_EN_ARTICLES = {"a", "an"}
_CONNECTORS = {"and", "und"}
_POINTS = {"komma", "point"}
# "one" is a pronoun after these words or before "of" ("no one", "this one", "one of them").
_ONE_PRONOUN_BEFORE = {"no", "this", "that", "which", "the", "any", "every", "each", "some"}
_ONE_PRONOUN_AFTER = {"of", "another", "by"}
_FRACTION_WORDS = {
    # text2num reads no fractions ("anderthalb", "half"), so these few are listed by hand.
    "anderthalb": Decimal("1.5"),
    "half": _HALF,
    "halb": _HALF,
    "halbe": _HALF,
    "halbes": _HALF,
    "halben": _HALF,
}
_EINHALB = re.compile(r"(?P<n>\w+?)einhalb")  # "eineinhalb", "zweieinhalb": n + 1/2, by hand too
_AND_A_HALF = re.compile(r"\s+(?:and|und)\s+(?:a|ein)\s+(?:half|halb)(?!\w)", re.IGNORECASE)
_ARTICLE_IN_BETWEEN = re.compile(r"\s+(?:a|an|ein|eine|einen)(?=\s)", re.IGNORECASE)
_SCALED_WORDS = re.compile(r"(?:tausend|thousand|millionen|million|milliarden?|billionen|billion)$")


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
_MULTIPLIERS = {w for lang in ("de", "en") for w in LANG[lang].MULTIPLIERS} | {"hundert", "hundred"}
_LONE_NUMBERS = {"hundert", "tausend"}  # German says "tausend Euro" without "ein"
# German ordinals ("zwanzigste", "dritten") are no counts; no cardinal ends like these.
_GERMAN_ORDINAL = re.compile(r"(?:te|ten|ter|tes|tem)$")


@lru_cache(maxsize=8192)
def _text2num(words: str, lang: str) -> Decimal | None:
    try:
        return Decimal(text2num(words, lang))
    except (ValueError, IndexError, KeyError, TypeError, AssertionError):
        return None


@lru_cache(maxsize=8192)
def _number_word(word: str, lang: str) -> Decimal | None:
    """The value of one lowercase number word, by text2num, or None."""
    spelling = _spelling(word, lang)
    return None if spelling is None else _text2num(spelling, lang)


@lru_cache(maxsize=8192)
def _spelling(word: str, lang: str) -> str | None:
    """The spelling of a lowercase number word that text2num reads, or None."""
    if len(word) < 2 or len(word) > 60 or word in _CONNECTORS:
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
        if _VOCABULARY[lang].fullmatch(candidate) and _text2num(candidate, lang) is not None:
            return candidate
    return None


@lru_cache(maxsize=2048)
def _fraction_word(word: str, lang: str) -> Decimal | None:
    if word in _FRACTION_WORDS:
        return _FRACTION_WORDS[word]
    match = _EINHALB.fullmatch(word) if lang == "de" else None
    if match:
        whole = _number_word(match["n"], lang)
        if whole is not None:
            return whole + _HALF
    return None


def _read_digits(literal: str, lang: str) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
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


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _plain(value: Decimal) -> Decimal | int:
    """An int when whole, else the exact Decimal."""
    return int(value) if value == value.to_integral_value() else value.normalize()


def _money(value: Decimal) -> Decimal:
    """An amount without a spurious exponent: "0,3 Mio." -> Decimal("300000")."""
    return value.quantize(_ONE) if value == value.to_integral_value() else value.normalize()


@dataclass
class _Tok:
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


@dataclass
class _Proto:
    """A number with its context, before the value is decided."""

    tok: _Tok
    start: int
    end: int
    kind: str = COUNT
    unit: str | None = None  # "month", "year", "week", "day" for durations; "count" for services
    currency: str | None = None
    explicit: bool = False  # the kind came from a unit, currency or scale, not a revenue word
    negative: bool = False
    hedge: str | None = None  # "nearly", "below", "over", "about" (see _HEDGE_PATTERNS)
    between: bool = False
    window: bool = False  # "letzten 12 Monate": no quantity
    low: _Proto | None = None  # the lower end of a range
    parts: list[_Proto] = field(default_factory=list)  # the months of "2 Jahre und 3 Monate"


class _Extractor:
    def __init__(self, text: str, lang: str, today: dt.date) -> None:
        self.text = text
        self.lang = lang
        self.today = dt.date(today.year, today.month, 1)
        self.taken = bytearray(len(text))
        self.found: list[Quantity] = []
        self._named: list[str | None] = []

    # -- bookkeeping --

    def free(self, start: int, end: int) -> bool:
        return self.taken.find(1, start, end) == -1

    def take(self, start: int, end: int) -> None:
        self.taken[start:end] = b"\x01" * (end - start)

    def emit(self, start: int, end: int, kind: str, value, **extra) -> None:
        if extra.get("problem"):
            value = None
        self.found.append(Quantity(kind, value, start, end, self.text[start:end], **extra))
        self.take(start, end)

    def ending(self, pattern: re.Pattern, start: int, width: int) -> re.Match | None:
        """`pattern` (anchored by \\Z) in the `width` characters before `start`."""
        # Every such pattern ends in a letter, a currency sign or ":=<." before optional spaces;
        # checking that first keeps number-dense text (tables, garbage) linear.
        text, i = self.text, start - 1
        while i >= 0 and start - i <= 3 and text[i] in " \t\u00a0\u202f":
            i -= 1
        if i < 0 or not (text[i].isalpha() or text[i] in _ENDING_MARKS):
            return None
        return pattern.search(text, max(0, start - width), start)

    def free_matches(self, pattern: re.Pattern) -> Iterator[re.Match]:
        for match in pattern.finditer(self.text):
            if self.free(match.start(), match.end()):
                yield match

    def run(self) -> list[Quantity]:
        self.partner_ids()
        for match in self.free_matches(_NOISE):
            self.take(match.start(), match.end())
        self.dates()
        self.numbers()
        return sorted(self.found, key=lambda q: q.start)

    def partner_ids(self) -> None:
        for pattern in (_PARTNER_ID, _PARTNER_ID_AFTER):
            for match in self.free_matches(pattern):
                digits = match["digits"]
                problem = ABSURD if len(digits) > MAX_PARTNER_ID_DIGITS else None
                self.emit(
                    match.start(), match.end(), PARTNER_ID, None, digits=digits, problem=problem
                )

    # -- dates --

    def start_cue(self, start: int, end: int) -> bool:
        if self.ending(_START_BEFORE, start, 60) or self.ending(_START_VERB_BEFORE, start, 100):
            return True
        return bool(_START_AFTER.match(self.text, end, end + 100))

    def alone(self, start: int, end: int) -> bool:
        """The date is (nearly) the whole message: the answer to "since when?"."""
        if len(self.text) > 80:
            return False
        return len(_WORD.findall(self.text[:start] + " " + self.text[end:])) <= 3

    def end_cue(self, start: int) -> bool:
        return bool(self.ending(_END_BEFORE, start, 40))

    def dates(self) -> None:
        for match in self.free_matches(_A_YEAR_AND_A_HALF):
            self.emit(match.start(), match.end(), DURATION, 18)
        for match in self.free_matches(_DATE_ISO):
            self.dated(match, [(int(match["m"]), int(match["d"]))], int(match["y"]))
        for match in self.free_matches(_DATE_DOTS):
            # Day first ("15.03.2025"), unless only the other order is a date.
            day, month = int(match["d"]), int(match["m"])
            self.dated(match, [(month, day)] if month <= 12 else [(day, month)], self.year(match))
        for match in self.free_matches(_DATE_SLASH):
            a, b = int(match["a"]), int(match["b"])
            # (month, day): day/month first. German writes only that unless it is no date;
            # English may be UK (day/month) or US (month/day): both, and ambiguous if they differ.
            valid = [(m, d) for m, d in ((b, a), (a, b)) if 1 <= m <= 12 and 1 <= d <= 31]
            self.dated(match, valid[:1] if self.lang == "de" else valid, self.year(match))
        for match in self.free_matches(_DATE_NAMED):
            day = match["d1"] or match["d2"]
            month = _MONTH_NAMES[match["mn"].lower()]
            self.dated(match, [(month, int(day) if day else 1)], self.year(match))
        for pattern in (_DATE_YEAR_MONTH, _DATE_MONTH_YEAR):
            for match in self.free_matches(pattern):
                self.dated(match, [(int(match["m"]), 1)], int(match["y"]))
        for match in self.free_matches(_DATE_MONTH_SHORT):
            # "03/25" is a month only after a start word; elsewhere it may be a fraction.
            if self.start_cue(match.start(), match.end()):
                self.dated(match, [(int(match["m"]), 1)], self.year(match))
        # A month without a year ("seit März", "seit 15.03."): the latest one not after today.
        alone = [(m, _MONTH_NAMES[m["mn"].lower()]) for m in self.free_matches(_MONTH_ALONE)]
        if self.lang == "de":  # in English "2.5." is a number at the end of a sentence
            alone += [(m, int(m["m"])) for m in self.free_matches(_DATE_DAY_MONTH)]
        for match, month in alone:
            start, end = match.start(), match.end()
            if 1 <= month <= 12 and self.start_cue(start, end) and self.free(start, end):
                year = self.today.year - (month > self.today.month)
                self.month_since(start, end, [dt.date(year, month, 1)])
            elif match.re is _DATE_DAY_MONTH:
                self.take(start, end)  # a day of some month, no quantity
        for match in self.free_matches(_PERIOD):
            self.period(match)

    @staticmethod
    def year(match: re.Match) -> int:
        digits = match["y"].lstrip("'")
        return int(digits) if len(digits) == 4 else 2000 + int(digits)

    def dated(self, match: re.Match, month_days: list[tuple[int, int]], year: int) -> None:
        months = [dt.date(year, m, 1) for m, d in month_days if 1 <= m <= 12 and 1 <= d <= 31]
        if months:
            self.month_since(match.start(), match.end(), months)

    def month_since(self, start: int, end: int, months: list[dt.date]) -> None:
        """A duration from a start month (`ambiguous` when the date allows several)."""
        # A reading in the future cannot be a start when another one can ("03/12/2026" en).
        months = sorted({m for m in months if m <= self.today} or set(months))
        cue = self.start_cue(start, end)
        if self.end_cue(start) or not (cue or self.alone(start, end)):
            self.take(start, end)  # a deadline, a document's date, a date in passing: no start
        elif months[0] > self.today:
            if cue:
                self.emit(start, end, DURATION, None, since=months[0], problem=NEGATIVE)
            else:
                self.take(start, end)  # a plan, not a start
        elif months[0] < EARLIEST_INDIRECT_SINCE:
            self.emit(start, end, DURATION, None, problem=ABSURD)
        elif len(months) == 1:
            self.emit(start, end, DURATION, months_between(months[0], self.today), since=months[0])
        else:
            counts = tuple(sorted(months_between(m, self.today) for m in months))
            self.emit(start, end, DURATION, None, problem=AMBIGUOUS, alternatives=counts)

    def period(self, match: re.Match) -> None:
        """A year (or quarter, half-year) alone: a start only after a start word."""
        start, end = match.start(), match.end()
        year, quarter, half = int(match["y"]), match["q"], match["h"]
        part = None if quarter or half else self.ending(_PART_OF_YEAR, start, 30)
        if part:
            start = part.start()
        context = self.ending(_YEAR_CONTEXT, start, 30)
        cue = self.start_cue(start, end)
        if not (quarter or half or context or cue or _LABEL_AFTER.match(self.text, end)):
            return  # a bare 4-digit number: a count like any other
        if self.end_cue(start) or not cue or _LABEL_AFTER.match(self.text, end):
            self.take(start, end)  # "in 2024", "FY 2025", "Umsatz 2024: …": a time reference
            return
        first_month, length = 1, 12
        if quarter:
            first_month, length = 3 * int(quarter[1]) - 2, 3
        elif half:
            first_month, length = 6 * int(half[1]) - 5, 6
        elif part:
            word = next(name for name, value in part.groupdict().items() if value)
            first_month, length = _PARTS_OF_YEAR[word]
        first = dt.date(year, first_month, 1)
        last = dt.date(year, first_month + length - 1, 1)
        if first > self.today:
            self.emit(start, end, DURATION, None, since=first, problem=NEGATIVE)
        elif first < EARLIEST_INDIRECT_SINCE:
            self.emit(start, end, DURATION, None, problem=ABSURD)
        else:
            most = months_between(first, self.today)
            fewest = months_between(min(last, self.today), self.today)
            if most == fewest:
                self.emit(start, end, DURATION, most, since=first)
            else:
                self.emit(
                    start,
                    end,
                    DURATION,
                    None,
                    problem=AMBIGUOUS,
                    alternatives=(fewest, most),
                    hedge="period",
                    bounds=(fewest, most),
                )

    # -- numbers --

    def numbers(self) -> None:
        for match in self.free_matches(_NONE_COUNT):
            self.emit(match.start(), match.end(), COUNT, 0, unit="count")
        tokens = self.digit_tokens() + self.word_tokens()
        tokens.sort(key=lambda t: t.start)
        protos: list[_Proto] = []
        for tok in tokens:
            proto = self.context(tok, protos)
            if proto is not None:
                self.merge(protos, proto)
        for proto in protos:
            self.finish(proto)

    def digit_tokens(self) -> list[_Tok]:
        text = self.text
        tokens: list[_Tok] = []
        for match in self.free_matches(_SPACED):
            tok = _Tok(match.start(), match.end(), _read_digits(match.group(), self.lang)[0])
            if tok.value is not None:
                self.scaled(tok)
                tokens.append(tok)
                self.take(tok.start, tok.end)
        for match in self.free_matches(_DIGITS):
            start, end = match.start(), match.end()
            if sum(c.isdigit() for c in match.group()) > _MAX_DIGITS:
                tokens.append(_Tok(start, end, None, huge=True))  # "999…999": absurd, uncomputed
                self.take(start, end)
                continue
            value, dec, thou = _read_digits(match.group(), self.lang)
            if value is None and dec is None:
                self.take(start, end)  # malformed ("1.2.3"): no part of it is a number
                continue
            tok = _Tok(start, end, value, dec, thou)
            self.power(tok)
            self.scaled(tok)
            if (
                tok.end < len(text)
                and _LETTER.match(text, tok.end)
                and not self.unit_follows(tok.end)
            ):
                continue  # glued to a word: "3rd", "5G", "2FA" ("14Monate" is fine)
            tokens.append(tok)
            self.take(tok.start, tok.end)
        return tokens

    def scaled(self, tok: _Tok) -> None:
        """A scale suffix belongs to the token, so no later pass reads "Millionen" as a number."""
        match = _SCALE.match(self.text, tok.end)
        if match and self.free(match.start(), match.end()):
            tok.scale, tok.end = self.scale_power(match.group()), match.end()

    def scale_power(self, suffix: str) -> int:
        word = _LEADING_SPACE.sub("", suffix).rstrip(".")
        if word.lower() in ("billion", "trillion"):
            # German "Billion" is 10^12 and "Trillion" 10^18; the English words (and lowercase in
            # any message) are 10^9 and 10^12.
            english, german = {"billion": (9, 12), "trillion": (12, 18)}[word.lower()]
            return german if self.lang == "de" and word[0].isupper() else english
        return _SCALE_WORDS.get(word.lower(), 0)

    def power(self, tok: _Tok) -> None:
        """Exponents: "10^30", "10**30", "1e30", "10³⁰", "1,5 x 10^6"."""
        match = _POWER.match(self.text, tok.end)
        mantissa = tok.value if tok.value is not None else tok.dec
        if not match or mantissa is None or not self.free(match.start(), match.end()):
            return
        if match["pow"] or match["sup"]:
            base, raw = mantissa, match["pow"] or match["sup"].translate(_SUPERSCRIPTS)
            mantissa = _ONE
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

    def unit_follows(self, end: int) -> bool:
        text = self.text
        return bool(
            _CURRENCY_AFTER.match(text, end)
            or _DURATION_UNIT.match(text, end)
            or _COUNT_UNIT.match(text, end)
        )

    def word_tokens(self) -> list[_Tok]:
        text, lang = self.text, self.lang
        words = [m for m in _WORD.finditer(text) if self.free(m.start(), m.end())]
        tokens: list[_Tok] = []
        done = 0  # words starting before this offset belong to a token already
        for i, match in enumerate(words):
            if match.start() < done:
                continue
            word = match.group().lower()
            nxt = (
                words[i + 1] if i + 1 < len(words) and self.adjacent(match, words[i + 1]) else None
            )
            new: list[_Tok] = []
            if _fraction_word(word, lang) is not None:
                new = [self.fraction_token(words, i)]
            elif word in _ARTICLES:
                new = self.article(words, i, nxt)
            elif _number_word(word, lang) is not None and not self.pronoun_one(words, i):
                new = self.chunks(words, i, self.run_end(words, i))
            for tok in new:
                if tok.start < done:
                    continue  # read as the scale of the token before ("tausend tausend")
                self.scaled(tok)
                done = tok.end
                tokens.append(tok)
        return tokens

    def article(self, words: list[re.Match], i: int, nxt: re.Match | None) -> list[_Tok]:
        """ "ein Jahr", "a year", "einen Managed Service", "eine Million", "a hundred": one."""
        word = words[i].group().lower()
        if nxt is None or (word in _EN_ARTICLES) != (self.lang == "en"):
            rest = self.text.strip(" \t\r\n.!?,;:").lower()
            # "Einen." as the whole answer to "how many?" ("Ne." alone means "no").
            alone = self.lang == "de" and rest == word and word in ("ein", "eine", "einen", "einer")
            return [_Tok(words[i].start(), words[i].end(), _ONE)] if alone else []
        following = nxt.group().lower()
        if following in _MULTIPLIERS:
            return self.chunks(words, i + 1, self.run_end(words, i + 1), article=words[i])
        if _fraction_word(following, self.lang) is not None:
            return []  # "ein halbes Jahr": the fraction takes the article into its span
        end = words[i].end()
        if _COUNT_UNIT.match(self.text, end) and _NEGATED_ARTICLE.search(
            self.text, 0, words[i].start()
        ):
            return [_Tok(words[i].start(), end, Decimal(0))]  # "we don't have a managed service"
        if _DURATION_UNIT.match(self.text, end) or _COUNT_UNIT.match(self.text, end):
            return [_Tok(words[i].start(), end, _ONE)]
        return []

    def pronoun_one(self, words: list[re.Match], i: int) -> bool:
        if self.lang != "en" or words[i].group().lower() != "one":
            return False
        before = words[i - 1].group().lower() if i > 0 else ""
        after = words[i + 1].group().lower() if i + 1 < len(words) else ""
        return before in _ONE_PRONOUN_BEFORE or after in _ONE_PRONOUN_AFTER

    def adjacent(self, left: re.Match, right: re.Match) -> bool:
        gap = self.text[left.end() : right.start()]
        return len(gap) <= 3 and gap.strip(" \t\u00a0-") == ""

    def run_end(self, words: list[re.Match], i: int) -> int:
        """The index after the last word of the run of number words starting at `i`."""
        j = i + 1
        while j < len(words) and j - i < 16 and self.adjacent(words[j - 1], words[j]):
            word = words[j].group().lower()
            if _number_word(word, self.lang) is not None:
                j += 1
                continue
            joins = word in _CONNECTORS or word in _POINTS
            if not joins or j + 1 >= len(words) or not self.adjacent(words[j], words[j + 1]):
                break
            if _number_word(words[j + 1].group().lower(), self.lang) is None:
                break
            j += 1
        return j

    def chunks(
        self, words: list[re.Match], i: int, j: int, article: re.Match | None = None
    ) -> list[_Tok]:
        """Longest readable pieces of words[i:j], left to right ("twenty twenty five": 20, 25)."""
        lang = self.lang
        tokens: list[_Tok] = []
        while i < j:
            lower = [_spelling(w.group().lower(), lang) or w.group().lower() for w in words[i:j]]
            if lower[0] in _CONNECTORS or lower[0] in _POINTS:
                i += 1
                continue
            for k in range(j, i, -1):
                piece = lower[: k - i]
                if piece[-1] in _CONNECTORS or any(w in _POINTS for w in piece):
                    continue
                if lang == "en":
                    piece = [w for w in piece if w not in _CONNECTORS]  # "hundred and ten"
                if article is not None and not tokens:
                    piece = ["one" if lang == "en" else "ein", *piece]  # "a hundred thousand"
                if len(piece) == 1 and piece[0] in _MULTIPLIERS and piece[0] not in _LONE_NUMBERS:
                    continue  # "Millionen Umsatz", "million dollars": vague without a number
                value = _text2num(" ".join(piece), lang)
                if value is None:
                    continue
                first = article if article is not None and not tokens else words[i]
                tok = _Tok(first.start(), words[k - 1].end(), value)
                tok.scaled_words = bool(_SCALED_WORDS.search(piece[-1]))
                k = self.decimals(words, k, j, tok)
                match = _AND_A_HALF.match(self.text, tok.end)
                if match:
                    tok.value += _HALF
                    tok.end = match.end()
                tokens.append(tok)
                i = k
                break
            else:
                i += 1
        return tokens

    def decimals(self, words: list[re.Match], k: int, j: int, tok: _Tok) -> int:
        """ "zwei Komma fünf (Millionen)", "two point five": text2num reads neither, so by hand."""
        if k >= j or words[k].group().lower() not in _POINTS:
            return k
        digits, m = "", k + 1
        while m < j:
            value = _number_word(words[m].group().lower(), self.lang)
            if value is None or not 0 <= value <= 9 or words[m].group().lower() in _MULTIPLIERS:
                break
            digits += str(int(value))
            m += 1
        if not digits:
            return k
        tok.value = (tok.value or Decimal(0)) + Decimal("0." + digits)
        tok.end = words[m - 1].end()
        if m < j and words[m].group().lower() in _MULTIPLIERS:
            tok.value *= _number_word(words[m].group().lower(), self.lang) or _ONE
            tok.scaled_words = True
            tok.end = words[m].end()
            m += 1
        return m

    def fraction_token(self, words: list[re.Match], i: int) -> _Tok:
        word = words[i]
        start = word.start()
        # "ein halbes Jahr": the article does not multiply; it belongs to the span.
        if (
            i > 0
            and words[i - 1].group().lower() in _ARTICLES
            and self.adjacent(words[i - 1], word)
        ):
            start = words[i - 1].start()
        tok = _Tok(
            start, word.end(), _fraction_word(word.group().lower(), self.lang), fraction=True
        )
        # "half a year", "half a million": the article after "half" belongs to it, too.
        article = _ARTICLE_IN_BETWEEN.match(self.text, word.end())
        if article and (
            _SCALE.match(self.text, article.end()) or _DURATION_UNIT.match(self.text, article.end())
        ):
            tok.end = article.end()
        return tok

    # -- context --

    def currency_before(self, start: int) -> tuple[str | None, int]:
        match = self.ending(_CURRENCY_BEFORE, start, 30)
        if match and self.free(match.start(), start):
            return _currency_code(match), match.start()
        return None, start

    def glued_sign(self, pos: int) -> bool:
        """A minus right before `pos` that is not a hyphen or a range dash ("300-350k")."""
        text = self.text
        if pos == 0 or text[pos - 1] not in _SIGN or not self.free(pos - 1, pos):
            return False
        return pos < 2 or not (text[pos - 2].isalnum() or text[pos - 2] in "._,")

    def context(self, tok: _Tok, seen: list[_Proto]) -> _Proto | None:
        """The number with its sign, currency, unit and qualifiers; its span is taken."""
        text = self.text
        proto = _Proto(tok, tok.start, tok.end)
        start = tok.start
        if self.glued_sign(start):
            proto.negative, start = True, start - 1
        proto.currency, start = self.currency_before(start)
        if proto.currency and not proto.negative and self.glued_sign(start):
            proto.negative, start = True, start - 1  # "-$5000"
        word = self.ending(_SIGN_WORD, start, 20)
        if word:
            proto.negative, start = True, word.start()
        for hedge, pattern in _HEDGE_PATTERNS:
            word = self.ending(pattern, start, 30)
            if word:
                proto.hedge, start = hedge, word.start()
                break
        proto.between = bool(self.ending(_BETWEEN, start, 20))
        pos = tok.end
        cents = _NO_CENTS.match(text, pos)
        if cents:
            pos = cents.end()
        after = _CURRENCY_AFTER.match(text, pos) if proto.currency is None else None
        if after and self.free(after.start(), after.end()):
            proto.currency, pos = _currency_code(after), after.end()
        duration = _DURATION_UNIT.match(text, pos)
        count = _COUNT_UNIT.match(text, pos)
        if proto.currency:
            proto.kind, proto.explicit = AMOUNT, True
        elif duration and self.free(duration.start(), duration.end()):
            proto.kind, proto.unit, proto.explicit = DURATION, duration.lastgroup, True
            pos = duration.end()
            proto.window = bool(self.ending(_WINDOW_BEFORE, start, 30))
        elif count and self.free(count.start(), count.end()):
            proto.kind, proto.unit, proto.explicit = COUNT, "count", True
            pos = count.end()
        elif tok.scale or tok.scaled_words:
            proto.kind, proto.explicit = AMOUNT, True
        else:
            before = self.ending(_UNIT_BEFORE, start, 40)
            if before:
                proto.kind = COUNT if before.lastgroup == "count" else DURATION
                proto.unit, proto.explicit = before.lastgroup, True
        if not proto.explicit and tok.fraction:
            return None  # "half" alone is no quantity
        proto.start, proto.end = start, pos
        if not proto.explicit and self.revenue_near(proto, seen):
            proto.kind = AMOUNT
        self.take(proto.start, proto.end)
        return proto

    def revenue_near(self, proto: _Proto, seen: list[_Proto]) -> bool:
        """A revenue word right after the number, or before it in the same clause with no other
        number but durations in between ("Umsatz der letzten 12 Monate: 350.000")."""
        text = self.text
        if _REVENUE_AFTER.match(text, proto.end):
            return True
        cues = list(_REVENUE_WORD.finditer(text, max(0, proto.start - 80), proto.start))
        cue = cues[-1] if cues else None
        if cue is None or _CLAUSE_END.search(text, cue.end(), proto.start):
            return False
        if _LABEL_AFTER.match(text, proto.end):
            return False  # "Umsatz 2025: 350k": the number labels the figure after it
        for previous in reversed(seen):
            if previous.start < cue.end():
                break
            if previous.kind != DURATION:
                return False
        return True

    def merge(self, protos: list[_Proto], proto: _Proto) -> None:
        """Append `proto`, joining ranges ("300-350k") and "2 Jahre und 3 Monate"."""
        prev = protos[-1] if protos else None
        if prev is not None and 0 <= proto.start - prev.end <= 12:
            gap = self.text[prev.end : proto.start]
            if self.is_range(prev, proto, gap):
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
                and _COMPOUND.fullmatch(gap)
            ):
                prev.parts.append(proto)
                prev.end = proto.end
                return
        protos.append(proto)

    @staticmethod
    def is_range(a: _Proto, b: _Proto, gap: str) -> bool:
        if not (_RANGE_DASH.fullmatch(gap) or (a.between and _RANGE_AND.fullmatch(gap))):
            return False
        if a.negative or b.negative or a.low or a.parts or not (b.explicit or a.between):
            return False
        if a.explicit and b.explicit and (a.kind != b.kind or a.unit != b.unit):
            return False
        return not (a.currency and b.currency and a.currency != b.currency)

    # -- values --

    def reading(self, proto: _Proto, kind: str, unit: str | None, scale: int):
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
        sensible = [value for raw, value in readings if self.sensible(raw, value, kind, unit)]
        if not sensible:
            return readings[0][1]
        return sensible[0] if len(sensible) == 1 else tuple(sensible)

    @staticmethod
    def sensible(raw: Decimal, value: Decimal, kind: str, unit: str | None) -> bool:
        whole = value == value.to_integral_value()
        if kind == AMOUNT:
            return _places(raw) <= 2 and value <= MAX_REVENUE_USD
        if kind == DURATION:
            return whole and value <= MAX_INDIRECT_MONTHS
        if unit == "count":
            return whole and value <= MAX_MANAGED_SERVICES
        return value <= MAX_REVENUE_USD

    @staticmethod
    def bound(kind: str, unit: str | None) -> Decimal:
        if kind == DURATION:
            return Decimal(MAX_INDIRECT_MONTHS)
        if kind == COUNT and unit == "count":
            return Decimal(MAX_MANAGED_SERVICES)
        return MAX_REVENUE_USD  # amounts, and bare numbers that may yet mean revenue

    def values(self, proto: _Proto) -> list | None:
        """Every candidate value of the proto (several for ranges and separator doubts)."""
        kind, unit = proto.kind, proto.unit
        scale = proto.tok.scale

        def candidates(part: _Proto, part_unit: str | None, part_scale: int) -> list | None:
            value = self.reading(part, kind, part_unit, part_scale)
            return None if value is None else list(value) if isinstance(value, tuple) else [value]

        values = candidates(proto, unit, scale)
        for part in proto.parts:  # "2 Jahre und 3 Monate"
            months = candidates(part, part.unit, part.tok.scale)
            if values is None or months is None:
                return None
            values = [v + m for v in values for m in months]
        if proto.low is not None:
            low = candidates(proto.low, unit, proto.low.tok.scale or scale)
            if values is None or low is None:
                return None
            values = low + values
        return values

    def hedged(self, proto: _Proto, figure: Decimal | int, extra: dict) -> None:
        """An estimate or a bound: the figure with the span it leaves (`Quantity.bounds`); a figure
        just under or below a limit is no value of its own."""
        hedge, amount = proto.hedge, proto.kind == AMOUNT
        if hedge == "about":
            spread = _money(figure * _ABOUT_SHARE) if amount else _ABOUT_MONTHS
            bounds = (figure - spread, figure + spread)
        elif hedge == "nearly":
            bounds = (
                _money(figure * (1 - _NEARLY_SHARE)) if amount else max(figure - _NEARLY_MONTHS, 0),
                figure,
            )
        elif hedge == "below":
            bounds = (None, figure)
        else:  # over
            bounds = (figure, None)
        extra.update(hedge=hedge, bounds=bounds)
        if hedge in ("nearly", "below"):
            self.emit(proto.start, proto.end, proto.kind, None, problem=AMBIGUOUS, **extra)
        else:
            self.emit(proto.start, proto.end, proto.kind, figure, **extra)

    def finish(self, proto: _Proto) -> None:
        kind, start, end = proto.kind, proto.start, proto.end
        if proto.window:
            return  # a time window: its span stays taken, nothing is said
        extra: dict = {}
        if kind == COUNT and proto.unit == "count":
            extra["unit"] = "count"
        if kind == AMOUNT:
            extra["currency"] = proto.currency or self.message_currency()
            if extra["currency"] is None:
                self.emit(start, end, kind, None, problem=AMBIGUOUS, **extra)
                return
        values = self.values(proto)
        if proto.negative and (values is None or any(v != 0 for v in values)):
            self.emit(start, end, kind, None, problem=NEGATIVE, **extra)
            return
        if values is None or any(v > self.bound(kind, proto.unit) for v in values):
            self.emit(start, end, kind, None, problem=ABSURD, **extra)
            return
        below = proto.hedge in ("nearly", "below")
        if below and kind not in (AMOUNT, DURATION):
            self.emit(start, end, kind, None, problem=AMBIGUOUS, **extra)
            return
        shown = sorted({_money(v) if kind == AMOUNT else _plain(v) for v in values})
        if len(shown) > 1:
            if proto.low is not None and not below:  # "300-350k": one figure in that span
                extra.update(hedge="range", bounds=(shown[0], shown[-1]))
            self.emit(start, end, kind, None, problem=AMBIGUOUS, alternatives=tuple(shown), **extra)
            return
        value = values[0]
        if proto.hedge and kind in (AMOUNT, DURATION) and value == value.to_integral_value():
            self.hedged(proto, _money(value) if kind == AMOUNT else int(value), extra)
            return
        if kind == AMOUNT:
            self.emit(start, end, kind, _money(value), **extra)
        elif value != value.to_integral_value():
            floor = int(value.to_integral_value(ROUND_FLOOR))
            ceil = int(value.to_integral_value(ROUND_CEILING))
            self.emit(
                start, end, kind, None, problem=NOT_WHOLE, alternatives=(floor, ceil), **extra
            )
        else:
            self.emit(start, end, kind, int(value), **extra)

    def message_currency(self) -> str | None:
        """For an amount with no currency beside it: the one the message names, else USD."""
        if not self._named:
            codes = {_currency_code(m) for m in _CURRENCY.finditer(self.text)}
            self._named.append(codes.pop() if len(codes) == 1 else None if codes else "USD")
        return self._named[0]
