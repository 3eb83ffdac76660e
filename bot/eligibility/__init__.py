"""The eligibility engine: one implementation of RULES.md for the actions, the CLI and the tests."""

from bot.eligibility.engine import (
    ELIGIBLE,
    INCOMPLETE,
    NOT_ELIGIBLE,
    RequirementResult,
    Verdict,
    evaluate,
    next_fact,
    relevant_open_facts,
    undecided_spans,
)
from bot.eligibility.facts import DONT_KNOW, FACT_SPECS, QUESTION_ORDER, FactError, Facts, Span
from bot.eligibility.report import render_gaps, render_report
from bot.eligibility.requirements import (
    MET,
    PENDING,
    REQUIREMENT_CODES,
    REQUIREMENTS,
    UNKNOWN,
    UNMET,
)
from bot.eligibility.rules import RuleSet, current_ruleset

__all__ = [
    "DONT_KNOW", "ELIGIBLE", "FACT_SPECS", "INCOMPLETE", "MET", "NOT_ELIGIBLE", "PENDING",
    "QUESTION_ORDER", "REQUIREMENTS", "REQUIREMENT_CODES", "UNKNOWN", "UNMET", "FactError", "Facts",
    "RequirementResult", "RuleSet", "Span", "Verdict", "current_ruleset", "evaluate", "next_fact",
    "relevant_open_facts", "render_gaps", "render_report", "undecided_spans",
]  # fmt: skip
