"""One database per test, on SQLite and on PostgreSQL: the same tests run against both.

PostgreSQL tests share one scratch database `test_<random>` per run, created on the local server and
dropped when the run ends; each test gets it emptied of every schema, so it starts as a new database.
Where no server answers they are skipped with the reason shown (`-ra`), so `make test` still runs
on a machine without PostgreSQL; BOT_TEST_REQUIRE_POSTGRES=1 (for CI) turns that into a failure.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import uuid
from collections.abc import Iterator

import psycopg2
import pytest
from psycopg2 import sql
from sqlalchemy import MetaData, inspect, select
from sqlalchemy.engine import make_url

from bot.conversation import intents
from bot.storage import Repository, migrate
from bot.storage.db import make_engine

ADMIN_URL = os.environ.get("BOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _admin_connection() -> psycopg2.extensions.connection:
    url = make_url(ADMIN_URL)
    try:
        connection = psycopg2.connect(
            host=url.host,
            port=url.port or 5432,
            user=url.username,
            password=url.password,
            dbname=url.database,
            connect_timeout=5,
        )
    except psycopg2.OperationalError as error:
        if os.environ.get("BOT_TEST_REQUIRE_POSTGRES") == "1":
            raise
        pytest.skip(f"PostgreSQL not reachable at {url.render_as_string()}: {error}".strip())
    # CREATE/DROP DATABASE cannot run inside a transaction.
    connection.autocommit = True
    return connection


@pytest.fixture(scope="session")
def postgres_scratch() -> Iterator[str]:
    """This run's scratch PostgreSQL database `test_<random>`; dropped when the run ends."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    admin = _admin_connection()
    try:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.cursor() as cursor:
            # FORCE: a connection a failed test left open must not keep the database alive.
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        admin.close()


@pytest.fixture
def postgres_database(postgres_scratch: str) -> str:
    """The scratch database, emptied: no schema but an empty "public", as a new database has."""
    connection = psycopg2.connect(postgres_scratch)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            # A connection a failed test left behind could hold locks the wipe would wait for.
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            cursor.execute(
                "SELECT nspname FROM pg_namespace"
                " WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'"
            )
            for (schema,) in cursor.fetchall():
                cursor.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
            cursor.execute("CREATE SCHEMA public")
    finally:
        connection.close()
    return postgres_scratch


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """An empty database: a SQLite file, or a scratch PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'assistant.db'}"
    return request.getfixturevalue("postgres_database")


@pytest.fixture
def migrated_url(db_url: str) -> str:
    migrate.upgrade(db_url)
    return db_url


class Clock:
    """Distinct, increasing UTC times: the order of records never depends on timer resolution."""

    def __init__(self) -> None:
        self.now = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.timezone.utc)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1, microseconds=1)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def repo(migrated_url: str, clock: Clock) -> Iterator[Repository]:
    repository = Repository(migrated_url, clock=clock)
    yield repository
    repository.dispose()


def table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return set(inspect(connection).get_table_names())
    finally:
        engine.dispose()


def all_rows(url: str) -> dict[str, list[dict]]:
    """Every row of every table in the database, by table name (reflected, not assumed)."""
    engine = make_engine(url)
    try:
        metadata = MetaData()
        with engine.connect() as connection:
            metadata.reflect(connection)
            return {
                name: [dict(row._mapping) for row in connection.execute(select(table))]
                for name, table in metadata.tables.items()
            }
    finally:
        engine.dispose()


def rasa_store(url: str, store_class: type | None = None, **kwargs):
    """Rasa's own SQL tracker store on `url`: it creates its `events` table as in production."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    cls = store_class or SQLTrackerStore
    return cls(domain=Domain.empty(), host=url, **kwargs)


def rasa_conversation(sender_id: str, text: str = "Hallo, wir haben 350.000 USD Umsatz"):
    """A real tracker with a few events of a short exchange."""
    from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker(sender_id, slots=[])
    for event in (
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered(text, intent={"name": intents.INFORM, "confidence": 0.9}),
        BotUttered("Danke! Seit wann sind Sie indirekter Wiederverkäufer?"),
        ActionExecuted("action_listen"),
    ):
        tracker.update(event)
    return tracker


def save_tracker(store, tracker) -> None:
    asyncio.run(store.save(tracker))
