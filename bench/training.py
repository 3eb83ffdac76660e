"""Training the model from scratch, time per graph node, as ratios against a baseline measured in
the same run: one pass of the project's tokenizer over every training example (the least work any
training does with the data, so the ratios stay comparable across machines).

Trains exactly as `make model` does (same environment, a fresh training cache, nothing reused), in
this process, and times each node of Rasa's training graph: `train_*` learns a component, `run_*`
processes the training data with it (a featurizer's pass over every example). The absolute seconds
are printed too: the budget is 5 minutes on a 2-core machine. Nothing here fails a build.
"""

from __future__ import annotations

import collections
import os
import re
import tempfile
import time
from pathlib import Path

from bot.serve import ROOT, TRAINING_ENV

# Budget in baseline units (one tokenizer pass over the training data, ~4 s on 2 cores): about
# the 5 minutes below on this kind of machine.
TOTAL_TARGET = 70
TARGET_SECONDS = 300


def _baseline() -> float:
    from rasa.shared.nlu.training_data.loading import load_data

    from bot.nlu.components import BilingualSpacyTokenizer, LanguageDetector

    data = load_data(str(ROOT / "data" / "nlu"))
    detector = LanguageDetector.create({}, None, None, None)
    tokenizer = BilingualSpacyTokenizer.create({}, None, None, None)
    started = time.perf_counter()
    detector.process_training_data(data)
    tokenizer.process_training_data(data)
    return time.perf_counter() - started


def _node_group(node: str) -> str:
    # "run_SentenceEmbeddingFeaturizer6" -> "run SentenceEmbeddingFeaturizer #6"
    match = re.fullmatch(r"(train|run)_(?:[\w.]*\.)?(\w+?)(\d+)", node)
    return f"{match[1]} {match[2]} #{match[3]}" if match else node


def main() -> None:
    os.environ.update(TRAINING_ENV)
    from rasa.engine.graph import GraphNode
    from rasa.model_training import train
    from rasa.utils.tensorflow.environment import setup_tf_environment

    setup_tf_environment()  # what `rasa train` does first: the thread settings above
    baseline = _baseline()
    seconds: collections.Counter[str] = collections.Counter()
    original = GraphNode.__call__

    def timed(node: GraphNode, *inputs):
        started = time.perf_counter()
        try:
            return original(node, *inputs)
        finally:
            seconds[node._node_name] += time.perf_counter() - started

    GraphNode.__call__ = timed
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["RASA_CACHE_DIRECTORY"] = str(Path(tmp) / "cache")
        started = time.perf_counter()
        train(
            domain=str(ROOT / "domain.yml"),
            config=str(ROOT / "config.yml"),
            training_files=[str(ROOT / "data")],
            output=tmp,
            fixed_model_name="bench",
        )
        total = time.perf_counter() - started
    GraphNode.__call__ = original

    print(f"baseline: one tokenizer pass over the training data, {baseline:.1f} s")
    print(f"{'training graph node':<46}{'seconds':>9}{'× baseline':>12}")
    for node, spent in sorted(seconds.items(), key=lambda item: -item[1]):
        if spent >= 0.5:
            print(f"{_node_group(node):<46}{spent:>9.1f}{spent / baseline:>12.1f}")
    ratio = total / baseline
    verdict = "ok" if ratio <= TOTAL_TARGET else "OVER TARGET"
    print(f"{'whole training':<46}{total:>9.1f}{ratio:>12.1f}  target {TOTAL_TARGET}  {verdict}")
    seconds_verdict = "ok" if total <= TARGET_SECONDS else "OVER BUDGET"
    print(f"budget on 2 cores: {TARGET_SECONDS} s -> {seconds_verdict}")


if __name__ == "__main__":
    main()
