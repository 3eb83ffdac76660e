"""Every requirement the engine knows, one rule each, declared once; a rule set (rulesets.yml)
lists the ones it requires, with the row of its source each comes from.

Each rule reads only its own facts and the rule set's parameters and returns an Outcome: a status,
the reason or gap, the next step, and the values that decided it (for `--explain`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bot.eligibility.facts import (
    BOOL,
    CHOICE,
    FACT_SPECS,
    Facts,
    Span,
    add_months,
    at_least,
    json_text,
    lowest,
    plural_count,
    shown_figure,
)
from bot.eligibility.rules import RuleSet, current_ruleset
from bot.i18n import Message, Money, Month

MET, UNMET, UNKNOWN, PENDING = "met", "unmet", "unknown", "pending"
STATUSES = (MET, UNMET, UNKNOWN, PENDING)


@dataclass(frozen=True)
class Outcome:
    status: str
    detail: Message
    next_step: Message | None = None
    # Which comparison decided, in words a support agent can read ("850000 >= 300000").
    reason: str = ""
    # What is missing, in a few words, for a list of gaps ("USD 550,000 more CSP billed revenue").
    gap: Message | None = None


@dataclass(frozen=True)
class Requirement:
    code: str
    facts: tuple[str, ...]
    decide: Callable[[Facts, RuleSet], Outcome]
    # The rule-set parameters the rule reads (named in each verdict's explanation), each with the
    # numeric fact it bounds, if any: that threshold and zero are the values worth trying when
    # asking whether an open fact could still change this requirement.
    parameters: dict[str, str | None] = field(default_factory=dict)

    @property
    def title(self) -> Message:
        """Its title in the catalog (bot/texts/requirements.yml)."""
        return Message(f"title.{self.code}")

    @property
    def thresholds(self) -> dict[str, str]:
        """The numeric fact -> the rule-set parameter that bounds it."""
        return {fact: name for name, fact in self.parameters.items() if fact}

    def source_reference(self, rules: RuleSet) -> str:
        """Where the rule comes from: the rule set's source and the row of its table."""
        return f"{rules.source}, table row '{rules.source_row(self.code)}'"


def _unknown(code: str, facts: Facts, keys: tuple[str, ...]) -> Outcome:
    missing = facts.unknown(keys)
    return Outcome(
        UNKNOWN,
        Message(f"req.{code}.unknown"),
        Message("step.find_out", {"items": _where_list(missing)}),
        reason="unknown: " + ", ".join(missing),
    )


def _depends(code: str, key: str, value: Span, minimum: Any, params: dict[str, Any]) -> Outcome:
    """A span on both sides of the rule's threshold: the exact figure decides."""
    return Outcome(
        UNKNOWN,
        Message(f"req.{code}.depends", params),
        Message("step.find_out_exactly", {"items": _where_list([key])}),
        reason=f"{key} = {json_text(value)}: depends on the exact figure (>= {minimum})",
    )


def _where_list(keys: list[str]) -> Message:
    return Message(
        "list." + str(len(keys)),
        {f"item{i}": Message(f"fact.{k}.where") for i, k in enumerate(keys)},
    )


def _yes_no(code: str, key: str) -> Callable[[Facts, RuleSet], Outcome]:
    """A requirement decided by one yes/no fact."""

    def decide(facts: Facts, rules: RuleSet) -> Outcome:
        value = facts.get(key)
        if value is None:
            return _unknown(code, facts, (key,))
        if value:
            return Outcome(MET, Message(f"req.{code}.met"), reason=f"{key} = true")
        return Outcome(
            UNMET,
            Message(f"req.{code}.unmet"),
            Message(f"req.{code}.step"),
            reason=f"{key} = false",
            gap=Message(f"gap.{code}"),
        )

    return decide


def decide_support(facts: Facts, rules: RuleSet) -> Outcome:
    """RULES.md's decision table: the plan may only be bought after the credit check is passed."""
    first_line = facts.get("first_line_support")
    plan = facts.get("support_plan")
    credit = facts.get("credit_check_passed")
    if first_line is False:
        return Outcome(
            UNMET, Message("req.support.no_first_line"), Message("req.support.step_first_line"),
            reason="first_line_support = false", gap=Message("gap.support_first_line"),
        )  # fmt: skip
    if first_line is None:
        return _unknown("support", facts, ("first_line_support",))
    if plan in rules.qualifying_support_plans:
        return Outcome(
            MET, Message("req.support.met", {"plan": Message(f"plan.{plan}")}),
            reason=f"first_line_support = true, support_plan = {plan}",
        )  # fmt: skip
    if plan is None:
        return _unknown("support", facts, ("support_plan",))
    if credit:
        return Outcome(
            UNMET, Message("req.support.no_plan"), Message("req.support.step_buy_plan"),
            reason="support_plan = none, credit_check_passed = true", gap=Message("gap.support_plan"),
        )  # fmt: skip
    return Outcome(
        PENDING, Message("req.support.pending"), Message("req.support.step_wait_for_credit_check"),
        reason=f"support_plan = none, credit_check_passed = {'false' if credit is False else 'unknown'}",
    )  # fmt: skip


def decide_revenue(facts: Facts, rules: RuleSet) -> Outcome:
    revenue = facts.get("csp_revenue_usd")
    if revenue is None:
        return _unknown("revenue", facts, ("csp_revenue_usd",))
    minimum = rules.min_csp_revenue_usd
    params = {
        "revenue": shown_figure(revenue, Money),
        "minimum": Money(minimum),
        "window": rules.revenue_window_months,
    }
    met = at_least(revenue, minimum)
    if met is None:
        return _depends("revenue", "csp_revenue_usd", revenue, minimum, params)
    shown = json_text(revenue)
    if met:
        return Outcome(MET, Message("req.revenue.met", params), reason=f"{shown} >= {minimum}")
    # A span below the threshold is short by at least the gap from its high end.
    if isinstance(revenue, Span):
        short = Message("span.at_least", {"low": Money(minimum - revenue.high)})
    else:
        short = Money(minimum - revenue)
    gap = {"gap": short, **params}
    return Outcome(
        UNMET, Message("req.revenue.unmet", gap), Message("req.revenue.step", params),
        reason=f"{shown} < {minimum}", gap=Message("gap.revenue", gap),
    )  # fmt: skip


def decide_tenure(facts: Facts, rules: RuleSet) -> Outcome:
    months = facts.get("indirect_months")
    if months is None:
        return _unknown("csp_tenure", facts, ("indirect_months",))
    minimum = rules.min_indirect_months
    params = {"months": shown_figure(months), "minimum": minimum, "count": plural_count(months)}
    since = facts.get("indirect_since")  # known only with a point: the start month decides it
    if since is not None and months == minimum:
        # A start month without its day: in the month the tenure completes, it is complete from
        # the start day on, so the verdict cannot claim either (RULES.md, start months).
        boundary = {"since": Month(since), "month": Month(add_months(since, minimum)),
                    "minimum": minimum}  # fmt: skip
        return Outcome(
            UNKNOWN, Message("req.csp_tenure.depends_on_day", boundary),
            Message("req.csp_tenure.step_day", boundary),
            reason=f"indirect_since = {since:%Y-%m}: {minimum} months complete within this month",
        )  # fmt: skip
    met = at_least(months, minimum)
    if met is None:
        return _depends("csp_tenure", "indirect_months", months, minimum, params)
    shown = json_text(months)
    if met:
        return Outcome(MET, Message("req.csp_tenure.met", params), reason=f"{shown} >= {minimum}")
    # A span counts from its low end: the months still missing until the tenure is certain.
    missing = minimum - (lowest(months) or 0)
    gap: dict[str, Any] = {**params, "missing": missing, "count": missing}
    if since is not None:
        earliest = Month(add_months(since, minimum))
        detail = Message("req.csp_tenure.unmet_since", {**gap, "earliest": earliest})
    else:
        detail = Message("req.csp_tenure.unmet", gap)
    return Outcome(
        UNMET, detail, Message("req.csp_tenure.step"), reason=f"{shown} < {minimum}",
        gap=Message("gap.csp_tenure", {"count": missing}),
    )  # fmt: skip


def decide_managed_services(facts: Facts, rules: RuleSet) -> Outcome:
    count = facts.get("managed_services")
    if count is None:
        return _unknown("managed_services", facts, ("managed_services",))
    minimum = rules.min_managed_services
    met = at_least(count, minimum)
    if met is None:
        params = {"services": shown_figure(count)}
        return _depends("managed_services", "managed_services", count, minimum, params)
    shown = json_text(count)
    if met:
        return Outcome(
            MET,
            # A span has at least its low end in place.
            Message("req.managed_services.met", {"count": lowest(count)}),
            reason=f"{shown} >= {minimum}",
        )
    most = count.high if isinstance(count, Span) else count
    return Outcome(
        UNMET, Message("req.managed_services.unmet", {"count": minimum - most, "have": most}),
        Message("req.managed_services.step"), reason=f"{shown} < {minimum}",
        gap=Message("gap.managed_services", {"count": minimum - most}),
    )  # fmt: skip


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement(
        "partner_id", ("partner_id_active",), _yes_no("partner_id", "partner_id_active"),
    ),
    Requirement(
        "endorsement", ("signing_authority",), _yes_no("endorsement", "signing_authority"),
    ),
    Requirement(
        "support", ("first_line_support", "support_plan", "credit_check_passed"), decide_support,
        {"qualifying_support_plans": None},
    ),
    Requirement(
        "revenue", ("csp_revenue_usd",), decide_revenue,
        {"min_csp_revenue_usd": "csp_revenue_usd", "revenue_window_months": None,
         "revenue_basis": None},
    ),
    Requirement(
        "csp_tenure", ("indirect_months",), decide_tenure, {"min_indirect_months": "indirect_months"},
    ),
    Requirement(
        "accounts_receivable", ("billing_infrastructure",), _yes_no("accounts_receivable", "billing_infrastructure"),
    ),
    Requirement(
        "capabilities", ("capabilities",), _yes_no("capabilities", "capabilities"),
    ),
    Requirement(
        "managed_services", ("managed_services",), decide_managed_services, {"min_managed_services": "managed_services"},
    ),
    Requirement(
        "security_score", ("security_score_complete",),
        _yes_no("security_score", "security_score_complete"),
    ),
    Requirement(
        "solutions_partner", ("solutions_partner_designation",),
        _yes_no("solutions_partner", "solutions_partner_designation"),
    ),
)  # fmt: skip

BY_CODE = {r.code: r for r in REQUIREMENTS}


def requirements_of(rules: RuleSet) -> tuple[Requirement, ...]:
    """The requirements `rules` requires, in the order of its source."""
    try:
        return tuple(BY_CODE[code] for code in rules.requirements)
    except KeyError as missing:
        raise KeyError(f"rule set {rules.rules_version}: no rule for {missing}") from None


# The requirement codes of the rule set the product decides by (RULES.md's eight by default).
REQUIREMENT_CODES = current_ruleset().requirements


def probe_values(requirement: Requirement, key: str, rules: RuleSet) -> tuple[Any, ...]:
    """Values of an open fact that stand for every case its rule distinguishes."""
    spec = FACT_SPECS[key]
    if spec.kind == BOOL:
        return (True, False)
    if spec.kind == CHOICE:
        return spec.choices
    threshold = getattr(rules, requirement.thresholds[key])
    zero = Decimal(0) if isinstance(threshold, Decimal) else 0
    return (zero, threshold)


def numeric_threshold(key: str, rules: RuleSet) -> Decimal | int:
    """The rule set's threshold for the numeric fact `key` ("csp_revenue_usd" -> 300000)."""
    for requirement in requirements_of(rules):
        if key in requirement.thresholds:
            return getattr(rules, requirement.thresholds[key])
    raise KeyError(f"no requirement has a threshold for {key!r}")
