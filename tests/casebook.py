"""Loads the shared requirement cases (tests/cases/*.yml) for every layer's tests."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CASE_DIR = Path(__file__).parent / "cases"
# Relative dates in the cases ("since 2026-03") are read against this day unless a case names one.
DEFAULT_AS_OF = dt.date(2026, 11, 25)


@dataclass(frozen=True)
class Case:
    id: str
    name: str
    rules_version: str
    facts: dict[str, Any]
    as_of: dt.date = DEFAULT_AS_OF
    expect: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def _expand(facts: dict[str, Any]) -> list[dict[str, Any]]:
    """A list value stands for each of its elements: one case per combination."""
    keys = list(facts)
    options = [facts[k] if isinstance(facts[k], list) else [facts[k]] for k in keys]
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*options)]


def load_cases(*, errors: bool | None = None) -> list[Case]:
    """Every case of every file; `errors=True` only refused inputs, False only verdicts."""
    cases = []
    for path in sorted(CASE_DIR.glob("*.yml")):
        for index, entry in enumerate(yaml.safe_load(path.read_text("utf-8"))):
            for number, facts in enumerate(_expand(entry.get("facts") or {})):
                case = Case(
                    id=f"{path.stem}-{index}-{number}",
                    name=entry["name"],
                    rules_version=entry["rules_version"],
                    facts=facts,
                    as_of=entry.get("as_of", DEFAULT_AS_OF),
                    expect=entry.get("expect") or {},
                    error=entry.get("error"),
                )
                if errors is None or errors == (case.error is not None):
                    cases.append(case)
    return cases
