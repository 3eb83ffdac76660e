"""Speed of reading yes/no facts from messages of growing size, as ratios against a baseline.

The baseline tokenises the same text with one regular expression, so a ratio that stays flat as the
message grows shows that the statement extractor stays linear (a huge or hostile message must not
take quadratic time). Targets are printed next to the measurements; nothing here fails a build.
"""

from __future__ import annotations

import re

from bench.engine import best_of
from bot.nlu.statements import extract_statements

WORD = re.compile(r"\w+")
# Ordinary chat text, and inputs that once made the extractor quadratic: one clause holding
# thousands of fact names, thousands of short clauses.
SAMPLES = {
    "chat": "Wir haben keine Prokura, aber einen eigenen Helpdesk und ASfP. ",
    "one long clause": "Prokura Helpdesk ASfP sign ",
    "short clauses": "a, ",
}
SIZES = (1_000, 10_000, 100_000)
TIME_TARGET = 1000  # baseline units, at every size: about 40 regular expressions read each clause


def main() -> None:
    print(f"{'sample':<18}{'chars':>9}{'time ×':>9}{'target':>8}  verdict")
    for name, unit in SAMPLES.items():
        for size in SIZES:
            text = (unit * (size // len(unit) + 1))[:size]
            base = best_of(3, lambda text=text: WORD.findall(text))
            ratio = best_of(3, lambda text=text: extract_statements(text, "de")) / base
            verdict = "ok" if ratio <= TIME_TARGET else "OVER TARGET"
            print(f"{name:<18}{size:>9}{ratio:>9.0f}{TIME_TARGET:>8}  {verdict}")


if __name__ == "__main__":
    main()
