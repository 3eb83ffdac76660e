"""The versioned rule sets: the only place a requirement's numbers come from."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import yaml

from bot.i18n import Message, Money


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


# The setting that pins the rule set the product decides by (a rules_version), over rulesets.yml's.
PIN_SETTING = "BOT_RULESET"


@cache
def _load() -> tuple[str | None, dict[str, RuleSet]]:
    text = resources.files("bot.eligibility").joinpath("rulesets.yml").read_text("utf-8")
    data = yaml.safe_load(text)
    sets = {rs.rules_version: rs for rs in map(_parse, data["rulesets"])}
    pinned = data.get("pinned")
    if pinned is not None and pinned not in sets:
        raise RuntimeError(f"rulesets.yml: pinned rule set {pinned!r} is not defined")
    return pinned, sets


def choose_ruleset(sets: Iterable[RuleSet], as_of: dt.date, pinned: str | None) -> RuleSet:
    """The pinned rule set, else the newest whose `effective_from` is on or before `as_of`."""
    by_version = {rs.rules_version: rs for rs in sets}
    if pinned:
        try:
            return by_version[pinned]
        except KeyError:
            raise KeyError(f"unknown rule set {pinned!r}; known: {sorted(by_version)}") from None
    in_force = [rs for rs in by_version.values() if rs.effective_from <= as_of]
    if not in_force:
        raise LookupError(f"no rule set is in force on {as_of.isoformat()}")
    return max(in_force, key=lambda rs: rs.effective_from)


def ruleset_for(as_of: dt.date | None = None) -> RuleSet:
    """The rule set that decides an assessment made on `as_of` (today by default)."""
    pinned, sets = _load()
    pin = os.environ.get(PIN_SETTING) or pinned
    return choose_ruleset(sets.values(), as_of or dt.date.today(), pin)


def current_ruleset() -> RuleSet:
    """The rule set that decides today."""
    return ruleset_for()


def text_parameters(rules: RuleSet | None = None) -> dict[str, Any]:
    """The rule set's numbers as parameters every catalog text may quote ("{rule_min_revenue}",
    "{rule_window} Monate"): a text never writes a threshold itself."""
    rules = rules or current_ruleset()
    return {
        "rule_min_revenue": Money(rules.min_csp_revenue_usd),
        "rule_window": rules.revenue_window_months,
        "rule_min_months": rules.min_indirect_months,
        # In words, as German declines it: "mindestens einen verwalteten Dienst …".
        "rule_min_services": Message("rule.min_services", {"count": rules.min_managed_services}),
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
