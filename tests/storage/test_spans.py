"""A fact known only as a span goes into the database in the same JSON form as into the slots and
the payload ({"low", "high"}), and comes back out as the same span: for the staff's lookup, the
audit trail and what-if, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

from bot.cli import main
from bot.eligibility import Facts, Span, evaluate
from bot.eligibility.rules import ruleset
from bot.storage import Repository, migrate
from bot.storage.report import render_assessment
from bot.storage.what_if import what_if
from tests.storage.test_what_if import SEED_MET

AS_OF = dt.date(2026, 11, 2)
SPAN = {"low": 900000, "high": 1100000}
FY26_MET = {"security_score_complete": True, "solutions_partner_designation": True}


def test_a_span_fact_round_trips_through_the_database(repo: Repository) -> None:
    before = Facts.from_mapping({"csp_revenue_usd": 350000}, as_of=AS_OF)
    after = Facts.from_mapping({**SEED_MET, **FY26_MET, "csp_revenue_usd": SPAN}, as_of=AS_OF)
    [change] = [
        c
        for c in repo.record_fact_diff("spanned", before, after, source_text="900k bis 1,1 Mio.")
        if c.fact == "csp_revenue_usd"
    ]
    assert (change.old_value, change.new_value) == (350000, SPAN)
    repo.record_assessment("spanned", "rest", "en", evaluate(after))

    [stored] = repo.list_assessments(conversation_id="spanned")
    assert stored.facts["csp_revenue_usd"] == SPAN and stored.status == "eligible"
    assert [c.new_value for c in repo.fact_changes("spanned") if c.fact == "csp_revenue_usd"] == [
        SPAN
    ]
    # The stored form reads back as the very span the verdict was decided from.
    again = Facts.from_mapping(stored.facts, as_of=stored.as_of)
    assert again.get("csp_revenue_usd") == Span(900000, 1100000) == after.get("csp_revenue_usd")
    assert 'csp_revenue_usd={"low": 900000, "high": 1100000}' in render_assessment(stored, "en")

    # What-if by FY26: the span no longer decides the revenue.
    [decided] = what_if(repo.list_assessments(), ruleset("fy26-usd1m"))
    assert decided.status == "incomplete" and decided.unknown == ["revenue"]


def test_what_if_reads_stored_spans(db_url: str, clock, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    migrate.upgrade(db_url)
    repo = Repository(db_url, clock=clock)
    facts = Facts.from_mapping({**SEED_MET, **FY26_MET, "csp_revenue_usd": SPAN}, as_of=AS_OF)
    repo.record_assessment("spanned", "rest", "en", evaluate(facts))
    repo.dispose()
    assert main(["what-if", "--rules", "fy26-usd1m", "--json"]) == 0
    [entry] = json.loads(capsys.readouterr().out)["changed"]
    assert entry["status"] == "eligible"
    assert entry["what_if"] == {
        "rules_version": "fy26-usd1m", "status": "incomplete", "unmet": [], "unknown": ["revenue"],
    }  # fmt: skip
