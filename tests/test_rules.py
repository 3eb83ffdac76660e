"""The versioned rule set: the one place a requirement's numbers live."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from bot.eligibility import current_ruleset, evaluate
from bot.eligibility.rules import all_rulesets, ruleset


def test_shipped_rule_set_is_the_seed_table() -> None:
    rules = current_ruleset()
    assert rules.rules_version
    assert rules.min_csp_revenue_usd == Decimal(300_000)
    assert rules.revenue_window_months == 12
    assert rules.min_indirect_months == 12
    assert rules.min_managed_services == 1
    assert rules.qualifying_support_plans == ("asfp", "psfp")
    assert rules.source.endswith("000_76fae18cfbd567c1.txt")


def test_versions_are_unique_and_resolvable() -> None:
    versions = [rs.rules_version for rs in all_rulesets()]
    assert len(versions) == len(set(versions))
    assert all(ruleset(v).rules_version == v for v in versions)
    with pytest.raises(KeyError):
        ruleset("no-such-version")


def test_a_new_rule_set_changes_the_verdict_and_is_named_in_it() -> None:
    stricter = dataclasses.replace(
        current_ruleset(), rules_version="fy26-test", min_csp_revenue_usd=Decimal(1_000_000)
    )
    facts = {"csp_revenue_usd": 350_000}
    assert evaluate(facts).result("revenue").status == "met"
    verdict = evaluate(facts, stricter)
    assert verdict.result("revenue").status == "unmet"
    payload = verdict.to_payload("en")
    assert payload["rules_version"] == "fy26-test"
    assert "USD 650,000 short" in payload["requirements"][3]["detail"]


def test_the_rule_set_is_chosen_by_date_unless_one_is_pinned() -> None:
    import datetime as dt

    from bot.eligibility.rules import choose_ruleset

    seed = current_ruleset()
    later = dataclasses.replace(
        seed, rules_version="later", effective_from=dt.date(2025, 10, 1),
        min_csp_revenue_usd=Decimal(1_000_000),
    )  # fmt: skip
    sets = [seed, later]
    assert choose_ruleset(sets, dt.date(2025, 9, 30), None) is seed
    assert choose_ruleset(sets, dt.date(2025, 10, 1), None) is later
    assert choose_ruleset(sets, dt.date(2026, 12, 1), "seed-000-usd300k") is seed
    with pytest.raises(LookupError):
        choose_ruleset(sets, dt.date(2020, 1, 1), None)
    with pytest.raises(KeyError):
        choose_ruleset(sets, dt.date(2026, 1, 1), "no-such-version")


def test_the_setting_pins_the_rule_set_every_verdict_uses(monkeypatch) -> None:
    from bot.eligibility.rules import PIN_SETTING, ruleset_for

    monkeypatch.setenv(PIN_SETTING, "seed-000-usd300k")
    assert ruleset_for().rules_version == "seed-000-usd300k"
    assert evaluate({"csp_revenue_usd": 1}).rules.rules_version == "seed-000-usd300k"
    monkeypatch.setenv(PIN_SETTING, "no-such-version")
    with pytest.raises(KeyError):
        evaluate({"csp_revenue_usd": 1})


def test_every_rule_set_parameter_is_declared_by_exactly_one_requirement() -> None:
    from bot.eligibility import REQUIREMENTS

    declared = [name for r in REQUIREMENTS for name in r.parameters]
    assert sorted(declared) == sorted(current_ruleset().values())
    for requirement in REQUIREMENTS:
        for fact in requirement.thresholds:
            assert fact in requirement.facts, (requirement.code, fact)


def test_a_verdict_quotes_and_cites_the_rule_set_it_used() -> None:
    from bot.eligibility import render_report

    other = dataclasses.replace(
        current_ruleset(), rules_version="other", source="elsewhere.txt", revenue_window_months=6
    )
    verdict = evaluate({}, other)
    assert "last 6 months" in verdict.to_payload("en")["requirements"][3]["detail"]
    assert "letzten 6 Monate" in render_report(verdict, "de")
    assert all(item["source"].startswith("elsewhere.txt") for item in verdict.explanation())
