"""Numbers as partners type them -> exact amounts, durations, counts and PartnerIDs.

`extract_quantities(text, lang, today)` finds every quantity in one message and returns it with its
character span. A value that must not become a fact (negative, absurd, ambiguous, fractional where
whole months or services are needed) comes back with `problem` set and `value` None, so that the
dialogue asks instead of guessing. Pure Python, no Rasa imports. Number words are read by
`text2num`; only what it cannot read is written by hand, each with a comment saying why.

A message is read in stages (`extractor`), each taking the spans it reads so that no later stage
reads them again: PartnerIDs and digits that are no quantity, then dates and periods (`dates`),
then numbers in digits and words (`numbers`), their context and the policy on their values
(`classify`). The words and signs they look for are in `lexicon`.

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

from bot.nlu.quantities.extractor import find_quantities
from bot.nlu.quantities.quantity import (
    ABSURD,
    AMBIGUOUS,
    AMOUNT,
    COUNT,
    DURATION,
    NEGATIVE,
    NOT_WHOLE,
    PARTNER_ID,
    Quantity,
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


def extract_quantities(text: str, lang: str, today: dt.date) -> list[Quantity]:
    """Every quantity in `text` (a message in `lang`, "de" or "en"), in text order."""
    if not isinstance(text, str) or not text:
        return []
    lang = "de" if isinstance(lang, str) and lang.strip().lower().startswith("de") else "en"
    if not isinstance(today, dt.date):
        today = dt.date.today()
    try:
        return find_quantities(text, lang, today)
    except Exception:  # a message must never break the turn; the property tests hunt such bugs
        _log.exception("quantity extraction failed on a message of %d characters", len(text))
        return []
