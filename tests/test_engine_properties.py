"""Invariants of the engine over generated facts (hypothesis), for every rule set."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.eligibility import (
    DONT_KNOW,
    NOT_ELIGIBLE,
    Facts,
    evaluate,
    next_fact,
    relevant_open_facts,
)
from bot.eligibility.facts import MAX_INDIRECT_MONTHS, MAX_MANAGED_SERVICES, SUPPORT_PLANS
from bot.eligibility.rules import RuleSet, all_rulesets

AS_OF = dt.date(2026, 11, 25)
unknown = st.sampled_from([None, DONT_KNOW])
yes_no = st.one_of(st.booleans(), unknown)
revenue = st.one_of(
    st.decimals(min_value=0, max_value=2_000_000, places=2, allow_nan=False, allow_infinity=False),
    unknown,
)
months = st.one_of(st.integers(0, MAX_INDIRECT_MONTHS), unknown)
services = st.one_of(st.integers(0, MAX_MANAGED_SERVICES), unknown)

raw_facts = st.fixed_dictionaries(
    {},
    optional={
        "partner_id_active": yes_no,
        "signing_authority": yes_no,
        "first_line_support": yes_no,
        "support_plan": st.one_of(st.sampled_from(SUPPORT_PLANS), unknown),
        "credit_check_passed": yes_no,
        "csp_revenue_usd": revenue,
        "indirect_months": months,
        "billing_infrastructure": yes_no,
        "capabilities": yes_no,
        "managed_services": services,
        "is_direct_bill_partner": yes_no,
        "security_score_complete": yes_no,
        "solutions_partner_designation": yes_no,
    },
)
every_rule_set = pytest.mark.parametrize("rules", all_rulesets(), ids=lambda r: r.rules_version)


def facts_of(raw: dict) -> Facts:
    return Facts.from_mapping(raw, as_of=AS_OF)


@every_rule_set
@settings(max_examples=300)
@given(raw=raw_facts)
def test_not_eligible_exactly_when_some_requirement_is_unmet(rules: RuleSet, raw: dict) -> None:
    verdict = evaluate(facts_of(raw), rules)
    assert (verdict.status == NOT_ELIGIBLE) == any(r.status == "unmet" for r in verdict.results)
    assert [r.code for r in verdict.results] == list(rules.requirements)


@every_rule_set
@settings(max_examples=300)
@given(
    raw=raw_facts,
    more_revenue=st.decimals(0, 1_000_000, places=2),
    more_months=st.integers(0, 120),
    more_services=st.integers(0, 50),
)
def test_improving_a_number_never_turns_met_into_unmet(
    rules, raw, more_revenue, more_months, more_services
):
    before = facts_of(raw)
    improved = before.with_values(
        {
            key: before.get(key) + extra
            for key, extra in (
                ("csp_revenue_usd", Decimal(more_revenue)),
                ("indirect_months", more_months),
                ("managed_services", more_services),
            )
            if before.is_known(key)
        }
    )
    old, new = evaluate(before, rules), evaluate(improved, rules)
    for old_result, new_result in zip(old.results, new.results, strict=True):
        if old_result.status == "met":
            assert new_result.status == "met", old_result.code


@every_rule_set
@settings(max_examples=300)
@given(raw=raw_facts)
def test_next_fact_is_never_known_or_dont_know(rules: RuleSet, raw: dict) -> None:
    facts = facts_of(raw)
    asked = next_fact(facts, rules)
    if asked is not None:
        assert not facts.is_known(asked) and asked not in facts.dont_know
        assert asked == relevant_open_facts(facts, rules)[0]
        # Only a fact one of the rule set's requirements reads is asked.
        assert any(asked in r.requirement.facts for r in evaluate(facts, rules).results)


@every_rule_set
@settings(max_examples=200)
@given(raw=raw_facts)
def test_answering_every_question_ends_with_a_final_verdict(rules: RuleSet, raw: dict) -> None:
    """Asking next_fact until none is left never leaves a requirement unknown through an open fact."""
    facts = facts_of(raw)
    for _ in range(20):
        key = next_fact(facts, rules)
        if key is None:
            break
        answer = {"csp_revenue_usd": rules.min_csp_revenue_usd, "indirect_months": 12, "managed_services": 1,
                  "support_plan": "asfp"}.get(key, True)  # fmt: skip
        facts = facts.with_values({key: answer})
    else:
        raise AssertionError("the questions did not end")
    verdict = evaluate(facts, rules)
    for result in verdict.results:
        if result.status == "unknown":
            assert any(k in facts.dont_know for k in result.requirement.facts), result.code
