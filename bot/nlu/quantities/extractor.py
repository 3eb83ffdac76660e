"""The order in which a message is read. Each stage takes the spans it reads, so a later stage
sees only what is left: a PartnerID or a date is never read again as a number."""

from __future__ import annotations

import datetime as dt

from bot.nlu.quantities.classify import context, finish_all, merge, none_counts, partner_ids
from bot.nlu.quantities.dates import dates
from bot.nlu.quantities.lexicon import NOISE
from bot.nlu.quantities.numbers import digit_tokens, word_tokens
from bot.nlu.quantities.quantity import Quantity
from bot.nlu.quantities.scan import Scan


def find_quantities(text: str, lang: str, today: dt.date) -> list[Quantity]:
    """Every quantity in `text` ("de" or "en"), in text order; without the last-resort guard of
    `extract_quantities`, so that the tests see every bug."""
    msg = Scan(text, lang, today)
    partner_ids(msg)  # before the noise, which would take "#1234567" as a ticket number
    for match in msg.free_matches(NOISE):
        msg.take(match.start(), match.end())
    dates(msg)
    none_counts(msg)
    tokens = digit_tokens(msg) + word_tokens(msg)
    tokens.sort(key=lambda t: t.start)
    protos = []
    for tok in tokens:
        proto = context(msg, tok, protos)
        if proto is not None:
            merge(msg.text, protos, proto)
    finish_all(msg, protos)
    return sorted(msg.found, key=lambda q: q.start)
