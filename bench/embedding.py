"""Cost of the sentence embeddings per message, as ratios against language detection of the same
text (a step every message already takes), and the memory each encoder adds to a process.

An encoder reads at most EMBEDDED_CHARACTERS of a message, so its time must stop growing with the
message's length: a ratio that keeps climbing from 10,000 to 100,000 characters would mean the cap
is gone. Targets are printed next to the measurements; nothing here fails a build.
"""

from __future__ import annotations

import functools
import itertools
import resource

from bench.engine import best_of
from bot.nlu.embeddings import ENCODERS, sentence_encoder
from bot.nlu.language import detect

UNIT = "Wir haben keine Prokura, aber einen eigenen Helpdesk und ASfP seit 14 Monaten. "
SIZES = (80, 1_000, 10_000, 100_000)
TIME_TARGET = 1000  # language detections per embedding, at every size
MEMORY_TARGET_MB = 300  # resident memory one loaded encoder adds


def _resident_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


_SEEN = itertools.count()


def _embed_new(encoder, text: str) -> None:
    # A new text each time: the encoder remembers the vectors of texts it has seen.
    encoder.encode([f"{next(_SEEN)} {text}"])


def main() -> None:
    print(f"{'encoder':<24}{'chars':>9}{'time ×':>9}{'target':>8}  verdict")
    for name in ENCODERS:
        before = _resident_mb()
        encoder = sentence_encoder(name)
        encoder.encode(["warm-up"])
        added = _resident_mb() - before
        verdict = "ok" if added <= MEMORY_TARGET_MB else "OVER TARGET"
        print(f"{name:<24}{'memory':>9}{added:>8.0f}M{MEMORY_TARGET_MB:>7}M  {verdict}")
        for size in SIZES:
            text = (UNIT * (size // len(UNIT) + 1))[:size]
            base = best_of(3, lambda text=text: detect(text))
            ratio = best_of(3, functools.partial(_embed_new, encoder, text)) / base
            verdict = "ok" if ratio <= TIME_TARGET else "OVER TARGET"
            print(f"{name:<24}{size:>9}{ratio:>9.1f}{TIME_TARGET:>8}  {verdict}")


if __name__ == "__main__":
    main()
