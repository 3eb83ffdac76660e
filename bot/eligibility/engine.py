"""evaluate(facts) -> Verdict, next_fact(facts), and the verdict's payload and report."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.eligibility.facts import DONT_KNOW, QUESTION_ORDER, Facts, Span, json_value
from bot.eligibility.requirements import (
    MET,
    PENDING,
    UNKNOWN,
    UNMET,
    Outcome,
    Requirement,
    probe_values,
    requirements_of,
)
from bot.eligibility.rules import RuleSet, newest_ruleset, ruleset_for
from bot.i18n import Message, check_language
from bot.texts import render_text

ELIGIBLE, NOT_ELIGIBLE, INCOMPLETE = "eligible", "not_eligible", "incomplete"


@dataclass(frozen=True)
class RequirementResult:
    requirement: Requirement
    outcome: Outcome

    @property
    def code(self) -> str:
        return self.requirement.code

    @property
    def status(self) -> str:
        return self.outcome.status


@dataclass(frozen=True)
class Verdict:
    status: str
    rules: RuleSet
    facts: Facts
    results: tuple[RequirementResult, ...]
    warnings: tuple[Message, ...]
    # The same facts by the newest rule set in force, when this verdict was decided by another.
    comparison: Verdict | None = None

    def codes_with(self, status: str) -> list[str]:
        return [r.code for r in self.results if r.status == status]

    def result(self, code: str) -> RequirementResult:
        return next(r for r in self.results if r.code == code)

    def next_steps(self) -> list[Message]:
        """What to do, in order: each gap's step, then the application process when nothing blocks."""
        steps = [r.outcome.next_step for r in self.results if r.status in (UNMET, UNKNOWN)]
        waiting = [r.outcome.next_step for r in self.results if r.status == PENDING]
        if self.status == ELIGIBLE:
            process = [Message(f"process.{step}") for step in self.rules.process]
            # A step still waited for (the credit check before the plan) comes before the last one.
            steps += [*process[:-1], *waiting, *process[-1:]]
        else:
            steps += waiting
        if self.status == NOT_ELIGIBLE:
            steps.append(Message("process.check_again"))
        return [step for step in steps if step is not None]

    def explanation(self) -> list[dict[str, Any]]:
        """For each requirement: the facts and rule-set values that decided it, and how."""
        values = self.rules.values()
        return [
            {
                "code": r.code,
                "status": r.status,
                "source": r.requirement.source_reference(self.rules),
                "facts": {k: self._fact_state(k) for k in r.requirement.facts},
                "rules": {name: json_value(values[name]) for name in r.requirement.parameters},
                "decided_by": r.outcome.reason,
            }
            for r in self.results
        ]

    def _fact_state(self, key: str) -> Any:
        if self.facts.is_known(key):
            return json_value(self.facts.get(key))
        return DONT_KNOW if key in self.facts.dont_know else None

    def to_payload(self, lang: str, explain: bool = False) -> dict[str, Any]:
        """The verdict payload of CONTRACT.md §3, in `lang`."""
        check_language(lang)
        payload: dict[str, Any] = {
            "type": "eligibility_verdict",
            "status": self.status,
            "language": lang,
            "rules_version": self.rules.rules_version,
            "requirements": [
                {
                    "code": r.code,
                    "status": r.status,
                    "title": render_text(r.requirement.title, lang, self.rules),
                    "detail": render_text(r.outcome.detail, lang, self.rules),
                    "next_step": render_text(r.outcome.next_step, lang, self.rules)
                    if r.outcome.next_step
                    else None,
                }
                for r in self.results
            ],
            "unmet": self.codes_with(UNMET),
            "unknown": self.codes_with(UNKNOWN),
            "summary": render_text(Message(f"status.{self.status}"), lang, self.rules),
            "next_steps": [render_text(step, lang, self.rules) for step in self.next_steps()],
            "warnings": [render_text(w, lang, self.rules) for w in self.warnings],
            "facts": self.facts.to_json(),
            "dont_know": sorted(self.facts.dont_know),  # not an intent: a key of §3
            "as_of": self.facts.as_of.isoformat(),
        }
        if self.comparison is not None:
            other = self.comparison
            payload["comparison"] = {
                "rules_version": other.rules.rules_version,
                "status": other.status,
                "unmet": other.codes_with(UNMET),
                "unknown": other.codes_with(UNKNOWN),
            }
        if explain:
            payload["explanation"] = self.explanation()
        return payload


def _overall(statuses: list[str]) -> str:
    if UNMET in statuses:
        return NOT_ELIGIBLE
    if UNKNOWN in statuses:
        return INCOMPLETE
    return ELIGIBLE


def _warnings(facts: Facts, results: tuple[RequirementResult, ...]) -> tuple[Message, ...]:
    warnings = []
    support = next((r for r in results if r.code == "support"), None)
    # RULES.md's table: the warning belongs to its row "plan held, credit check not passed", which
    # meets the requirement; where first-line support is missing or open, that row is not reached.
    if support is not None and support.status == MET and facts.get("credit_check_passed") is False:
        warnings.append(Message("warning.plan_before_credit_check"))
    if facts.get("is_direct_bill_partner") and any(r.status == UNMET for r in results):
        warnings.append(Message("warning.existing_partner_at_risk"))
    return tuple(warnings)


def evaluate(
    facts: Facts | Mapping[str, Any], rules: RuleSet | None = None, *, compare: bool = True
) -> Verdict:
    """Decide every requirement and the overall status by one rule set (by default the one in
    force on the facts' date, `ruleset_for`); with `compare`, also by the newest rule set in force
    where that is another one."""
    facts = facts if isinstance(facts, Facts) else Facts.from_mapping(facts)
    rules = rules or ruleset_for(facts.as_of)
    newest = newest_ruleset(facts.as_of) if compare else rules
    comparison = None
    if newest.rules_version != rules.rules_version:
        comparison = evaluate(facts, newest, compare=False)
    results = tuple(
        RequirementResult(req, req.decide(facts, rules)) for req in requirements_of(rules)
    )
    statuses = [r.status for r in results]
    return Verdict(_overall(statuses), rules, facts, results, _warnings(facts, results), comparison)


def could_change(requirement: Requirement, key: str, facts: Facts, rules: RuleSet) -> bool:
    """Whether answering the open fact `key` can change the requirement's status.

    Its status with `key` left open counts too: an answer that turns "unknown" into "unmet" whichever
    way it goes still decides something. The requirement's other open facts are tried with every
    value (and left open), so a fact stays relevant while some combination of answers makes it matter.
    """
    others = [k for k in requirement.facts if k != key and facts.is_open(k)]
    choices = [(*probe_values(requirement, k, rules), None) for k in others]
    answers = probe_values(requirement, key, rules)
    for combination in itertools.product(*choices):
        base = facts.with_values(dict(zip(others, combination, strict=True)))
        statuses = {requirement.decide(base, rules).status}
        statuses |= {requirement.decide(base.with_values({key: v}), rules).status for v in answers}
        if len(statuses) > 1:
            return True
    return False


def relevant_open_facts(
    facts: Facts | Mapping[str, Any], rules: RuleSet | None = None
) -> list[str]:
    """Every open fact that could still change the verdict, in question order."""
    facts = facts if isinstance(facts, Facts) else Facts.from_mapping(facts)
    rules = rules or ruleset_for(facts.as_of)
    return [
        key
        for key in QUESTION_ORDER
        if facts.is_open(key)
        and any(
            could_change(r, key, facts, rules) for r in requirements_of(rules) if key in r.facts
        )
    ]


def undecided_spans(facts: Facts | Mapping[str, Any], rules: RuleSet | None = None) -> list[str]:
    """Facts known only as a span that a requirement of `rules` cannot decide, in question order:
    their exact figure would decide it ("rund 1 Mio. USD" by a USD 1M rule)."""
    facts = facts if isinstance(facts, Facts) else Facts.from_mapping(facts)
    rules = rules or ruleset_for(facts.as_of)
    return [
        key
        for key in QUESTION_ORDER
        if isinstance(facts.get(key), Span)
        and any(
            r.decide(facts, rules).status == UNKNOWN
            for r in requirements_of(rules)
            if key in r.facts
        )
    ]


def next_fact(facts: Facts | Mapping[str, Any], rules: RuleSet | None = None) -> str | None:
    """The fact to ask next, in question order: an open one that can change the verdict, or one
    known only as a span that `rules` cannot decide (asked for its exact figure); None when
    neither is left. A span `rules` decides is known like any value and never asked."""
    facts = facts if isinstance(facts, Facts) else Facts.from_mapping(facts)
    rules = rules or ruleset_for(facts.as_of)
    asked = set(relevant_open_facts(facts, rules)) | set(undecided_spans(facts, rules))
    return next((key for key in QUESTION_ORDER if key in asked), None)
