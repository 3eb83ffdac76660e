"""Faults with the real processes, on a PostgreSQL cluster of the tests' own (`pg_assistant`): the
action server and the Rasa server SIGKILLed and restarted, the database stopped and started again.
Each time the user gets an answer (never silence, never a 5xx) and no fact confirmed to the user is lost. The
servers' log, written through all of it, holds none of the secrets they were given and none of
the words a partner wrote while a statement failed."""

from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path

from bot.texts import CATALOG
from tests.e2e.conftest import (
    ENGLISH_START,
    GERMAN_REVENUE,
    GERMAN_START,
    PG_TURN_TIMEOUT,
    TOKEN,
    Assistant,
    ask,
    texts,
    verdicts,
)
from tests.fake_botframework import APP_PASSWORD
from tests.pg_cluster import PostgresCluster


def guard_text(key: str, lang: str) -> str:
    # The start of the guard's answer (the text quotes a number only in "too_long").
    return CATALOG[f"guard.{key}"][lang].split("–")[0].strip()


def slots(assistant: Assistant, sender: str) -> dict:
    return assistant.tracker(sender)["slots"]


# A partner's words sent while the database is down: the failed statements that carried them
# must not carry them into the log.
PARTNERS_WORDS = "Vertraulich-" + uuid.uuid4().hex


def new_sender(kind: str) -> str:
    return f"fault-{kind}-{uuid.uuid4().hex[:8]}"


def test_the_action_server_killed_and_restarted(pg_assistant: Assistant) -> None:
    sender = new_sender("actions")
    pg_assistant.say(sender, ENGLISH_START)
    assert slots(pg_assistant, sender)["csp_revenue_usd"] == 350000
    pg_assistant.kill_action_server()
    try:
        replies = pg_assistant.say(sender, ask("What do I still lack?"))  # say() asserts HTTP 200
        assert guard_text("unavailable", "en") in texts(replies)
        assert not verdicts(replies)
    finally:
        pg_assistant.restart_action_server()
    [verdict] = verdicts(pg_assistant.say(sender, ask("What do I still lack?")))
    assert verdict["facts"]["csp_revenue_usd"] == 350000
    assert verdict["facts"]["indirect_months"] == 14


def test_a_hanging_action_server_is_answered_at_the_turn_timeout(pg_assistant: Assistant) -> None:
    sender = new_sender("hanging")
    pg_assistant.say(sender, ENGLISH_START)
    action_server = pg_assistant.servers.action_server.pid
    os.kill(action_server, signal.SIGSTOP)  # it accepts connections and never answers
    try:
        started = time.monotonic()
        replies = pg_assistant.say(sender, ask("What do I still lack?"))
        waited = time.monotonic() - started
    finally:
        os.kill(action_server, signal.SIGCONT)
    assert guard_text("unavailable", "en") in texts(replies)
    assert PG_TURN_TIMEOUT <= waited < PG_TURN_TIMEOUT + 30
    [verdict] = verdicts(pg_assistant.say(sender, ask("What do I still lack?")))
    assert verdict["facts"]["csp_revenue_usd"] == 350000


def test_the_rasa_server_killed_and_restarted_loses_no_confirmed_fact(
    pg_assistant: Assistant,
) -> None:
    sender = new_sender("rasa")
    confirmed = pg_assistant.say(
        sender, "We made USD 350,000 in CSP revenue over the last 12 months"
    )
    assert "350,000" in texts(confirmed), "the fact was confirmed to the user"
    pg_assistant.kill_rasa_server()  # at once: nothing gets time to write anything later
    pg_assistant.restart_rasa_server()
    [verdict] = verdicts(pg_assistant.say(sender, ask("What do I still lack?")))
    assert verdict["facts"]["csp_revenue_usd"] == 350000


def test_the_database_stopped_and_started_again(
    pg_assistant: Assistant, pg_cluster: PostgresCluster
) -> None:
    sender = new_sender("database")
    pg_assistant.say(sender, GERMAN_START)
    assert slots(pg_assistant, sender)["indirect_months"] == 14
    pg_cluster.stop()
    try:
        replies = pg_assistant.say(sender, f"{GERMAN_REVENUE} ({PARTNERS_WORDS})")
        assert guard_text("storage_unavailable", "de") in texts(replies)
    finally:
        pg_cluster.start()
    # The first message after the database is back is handled: nothing needed a restart.
    replies = pg_assistant.say(sender, GERMAN_REVENUE)
    assert guard_text("storage_unavailable", "de") not in texts(replies)
    facts = slots(pg_assistant, sender)
    assert facts["indirect_months"] == 14 and facts["csp_revenue_usd"] == 350000
    assert facts["language"] == "de"


def test_the_log_of_all_this_holds_no_secret_and_no_partners_words(
    pg_assistant: Assistant, pg_cluster: PostgresCluster, pg_log: Path
):
    written = pg_log.read_text("utf-8", errors="replace")
    # The log is the servers' own, with the failures above in it.
    assert "unavailable" in written and "storage_unavailable" in written
    for secret in (TOKEN, pg_cluster.password, APP_PASSWORD, PARTNERS_WORDS):
        assert secret not in written
