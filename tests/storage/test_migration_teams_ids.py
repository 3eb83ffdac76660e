"""Migration 0002_teams: stored Teams conversations move into the "teams:" namespace, on SQLite
and PostgreSQL, with Rasa's own tracker store writing the events as in production."""

from __future__ import annotations

import asyncio
import datetime as dt

from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.conversation import intents
from bot.eligibility import Facts, evaluate
from bot.storage import Repository, migrate
from tests.storage.conftest import all_rows, rasa_store, save_tracker

AAD = "6f1c2e9a-3b4d-4c5e-8f70-112233445566"
OTHER_AAD = "0a0b0c0d-1111-4222-8333-444455556666"
GROUP = f"{AAD}|19:abc@thread.v2"
BOT_FRAMEWORK_USER = "29:1AbCdEf"  # a Teams user without an Entra object id
REST_USER = "e2e-rest-1"
SQUATTED = f"teams:{OTHER_AAD}"  # typed by a REST caller before the namespace existed
BEFORE_TEAMS = "0001"


def conversation(sender: str, channel: str, text: str = "Wir haben 350.000 USD Umsatz"):
    tracker = DialogueStateTracker(sender, slots=[])
    for event in (
        ActionExecuted("action_listen"),
        UserUttered(
            text, intent={"name": intents.INFORM, "confidence": 0.9}, input_channel=channel
        ),
        BotUttered("Notiert."),
        ActionExecuted("action_listen"),
    ):
        tracker.update(event)
    return tracker


def fill(url: str) -> dict[str, DialogueStateTracker]:
    store = rasa_store(url)
    trackers = {
        AAD: conversation(AAD, "teams"),
        GROUP: conversation(GROUP, "teams"),
        BOT_FRAMEWORK_USER: conversation(BOT_FRAMEWORK_USER, "teams"),
        REST_USER: conversation(REST_USER, "rest"),
        SQUATTED: conversation(SQUATTED, "rest"),
    }
    try:
        for tracker in trackers.values():
            save_tracker(store, tracker)
    finally:
        store.engine.dispose()
    repo = Repository(url)
    try:
        verdict = evaluate(Facts.from_mapping({"indirect_months": 14}, as_of=dt.date(2026, 1, 5)))
        for sender, channel in ((AAD, "teams"), (GROUP, "teams"), (REST_USER, "rest")):
            repo.record_assessment(sender, channel, "de", verdict)
            repo.record_fact_change(sender, "indirect_months", None, 14, source_text="14 Monate")
        # An assessment whose events are gone (pruned) still names its channel.
        repo.record_assessment("b1b2b3b4-0000-4000-8000-000000000001", "teams", "en", verdict)
    finally:
        repo.dispose()
    return trackers


def ids(url: str) -> dict[str, set[str]]:
    rows = all_rows(url)
    return {
        "events": {r["sender_id"] for r in rows["events"]},
        "assessments": {r["conversation_id"] for r in rows["assessments"]},
        "fact_changes": {r["conversation_id"] for r in rows["fact_changes"]},
    }


def events_of(url: str, sender: str) -> list[dict]:
    store = rasa_store(url)
    try:
        tracker = asyncio.run(store.retrieve_full_tracker(sender))
    finally:
        store.engine.dispose()
    return [] if tracker is None else [e.as_dict() for e in tracker.events]


def test_teams_conversations_move_into_their_namespace_and_back(db_url: str) -> None:
    migrate.upgrade(db_url, BEFORE_TEAMS)
    trackers = fill(db_url)
    before = {sender: events_of(db_url, sender) for sender in trackers}

    migrate.upgrade(db_url)
    assert migrate.current_revision(db_url) == migrate.head_revision()
    moved = {
        AAD: f"teams:{AAD}",
        GROUP: f"teams:{GROUP}",
        BOT_FRAMEWORK_USER: f"teams:bf:{BOT_FRAMEWORK_USER}",
        REST_USER: REST_USER,
        SQUATTED: f"rest:{SQUATTED}",
    }
    assert ids(db_url) == {
        "events": set(moved.values()),
        "assessments": {
            f"teams:{AAD}",
            f"teams:{GROUP}",
            REST_USER,
            "teams:b1b2b3b4-0000-4000-8000-000000000001",
        },
        "fact_changes": {f"teams:{AAD}", f"teams:{GROUP}", REST_USER},
    }
    for old, new in moved.items():
        # Every event kept, in order, under the new id; nothing left under the old.
        assert events_of(db_url, new) == before[old]
        if old != new:
            assert events_of(db_url, old) == []

    migrate.downgrade(db_url, BEFORE_TEAMS)
    assert ids(db_url)["events"] == set(trackers)
    assert ids(db_url)["assessments"] == {
        AAD,
        GROUP,
        REST_USER,
        "b1b2b3b4-0000-4000-8000-000000000001",
    }
    for sender in trackers:
        assert events_of(db_url, sender) == before[sender]


def test_a_taken_id_is_left_alone(db_url: str) -> None:
    # A REST caller may already have spoken as "teams:<id>" and as "rest:teams:<id>": neither
    # conversation is merged into another.
    migrate.upgrade(db_url, BEFORE_TEAMS)
    store = rasa_store(db_url)
    try:
        save_tracker(store, conversation(AAD, "teams"))
        save_tracker(store, conversation(f"teams:{AAD}", "rest", text="squatted"))
        save_tracker(store, conversation(f"rest:teams:{AAD}", "rest", text="also squatted"))
    finally:
        store.engine.dispose()
    before = {s: events_of(db_url, s) for s in (AAD, f"teams:{AAD}", f"rest:teams:{AAD}")}
    migrate.upgrade(db_url)
    # The squatted "teams:" conversation could not move out (its target is taken) and the Teams
    # one could not move in: each keeps its own events.
    for sender, events in before.items():
        assert events_of(db_url, sender) == events


def test_a_database_without_rasa_events_migrates(db_url: str) -> None:
    migrate.upgrade(db_url, BEFORE_TEAMS)
    repo = Repository(db_url)
    try:
        verdict = evaluate(Facts.from_mapping({}, as_of=dt.date(2026, 1, 5)))
        repo.record_assessment(AAD, "teams", "de", verdict)
    finally:
        repo.dispose()
    migrate.upgrade(db_url)
    assert ids_without_events(db_url) == {f"teams:{AAD}"}
    migrate.downgrade(db_url, BEFORE_TEAMS)
    assert ids_without_events(db_url) == {AAD}


def ids_without_events(url: str) -> set[str]:
    rows = all_rows(url)
    assert "events" not in rows
    return {r["conversation_id"] for r in rows["assessments"]}
