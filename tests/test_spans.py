"""Facts known only as a span: one codec for slots, payloads and files, and a decision per rule set
that agrees with deciding every value in the span."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cli import main
from bot.conversation.turn import facts_from_slots
from bot.eligibility import FactError, Facts, Span, evaluate, render_report
from bot.eligibility.facts import json_value, validate_fact
from bot.eligibility.rules import all_rulesets
from tests.test_texts import ENGLISH_WORDS, GERMAN_WORDS, words

AS_OF = dt.date(2026, 11, 25)
NUMERIC = {"csp_revenue_usd": "revenue", "indirect_months": "csp_tenure",
           "managed_services": "managed_services"}  # fmt: skip


@pytest.mark.parametrize(
    ("fact", "written", "value"),
    [
        ("csp_revenue_usd", 350000, Decimal(350000)),
        ("csp_revenue_usd", 299999.99, Decimal("299999.99")),
        ("csp_revenue_usd", {"low": 900000, "high": 1100000}, Span(Decimal(900000), Decimal(1100000))),
        ("csp_revenue_usd", {"low": 310000, "high": None}, Span(Decimal(310000), None)),
        ("csp_revenue_usd", {"low": None, "high": 299999.99}, Span(None, Decimal("299999.99"))),
        ("indirect_months", 14, 14),
        ("indirect_months", {"low": 13, "high": 15}, Span(13, 15)),
        ("managed_services", {"low": 2, "high": None}, Span(2, None)),
    ],
)  # fmt: skip
def test_the_codec_round_trips_points_and_spans(fact, written, value) -> None:
    assert validate_fact(fact, written, AS_OF) == value
    assert json_value(value) == written  # slot, payload and database form alike
    assert validate_fact(fact, json_value(value), AS_OF) == value
    # Slots -> facts -> verdict payload -> facts again.
    facts = facts_from_slots({fact: written}, AS_OF)
    assert facts.get(fact) == value
    payload = evaluate(facts).to_payload("en")
    assert payload["facts"][fact] == written
    assert Facts.from_mapping(payload["facts"], as_of=AS_OF).get(fact) == value
    assert json.loads(json.dumps(payload["facts"]))[fact] == written


def test_a_span_of_one_value_is_stored_as_that_point() -> None:
    assert json_value(validate_fact("csp_revenue_usd", {"low": 5, "high": 5.0}, AS_OF)) == 5


@pytest.mark.parametrize(
    "written",
    [{"low": 3, "high": 2}, {"low": None, "high": None}, {"low": 1}, {"from": 1, "to": 2},
     {"low": True, "high": 3}, {"low": "1", "high": 3}, {"low": -1, "high": 3}],
)  # fmt: skip
def test_a_malformed_span_is_refused_naming_the_fact(written) -> None:
    with pytest.raises(FactError) as refused:
        validate_fact("managed_services", written, AS_OF)
    assert refused.value.fact == "managed_services"


def _status(fact: str, value, rules) -> str:
    verdict = evaluate(Facts.from_mapping({fact: value}, as_of=AS_OF), rules, compare=False)
    return verdict.result(NUMERIC[fact]).status


def _end(fact: str):
    if fact == "csp_revenue_usd":
        return st.decimals(0, 2_000_000, places=2, allow_nan=False, allow_infinity=False)
    return st.integers(0, 30)


@pytest.mark.parametrize("rules", all_rulesets(), ids=lambda r: r.rules_version)
@pytest.mark.parametrize("fact", list(NUMERIC))
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_span_is_decided_as_every_value_in_it_would_be(rules, fact, data) -> None:
    if NUMERIC[fact] not in rules.requirements:
        return
    low, high = sorted((data.draw(_end(fact)), data.draw(_end(fact))))
    at_low, at_high = _status(fact, low, rules), _status(fact, high, rules)
    # The rules are ">= threshold": the ends decide for every value between them.
    expected = at_low if at_low == at_high else "unknown"
    assert _status(fact, {"low": json_value(low), "high": json_value(high)}, rules) == expected


@settings(max_examples=60, deadline=None)
@given(
    low=st.integers(0, 1_500_000),
    width=st.integers(1, 900_000),
    months=st.one_of(st.integers(0, 30), st.none()),
    open_end=st.sampled_from(["none", "low", "high"]),
)
def test_a_verdict_on_spans_speaks_only_its_language(low, width, months, open_end) -> None:
    revenue = {"low": None if open_end == "low" else low,
               "high": None if open_end == "high" else low + width}  # fmt: skip
    raw = {"csp_revenue_usd": revenue, "managed_services": {"low": 0, "high": 3}}
    if months is not None:
        raw["indirect_months"] = {"low": months, "high": months + 4}
    verdict = evaluate(Facts.from_mapping(raw, as_of=AS_OF))
    german, english = (words(render_report(verdict, lang)) for lang in ("de", "en"))
    assert not german & ENGLISH_WORDS and not english & GERMAN_WORDS


def test_the_cli_reads_a_span_and_prints_it_back(monkeypatch, capsys) -> None:
    facts = {"csp_revenue_usd": {"low": 900000, "high": 1100000}, "indirect_months": 14}
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(facts)))
    assert main(["check", "-", "--json", "--compare", "--rules", "seed-000-usd300k"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["facts"]["csp_revenue_usd"] == {"low": 900000, "high": 1100000}
    assert "revenue" not in payload["unknown"]
    assert "revenue" in payload["comparison"]["unknown"]
    monkeypatch.setattr("sys.stdin", io.StringIO('{"csp_revenue_usd": {"low": 2, "high": 1}}'))
    assert main(["check", "-", "--json"]) == 2
    out = capsys.readouterr()
    assert out.out == "" and "csp_revenue_usd" in out.err and "\n" not in out.err.rstrip("\n")
