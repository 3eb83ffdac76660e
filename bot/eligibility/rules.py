"""The versioned rule sets: the only place a requirement's numbers come from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import yaml

from bot.i18n import Money


@dataclass(frozen=True)
class RuleSet:
    rules_version: str
    effective_from: dt.date
    source: str
    min_csp_revenue_usd: Decimal
    revenue_window_months: int
    min_indirect_months: int
    min_managed_services: int
    qualifying_support_plans: tuple[str, ...]

    def values(self) -> dict[str, Any]:
        """The parameters as plain values, for traces and explanations."""
        return {
            "min_csp_revenue_usd": self.min_csp_revenue_usd,
            "revenue_window_months": self.revenue_window_months,
            "min_indirect_months": self.min_indirect_months,
            "min_managed_services": self.min_managed_services,
            "qualifying_support_plans": list(self.qualifying_support_plans),
        }


def _parse(entry: dict[str, Any]) -> RuleSet:
    params = entry["parameters"]
    return RuleSet(
        rules_version=str(entry["rules_version"]),
        effective_from=entry["effective_from"],
        source=str(entry["source"]),
        min_csp_revenue_usd=Decimal(str(params["min_csp_revenue_usd"])),
        revenue_window_months=int(params["revenue_window_months"]),
        min_indirect_months=int(params["min_indirect_months"]),
        min_managed_services=int(params["min_managed_services"]),
        qualifying_support_plans=tuple(params["qualifying_support_plans"]),
    )


@cache
def _load() -> tuple[str, dict[str, RuleSet]]:
    text = resources.files("bot.eligibility").joinpath("rulesets.yml").read_text("utf-8")
    data = yaml.safe_load(text)
    sets = {rs.rules_version: rs for rs in map(_parse, data["rulesets"])}
    if data["current"] not in sets:
        raise RuntimeError(f"rulesets.yml: current rule set {data['current']!r} is not defined")
    return data["current"], sets


def current_ruleset() -> RuleSet:
    current, sets = _load()
    return sets[current]


def text_parameters(rules: RuleSet | None = None) -> dict[str, Any]:
    """The rule set's numbers as parameters every catalog text may quote ("{rule_min_revenue}",
    "{rule_window} Monate"): a text never writes a threshold itself."""
    rules = rules or current_ruleset()
    return {
        "rule_min_revenue": Money(rules.min_csp_revenue_usd),
        "rule_window": rules.revenue_window_months,
        "rule_min_months": rules.min_indirect_months,
    }


def ruleset(rules_version: str) -> RuleSet:
    _, sets = _load()
    try:
        return sets[rules_version]
    except KeyError:
        raise KeyError(f"unknown rule set {rules_version!r}; known: {sorted(sets)}") from None


def all_rulesets() -> list[RuleSet]:
    _, sets = _load()
    return sorted(sets.values(), key=lambda rs: rs.effective_from)
