"""The Alembic migrations: empty -> head -> base on both databases, and they match the models."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from bot.storage import migrate
from bot.storage.db import make_engine
from bot.storage.models import OWN_TABLES, metadata
from tests.storage.conftest import rasa_conversation, rasa_store, save_tracker, table_names

ROOT = Path(__file__).resolve().parents[2]


def _indexes(url: str) -> dict[str, set[tuple[str, tuple[str, ...]]]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            inspector = inspect(connection)
            return {
                table: {
                    (index["name"], tuple(index["column_names"]))
                    for index in inspector.get_indexes(table)
                }
                for table in OWN_TABLES
            }
    finally:
        engine.dispose()


def test_upgrade_from_empty_to_head_and_back_to_base(db_url: str) -> None:
    assert table_names(db_url) == set()
    assert migrate.current_revision(db_url) is None

    migrate.upgrade(db_url)
    assert table_names(db_url) == {
        "assessments", "fact_changes", "revoked_conversations", "alembic_version"
    }  # fmt: skip
    assert migrate.current_revision(db_url) == migrate.head_revision()
    assert migrate.is_current(db_url)
    assert _indexes(db_url) == {
        "assessments": {
            ("ix_assessments_conversation_id", ("conversation_id",)),
            ("ix_assessments_partner_id", ("partner_id",)),
        },
        "fact_changes": {("ix_fact_changes_conversation_id", ("conversation_id",))},
        "revoked_conversations": set(),  # its key is the digest: no index beside it
    }
    # Running it again (every `make run` does) changes nothing.
    migrate.upgrade(db_url)
    assert migrate.current_revision(db_url) == migrate.head_revision()

    migrate.downgrade(db_url)
    # Alembic keeps its (now empty) version table; every table of ours is gone.
    assert table_names(db_url) == {"alembic_version"}
    assert migrate.current_revision(db_url) is None

    # And back up from there: a downgrade leaves nothing behind that blocks the next upgrade.
    migrate.upgrade(db_url)
    assert table_names(db_url) >= OWN_TABLES


def test_models_describe_exactly_what_the_migrations_build(db_url: str) -> None:
    # Rasa's table in the same database must neither show up as a difference nor be touched.
    store = rasa_store(db_url)
    save_tracker(store, rasa_conversation("rasa-user"))
    store.engine.dispose()
    migrate.upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "include_object": lambda _o, name, type_, *_: type_ != "table"
                    or name in OWN_TABLES
                },
            )
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()
    migrate.downgrade(db_url)
    assert table_names(db_url) == {"alembic_version", "events"}


def test_migrations_never_touch_rasa_events(db_url: str) -> None:
    store = rasa_store(db_url)
    tracker = rasa_conversation("kept")
    save_tracker(store, tracker)
    migrate.upgrade(db_url)
    migrate.downgrade(db_url)
    migrate.upgrade(db_url)
    try:
        again = asyncio.run(store.retrieve_full_tracker("kept"))
    finally:
        store.engine.dispose()
    assert again is not None
    assert [e.as_dict() for e in again.events] == [e.as_dict() for e in tracker.events]


def test_alembic_command_line_reads_database_url(db_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": db_url}
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(ROOT / "alembic.ini"), "upgrade", "head"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert migrate.current_revision(db_url) == migrate.head_revision()
