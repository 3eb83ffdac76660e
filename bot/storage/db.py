"""Engines for the one database: the same settings for the repository, Alembic and the tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, create_engine, make_url

from bot.storage.config import database_url

# Rasa's server and the action server write to the same SQLite file from two processes; waiting
# for the other writer's lock beats failing with "database is locked".
SQLITE_BUSY_TIMEOUT_SECONDS = 30


def make_engine(url: str | URL | None = None, **kwargs: Any) -> Engine:
    """A 2.0-style engine for `url` (default: DATABASE_URL)."""
    url = make_url(url or database_url())
    if url.get_backend_name() == "sqlite":
        kwargs.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
    else:
        # A PostgreSQL server restarted under a long-running action server leaves dead
        # connections in the pool; test each before use.
        kwargs.setdefault("pool_pre_ping", True)
    engine = create_engine(url, future=True, **kwargs)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        event.listen(engine, "connect", _sqlite_wal)
    return engine


def _sqlite_wal(dbapi_connection: Any, _record: Any) -> None:
    # Write-ahead logging lets readers (Rasa retrieving a tracker) proceed while the action server
    # writes; the mode is stored in the file, so Rasa's own connections use it too.
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
    finally:
        cursor.close()
