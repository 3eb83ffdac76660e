"""Conversations survive a restart of both servers; every verdict is stored."""

from __future__ import annotations

import uuid

from bot.storage import Repository
from tests.e2e.conftest import Assistant, ask, texts, verdicts


def test_facts_survive_a_restart_and_both_verdicts_are_stored(model, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'restart.db'}"
    sender = "restart-" + uuid.uuid4().hex[:8]
    first = Assistant(url, model).start()
    try:
        first.say(sender, "We made USD 350,000 in CSP revenue over the last 12 months")
        first.say(sender, "We have been an indirect reseller for 14 months")
        [before] = verdicts(first.say(sender, ask("What do I still lack?")))
    finally:
        first.stop()
    assert before["facts"]["csp_revenue_usd"] == 350000 and before["facts"]["indirect_months"] == 14

    second = Assistant(url, model).start()
    try:
        replies = second.say(sender, ask("What do I still lack?"))
    finally:
        second.stop()
    [after] = verdicts(replies)
    assert after["facts"]["csp_revenue_usd"] == 350000 and after["facts"]["indirect_months"] == 14
    assert {"revenue", "csp_tenure"}.isdisjoint(after["unknown"])
    assert "What is still open:" in texts(replies)

    stored = Repository(url).list_assessments(conversation_id=sender)
    assert len(stored) == 2
    assert all(a.facts["csp_revenue_usd"] == 350000 for a in stored)
    assert [a.status for a in stored] == [after["status"], before["status"]]
