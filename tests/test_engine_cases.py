"""The engine against the shared case corpus (tests/cases)."""

from __future__ import annotations

import pytest

from bot.eligibility import FactError, Facts, evaluate, next_fact
from bot.eligibility.rules import current_ruleset, ruleset
from bot.i18n import LANGUAGES
from bot.texts import render_text
from tests.casebook import Case, load_cases


def check_verdict(case: Case, verdict) -> None:
    assert verdict.rules.rules_version == case.rules_version
    """Assert a verdict against a case's expectations; shared with the CLI tests."""
    expect = case.expect
    if "status" in expect:
        assert verdict.status == expect["status"]
    for code, status in (expect.get("requirements") or {}).items():
        assert verdict.result(code).status == status, code
    for code, by_lang in (expect.get("detail") or {}).items():
        for lang, fragment in by_lang.items():
            assert fragment in render_text(verdict.result(code).outcome.detail, lang, verdict.rules)
    if "warnings" in expect:
        assert [w.key.removeprefix("warning.") for w in verdict.warnings] == expect["warnings"]


@pytest.mark.parametrize("case", load_cases(errors=False), ids=lambda c: c.id)
def test_verdict_case(case: Case) -> None:
    facts = Facts.from_mapping(case.facts, as_of=case.as_of)
    rules = ruleset(case.rules_version)
    verdict = evaluate(facts, rules)
    check_verdict(case, verdict)
    if rules == current_ruleset():  # the rule set the product decides by is the default
        assert evaluate(facts).rules == rules
    if "next_fact" in case.expect:
        assert next_fact(facts, ruleset(case.rules_version)) == case.expect["next_fact"]


@pytest.mark.parametrize("case", load_cases(errors=True), ids=lambda c: c.id)
def test_refused_case(case: Case) -> None:
    with pytest.raises(FactError) as raised:
        Facts.from_mapping(case.facts, as_of=case.as_of)
    assert raised.value.fact == case.error
    for lang in LANGUAGES:
        text = render_text(raised.value.message, lang)
        assert case.error in text and "\n" not in text
