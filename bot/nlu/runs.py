"""Whitespace-free runs longer than any word a partner writes (10,000 emoji, a pasted hash).

Several text steps cost quadratic time on such a run: spaCy's tokenizer strips prefixes and
suffixes one at a time, and a pattern starting with `\\w*` is tried at every position. So the
tokenizer takes such a run in pieces, and the statement rules read it as blank: a run this long
names no fact.
"""

from __future__ import annotations

import re

MAX_RUN_CHARS = 64
LONG_RUN = re.compile(rf"\S{{{MAX_RUN_CHARS + 1},}}")


def blank_long_runs(text: str) -> str:
    """`text` with every long run replaced by as many spaces: the offsets stay the same."""
    return LONG_RUN.sub(lambda run: " " * len(run.group()), text)


def cut_long_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) pieces covering `text`, each long run cut every MAX_RUN_CHARS characters."""
    cuts = [0]
    for run in LONG_RUN.finditer(text):
        cuts.extend(range(run.start(), run.end(), MAX_RUN_CHARS))
        cuts.append(run.end())
    cuts.append(len(text))
    return [(start, end) for start, end in zip(cuts, cuts[1:], strict=False) if start < end]
