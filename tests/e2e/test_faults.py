"""Faults with the real processes, on a PostgreSQL cluster of this module's own: the action server
and the Rasa server SIGKILLed and restarted, the database stopped and started again. Each time the
user gets an answer (never silence, never a 5xx) and no fact confirmed to the user is lost. The
servers' log, written through all of it, holds none of the secrets they were given."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.texts import CATALOG
from tests.e2e.conftest import (
    ENGLISH_START,
    GERMAN_REVENUE,
    GERMAN_START,
    TOKEN,
    Assistant,
    ask,
    free_port,
    texts,
    verdicts,
)
from tests.fake_botframework import APP_PASSWORD, FakeBotFramework
from tests.pg_cluster import PostgresCluster


@pytest.fixture(scope="module")
def cluster() -> Iterator[PostgresCluster]:
    own = PostgresCluster(free_port()).init()
    own.start()
    yield own
    own.remove()


@pytest.fixture(scope="module")
def log(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("faults") / "servers.log"


@pytest.fixture(scope="module")
def faulty(
    model: Path, cluster: PostgresCluster, log: Path, botframework: FakeBotFramework
) -> Iterator[Assistant]:
    running = Assistant(cluster.url, model, env=botframework.env(), log=log).start()
    yield running
    running.stop()


def guard_text(key: str, lang: str) -> str:
    # The start of the guard's answer (the text quotes a number only in "too_long").
    return CATALOG[f"guard.{key}"][lang].split("–")[0].strip()


def slots(assistant: Assistant, sender: str) -> dict:
    return assistant.tracker(sender)["slots"]


def new_sender(kind: str) -> str:
    return f"fault-{kind}-{uuid.uuid4().hex[:8]}"


def test_the_action_server_killed_and_restarted(faulty: Assistant) -> None:
    sender = new_sender("actions")
    faulty.say(sender, ENGLISH_START)
    assert slots(faulty, sender)["csp_revenue_usd"] == 350000
    faulty.kill_action_server()
    try:
        replies = faulty.say(sender, ask("What do I still lack?"))  # say() asserts HTTP 200
        assert guard_text("unavailable", "en") in texts(replies)
        assert not verdicts(replies)
    finally:
        faulty.restart_action_server()
    [verdict] = verdicts(faulty.say(sender, ask("What do I still lack?")))
    assert verdict["facts"]["csp_revenue_usd"] == 350000
    assert verdict["facts"]["indirect_months"] == 14


def test_the_rasa_server_killed_and_restarted_loses_no_confirmed_fact(faulty: Assistant) -> None:
    sender = new_sender("rasa")
    confirmed = faulty.say(sender, "We made USD 350,000 in CSP revenue over the last 12 months")
    assert "350,000" in texts(confirmed), "the fact was confirmed to the user"
    faulty.kill_rasa_server()  # at once: nothing gets time to write anything later
    faulty.restart_rasa_server()
    [verdict] = verdicts(faulty.say(sender, ask("What do I still lack?")))
    assert verdict["facts"]["csp_revenue_usd"] == 350000


def test_the_database_stopped_and_started_again(
    faulty: Assistant, cluster: PostgresCluster
) -> None:
    sender = new_sender("database")
    faulty.say(sender, GERMAN_START)
    assert slots(faulty, sender)["indirect_months"] == 14
    cluster.stop()
    try:
        replies = faulty.say(sender, GERMAN_REVENUE)
        assert guard_text("storage_unavailable", "de") in texts(replies)
    finally:
        cluster.start()
    # The first message after the database is back is handled: nothing needed a restart.
    replies = faulty.say(sender, GERMAN_REVENUE)
    assert guard_text("storage_unavailable", "de") not in texts(replies)
    facts = slots(faulty, sender)
    assert facts["indirect_months"] == 14 and facts["csp_revenue_usd"] == 350000
    assert facts["language"] == "de"


def test_the_log_of_all_this_holds_no_secret(
    faulty: Assistant, cluster: PostgresCluster, log: Path
):
    written = log.read_text("utf-8", errors="replace")
    # The log is the servers' own, with the failures above in it.
    assert "unavailable" in written and "storage_unavailable" in written
    for secret in (TOKEN, cluster.password, APP_PASSWORD):
        assert secret not in written
