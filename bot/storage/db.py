"""Engines for the one database: the same settings for the repository, Alembic and the tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, create_engine, make_url
from sqlalchemy.pool import QueuePool

from bot.storage.config import database_url

# Rasa's server and the action server write to the same SQLite file from two processes; waiting
# for the other writer's lock beats failing with "database is locked".
SQLITE_BUSY_TIMEOUT_SECONDS = 30


def make_engine(url: str | URL | None = None, **kwargs: Any) -> Engine:
    """A 2.0-style engine for `url` (default: DATABASE_URL); `future=False` for Rasa's tracker
    store, whose code is written for SQLAlchemy 1.x."""
    url = make_url(url or database_url())
    sqlite_file = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
    if url.get_backend_name() == "sqlite":
        connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
        if sqlite_file:
            # SQLAlchemy 1.4 opens and closes a file's connection for every session (NullPool);
            # closing the last connection of a WAL database checkpoints and removes its log, which
            # was an eighth of a conversation turn. A pool keeps them open (2.0's default); the pool
            # hands each connection to one thread at a time, so sqlite3's same-thread check is moot.
            kwargs.setdefault("poolclass", QueuePool)
            connect_args["check_same_thread"] = False
        kwargs.setdefault("connect_args", connect_args)
    else:
        # A PostgreSQL server restarted under a long-running server leaves dead connections in
        # the pool; test each before use.
        kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("future", True)
    # A failed statement's error would otherwise carry its parameters (partners' messages) into
    # every log that records it.
    kwargs["hide_parameters"] = True
    engine = create_engine(url, **kwargs)
    if sqlite_file:
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
