"""The versioned rule sets: the only place a requirement's numbers come from."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

import yaml

from bot.i18n import Message, Money


@dataclass(frozen=True)
class RuleSet:
    """One version of Microsoft's requirements: which requirements apply (their codes, in the
    order of the source) and the parameters they read. A parameter no requirement of the set
    reads is None."""

    rules_version: str
    effective_from: dt.date
    source: str
    requirements: tuple[str, ...]
    # The row or item of the source each requirement comes from, in the same order.
    source_rows: tuple[str, ...]
    # What follows once every requirement is met (texts "process.<step>"), in order.
    process: tuple[str, ...] = ()
    # How partners name it ("FY26"); the first is how the assistant names it.
    names: tuple[str, ...] = ()
    min_csp_revenue_usd: Decimal | None = None
    revenue_window_months: int | None = None
    # What the revenue figure is: "cloud" (CSP cloud revenue) or "billed_pga" (billed revenue at
    # the Partner Global Account level); the texts say it (texts "revenue_basis.<basis>").
    revenue_basis: str | None = None
    min_indirect_months: int | None = None
    min_managed_services: int | None = None
    qualifying_support_plans: tuple[str, ...] | None = None

    @property
    def name(self) -> str:
        return self.names[0] if self.names else self.rules_version

    def source_row(self, code: str) -> str:
        return self.source_rows[self.requirements.index(code)]

    def values(self) -> dict[str, Any]:
        """The parameters it sets, as plain values, for traces and explanations."""
        return {
            name: list(value) if isinstance(value, tuple) else value
            for name, value in ((name, getattr(self, name)) for name in PARAMETERS)
            if value is not None
        }


# Each parameter a rule set may set, with how its value is read from rulesets.yml.
PARAMETERS: dict[str, Callable[[Any], Any]] = {
    "min_csp_revenue_usd": lambda value: Decimal(str(value)),
    "revenue_window_months": int,
    "revenue_basis": str,
    "min_indirect_months": int,
    "min_managed_services": int,
    "qualifying_support_plans": tuple,
}


def _parse(entry: dict[str, Any]) -> RuleSet:
    params = entry["parameters"]
    unknown = set(params) - set(PARAMETERS)
    if unknown:
        raise ValueError(f"rule set {entry['rules_version']}: unknown parameters {sorted(unknown)}")
    return RuleSet(
        rules_version=str(entry["rules_version"]),
        effective_from=entry["effective_from"],
        source=str(entry["source"]),
        requirements=tuple(entry["requirements"]),
        source_rows=tuple(str(row) for row in entry["requirements"].values()),
        process=tuple(entry.get("process") or ()),
        names=tuple(str(name) for name in entry.get("names") or ()),
        **{name: PARAMETERS[name](value) for name, value in params.items()},
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


def newest_ruleset(as_of: dt.date | None = None) -> RuleSet:
    """The newest rule set in force on `as_of`, whatever is pinned: what a verdict by a pinned,
    older rule set is compared with."""
    _, sets = _load()
    return choose_ruleset(sets.values(), as_of or dt.date.today(), None)


def current_ruleset() -> RuleSet:
    """The rule set that decides today."""
    return ruleset_for()


def text_parameters(rules: RuleSet | None = None) -> Mapping[str, Any]:
    """The rule set's numbers as parameters every catalog text may quote ("{rule_min_revenue}",
    "{rule_window} Monate"): a text never writes a threshold itself. Only what the rule set sets."""
    return _text_parameters(rules or current_ruleset())


@cache  # every rendered text asks for them; a rule set never changes
def _text_parameters(rules: RuleSet) -> Mapping[str, Any]:
    params: dict[str, Any] = {}
    if rules.min_csp_revenue_usd is not None:
        params["rule_min_revenue"] = Money(rules.min_csp_revenue_usd)
    if rules.revenue_window_months is not None:
        params["rule_window"] = rules.revenue_window_months
    if rules.revenue_basis is not None:
        params["rule_revenue"] = Message(f"revenue_basis.{rules.revenue_basis}")
    if rules.min_indirect_months is not None:
        params["rule_min_months"] = rules.min_indirect_months
    if rules.min_managed_services is not None:
        # In words, as German declines it: "mindestens einen verwalteten Dienst …".
        params["rule_min_services"] = Message(
            "rule.min_services", {"count": rules.min_managed_services}
        )
    return MappingProxyType(params)


def ruleset_named(text: str) -> RuleSet | None:
    """The rule set a message names ("Bitte auch nach FY26 prüfen"), if it names one."""
    _, sets = _load()
    for rules in sets.values():
        if rules.names and _names_pattern(rules.names).search(text):
            return rules
    return None


@cache
def _names_pattern(names: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(re.escape(n).replace(r"\ ", r"[\s-]?") for n in names)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def ruleset(rules_version: str) -> RuleSet:
    _, sets = _load()
    try:
        return sets[rules_version]
    except KeyError:
        raise KeyError(f"unknown rule set {rules_version!r}; known: {sorted(sets)}") from None


def all_rulesets() -> list[RuleSet]:
    _, sets = _load()
    return sorted(sets.values(), key=lambda rs: rs.effective_from)
