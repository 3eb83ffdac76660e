"""Deletion: after `forget`, nothing of the conversation is left in any table; others stay."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import psycopg2
import pytest
from psycopg2 import sql
from rasa.core.tracker_store import SQLTrackerStore, create_tracker_store
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.utils.endpoints import EndpointConfig

from bot.conversation import intents
from bot.eligibility import Facts, evaluate
from bot.storage import Repository
from bot.storage.tracker_store import ForgettingSQLTrackerStore
from tests.storage.conftest import all_rows, rasa_conversation, rasa_store, save_tracker

AS_OF = dt.date(2025, 3, 1)
# Distinctive enough that finding it anywhere in a dump of the database means it was left behind.
FORGOTTEN = "forget-me-7f3a 'Grüße' <b>🙂</b>"
KEPT = "keep-me-19c2"


def verdict(**facts):
    return evaluate(Facts.from_mapping(facts, as_of=AS_OF))


def fill(repo: Repository, conversation_id: str) -> None:
    repo.record_assessment(conversation_id, "rest", "de", verdict(indirect_months=8))
    repo.record_assessment(
        conversation_id, "rest", "de", verdict(indirect_months=14, partner_id="4711")
    )
    repo.record_fact_change(conversation_id, "indirect_months", 8, 14, source_text="14 Monate")
    repo.record_fact_changes(conversation_id, {}, {"partner_id": "4711", "country": "DE"})


def mentions(rows: dict[str, list[dict]], needle: str) -> list[tuple[str, dict]]:
    """Every row, in any table and any column, whose content contains `needle`."""
    found = []
    for table, table_rows in rows.items():
        for row in table_rows:
            dumped = json.dumps(row, ensure_ascii=False, default=str)
            # Rasa's event data is JSON text with \\u escapes; compare in both spellings.
            if needle in dumped or json.dumps(needle)[1:-1] in dumped:
                found.append((table, row))
    return found


def test_forget_leaves_nothing_of_the_conversation_in_any_table(
    repo: Repository, migrated_url: str
) -> None:
    store = rasa_store(migrated_url)
    forgotten_tracker = rasa_conversation(FORGOTTEN, text=f"Ich bin {FORGOTTEN}")
    save_tracker(store, forgotten_tracker)
    save_tracker(store, rasa_conversation(KEPT))
    fill(repo, FORGOTTEN)
    fill(repo, KEPT)
    before = all_rows(migrated_url)
    assert mentions(before, FORGOTTEN)  # the check below can see the conversation when it is there

    counts = repo.forget(FORGOTTEN)

    assert counts == {
        "assessments": 2,
        "fact_changes": 3,
        "events": len(forgotten_tracker.events),
    }
    after = all_rows(migrated_url)
    assert mentions(after, FORGOTTEN) == []
    # The other conversation is untouched, row for row.
    for table in ("assessments", "fact_changes", "events"):
        kept_before = [r for r in before[table] if KEPT in json.dumps(r, default=str)]
        kept_after = [r for r in after[table] if KEPT in json.dumps(r, default=str)]
        assert kept_after == kept_before and kept_after
    assert asyncio.run(store.retrieve(FORGOTTEN)) is None
    assert asyncio.run(store.retrieve(KEPT)) is not None
    store.engine.dispose()

    # Forgetting again finds nothing more to delete.
    assert repo.forget(FORGOTTEN) == {"assessments": 0, "fact_changes": 0, "events": 0}


def test_forget_without_rasa_events_table_reports_only_own_tables(repo: Repository) -> None:
    fill(repo, FORGOTTEN)
    assert repo.forget(FORGOTTEN) == {"assessments": 2, "fact_changes": 3}
    assert repo.list_assessments() == [] and repo.fact_changes(FORGOTTEN) == []


@pytest.mark.postgres
def test_forget_finds_rasa_events_in_its_postgresql_schema(
    postgres_database: str, monkeypatch
) -> None:
    from bot.storage import migrate

    migrate.upgrade(postgres_database)
    connection = psycopg2.connect(postgres_database)
    with connection, connection.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier("rasa")))
    connection.close()
    # Rasa puts its tables into POSTGRESQL_SCHEMA; forget must look there, not in "public".
    monkeypatch.setenv("POSTGRESQL_SCHEMA", "rasa")
    store = rasa_store(postgres_database)
    tracker = rasa_conversation(FORGOTTEN)
    save_tracker(store, tracker)
    repo = Repository(postgres_database)
    try:
        assert repo.forget(FORGOTTEN) == {
            "assessments": 0,
            "fact_changes": 0,
            "events": len(tracker.events),
        }
    finally:
        repo.dispose()
    assert asyncio.run(store.retrieve(FORGOTTEN)) is None
    store.engine.dispose()


def forget_turn(tracker, action_name: str = "action_forget_conversation") -> None:
    """What Rasa appends while the chat's delete action runs (after it called forget)."""
    tracker.update(
        UserUttered("Ja, bitte löschen", intent={"name": intents.AFFIRM, "confidence": 1.0})
    )
    tracker.update(ActionExecuted(action_name))
    tracker.update(BotUttered("Gelöscht: 2 Bewertungen, 3 Änderungen, 6 Ereignisse."))
    tracker.update(ActionExecuted("action_listen"))


def test_plain_rasa_store_writes_a_forgotten_conversation_back(
    repo: Repository, migrated_url: str
) -> None:
    # Why ForgettingSQLTrackerStore exists: Rasa saves after the actions ran and re-inserts
    # the whole session once the table holds no events of the conversation.
    store = rasa_store(migrated_url)
    tracker = rasa_conversation(FORGOTTEN)
    save_tracker(store, tracker)
    repo.forget(FORGOTTEN)
    forget_turn(tracker)
    save_tracker(store, tracker)
    back = asyncio.run(store.retrieve_full_tracker(FORGOTTEN))
    store.engine.dispose()
    assert back is not None and len(back.events) == len(tracker.events)


def test_forgetting_store_keeps_nothing_of_the_turn_that_forgot(
    repo: Repository, migrated_url: str
) -> None:
    store = rasa_store(migrated_url, ForgettingSQLTrackerStore)
    tracker = rasa_conversation(FORGOTTEN)
    save_tracker(store, tracker)
    save_tracker(store, rasa_conversation(KEPT))
    fill(repo, FORGOTTEN)
    counts = repo.forget(FORGOTTEN)
    assert counts["events"] == len(tracker.events)
    forget_turn(tracker)
    save_tracker(store, tracker)
    # Rasa may save the same tracker again in that turn: still nothing.
    save_tracker(store, tracker)

    assert mentions(all_rows(migrated_url), FORGOTTEN) == []
    assert asyncio.run(store.retrieve(FORGOTTEN)) is None
    # The next message starts afresh, and from then on the store saves as usual.
    fresh = rasa_conversation(FORGOTTEN)
    save_tracker(store, fresh)
    # As Rasa does for each message: read the tracker back, add the turn, save.
    current = asyncio.run(store.retrieve(FORGOTTEN))
    question = UserUttered("noch eine Frage")
    current.update(question)
    save_tracker(store, current)
    back = asyncio.run(store.retrieve_full_tracker(FORGOTTEN))
    assert back is not None
    expected = [*fresh.events, question]
    assert [e.as_dict() for e in back.events] == [e.as_dict() for e in expected]
    kept = asyncio.run(store.retrieve_full_tracker(KEPT))
    store.engine.dispose()
    assert kept is not None and len(kept.events) == len(rasa_conversation(KEPT).events)


def test_other_actions_do_not_trigger_forgetting(migrated_url: str) -> None:
    store = rasa_store(migrated_url, ForgettingSQLTrackerStore, forget_action="action_delete")
    tracker = rasa_conversation(KEPT)
    forget_turn(tracker, action_name="action_forget_conversation")  # not the configured name
    save_tracker(store, tracker)
    back = asyncio.run(store.retrieve_full_tracker(KEPT))
    store.engine.dispose()
    assert back is not None and len(back.events) == len(tracker.events)


def test_endpoints_configuration_loads_the_forgetting_store(migrated_url: str) -> None:
    # As endpoints.yml would configure it: type, url and the action's name.
    config = EndpointConfig(
        url=migrated_url,
        type="bot.storage.tracker_store.ForgettingSQLTrackerStore",
        forget_action="action_delete_my_data",
    )
    store = create_tracker_store(config, Domain.empty())
    assert isinstance(store, ForgettingSQLTrackerStore) and isinstance(store, SQLTrackerStore)
    assert store.forget_actions == {"action_delete_my_data"}
    tracker = rasa_conversation(FORGOTTEN)
    save_tracker(store, tracker)
    forget_turn(tracker, action_name="action_delete_my_data")
    save_tracker(store, tracker)
    assert asyncio.run(store.retrieve(FORGOTTEN)) is None
    store.engine.dispose()
