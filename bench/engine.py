"""Speed and memory of the eligibility engine, as ratios against a baseline measured in the same run.

The baseline is a JSON round trip of the same facts — the least work any layer does with them — so
the ratios stay comparable across machines. Targets are printed next to the measurements; nothing
here fails a build.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from bot.eligibility import FACT_SPECS, Facts, evaluate, next_fact
from bot.eligibility.facts import BOOL, SUPPORT_PLANS

AS_OF = dt.date(2026, 11, 25)
# What a conversation turn may spend on the engine, in baseline units (a JSON round trip of the facts).
# Budgets in baseline units (time of, and peak memory allocated by, a JSON round trip of the facts).
TIME_TARGETS = {"validate facts": 5, "evaluate": 20, "next_fact": 40, "payload (de)": 60}
MEMORY_TARGET = 50


def random_facts(rng: random.Random) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for key, spec in FACT_SPECS.items():
        if not spec.decides_verdict or rng.random() < 0.3:
            continue
        if spec.kind == BOOL:
            facts[key] = rng.random() < 0.7
        elif key == "support_plan":
            facts[key] = rng.choice(SUPPORT_PLANS)
        elif key == "csp_revenue_usd":
            facts[key] = rng.randint(0, 900_000)
        elif key == "indirect_months":
            facts[key] = rng.randint(0, 40)
        else:
            facts[key] = rng.randint(0, 3)
    return facts


def best_of(repeats: int, work: Callable[[], None]) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_memory(work: Callable[[], None]) -> int:
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    rng = random.Random(20261125)
    raws = [random_facts(rng) for _ in range(500)]
    validated = [Facts.from_mapping(raw, as_of=AS_OF) for raw in raws]
    verdicts = [evaluate(f) for f in validated]

    def baseline() -> None:
        for raw in raws:
            json.loads(json.dumps(raw))

    def each(function: Callable[[Any], Any], items: list) -> Callable[[], None]:
        def work() -> None:
            for item in items:
                function(item)  # results are dropped, as in the baseline

        return work

    workloads = {
        "validate facts": each(lambda raw: Facts.from_mapping(raw, as_of=AS_OF), raws),
        "evaluate": each(evaluate, validated),
        "next_fact": each(next_fact, validated),
        "payload (de)": each(lambda v: v.to_payload("de"), verdicts),
    }
    base_time = best_of(5, baseline)
    base_memory = max(peak_memory(baseline), 1)
    print(
        f"baseline: JSON round trip of {len(raws)} fact sets, {base_time * 1e6 / len(raws):.1f} µs each"
    )
    print(f"{'workload':<16}{'time ×':>8}{'target':>8}{'memory ×':>10}{'target':>8}  verdict")
    for name, work in workloads.items():
        ratio = best_of(5, work) / base_time
        memory = peak_memory(work) / base_memory
        within = ratio <= TIME_TARGETS[name] and memory <= MEMORY_TARGET
        print(
            f"{name:<16}{ratio:>8.1f}{TIME_TARGETS[name]:>8}{memory:>10.1f}{MEMORY_TARGET:>8}"
            f"  {'ok' if within else 'OVER TARGET'}"
        )


if __name__ == "__main__":
    main()
