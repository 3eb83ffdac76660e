"""The scan of one message, shared by every stage: which characters are taken, what was found.

A stage reads only free characters and takes what it reads (a quantity, or digits that are none),
so that no later stage reads them again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from bot.nlu.quantities.lexicon import ENDING_MARKS
from bot.nlu.quantities.quantity import Quantity


class Scan:
    def __init__(self, text: str, lang: str, today: dt.date) -> None:
        self.text = text
        self.lang = lang
        self.today = dt.date(today.year, today.month, 1)
        self.taken = bytearray(len(text))
        self.found: list[Quantity] = []

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
        if i < 0 or not (text[i].isalpha() or text[i] in ENDING_MARKS):
            return None
        return pattern.search(text, max(0, start - width), start)

    def free_matches(self, pattern: re.Pattern) -> Iterator[re.Match]:
        for match in pattern.finditer(self.text):
            if self.free(match.start(), match.end()):
                yield match
