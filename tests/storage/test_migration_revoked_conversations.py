"""Migration 0003 and revocation: "delete my data" of a widget conversation revokes its tokens in
the deletion's own transaction, on SQLite and on PostgreSQL, and keeps nothing of its id."""

from __future__ import annotations

import threading

from sqlalchemy import inspect

from bot.storage import Repository, migrate
from bot.storage.db import make_engine
from bot.storage.repository import conversation_digest
from tests.storage.conftest import (
    all_rows,
    rasa_conversation,
    rasa_store,
    save_tracker,
    table_names,
)

WIDGET = "widget-Zm9yZ2V0LW1lLXBsZWFzZQ"
OTHER_WIDGET = "widget-a2VlcC1tZQ"
REST = "rest-sender-4711"


def test_the_migration_adds_the_table_and_takes_it_away_again(db_url: str) -> None:
    migrate.upgrade(db_url, "0002_teams")
    assert "revoked_conversations" not in table_names(db_url)
    migrate.upgrade(db_url)
    assert "revoked_conversations" in table_names(db_url)
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            key = inspect(connection).get_pk_constraint("revoked_conversations")
    finally:
        engine.dispose()
    assert key["constrained_columns"] == ["conversation_digest"]
    migrate.downgrade(db_url, "0002_teams")
    assert "revoked_conversations" not in table_names(db_url)
    assert {"assessments", "fact_changes"} <= table_names(db_url)


def test_forgetting_a_widget_conversation_revokes_it_and_only_it(repo: Repository) -> None:
    assert not repo.is_revoked(WIDGET)
    repo.forget(WIDGET)
    assert repo.is_revoked(WIDGET)
    assert not repo.is_revoked(OTHER_WIDGET)
    # Twice (a second "delete my data", two servers at once) is no error.
    repo.forget(WIDGET)
    assert repo.is_revoked(WIDGET)
    # Other channels have no tokens; their (caller-chosen, maybe personal) ids are not kept.
    repo.forget(REST)
    assert not repo.is_revoked(REST)


def test_the_revocation_holds_for_another_process_and_keeps_no_id(migrated_url: str) -> None:
    store = rasa_store(migrated_url)
    save_tracker(store, rasa_conversation(WIDGET, text=f"Ich bin {WIDGET}"))
    store.engine.dispose()
    first = Repository(migrated_url)
    first.forget(WIDGET)
    first.dispose()
    # Another server (its own engine and connections) sees it.
    other = Repository(migrated_url)
    try:
        assert other.is_revoked(WIDGET)
    finally:
        other.dispose()
    rows = all_rows(migrated_url)
    assert rows["revoked_conversations"][0]["conversation_digest"] == conversation_digest(WIDGET)
    dumped = repr(rows)
    assert WIDGET not in dumped and WIDGET.removeprefix("widget-") not in dumped


def test_concurrent_deletions_of_one_conversation_both_succeed(migrated_url: str) -> None:
    repositories = [Repository(migrated_url) for _ in range(4)]
    errors: list[BaseException] = []

    def forget(repository: Repository) -> None:
        try:
            repository.forget(WIDGET)
        except BaseException as error:  # noqa: BLE001 (collected and asserted below)
            errors.append(error)

    threads = [threading.Thread(target=forget, args=(r,)) for r in repositories]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert repositories[0].is_revoked(WIDGET)
    assert len(all_rows(migrated_url)["revoked_conversations"]) == 1
    for repository in repositories:
        repository.dispose()
