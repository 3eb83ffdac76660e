"""The action server's facade: database calls run off the event loop, which keeps serving."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.eligibility import Facts, evaluate
from bot.storage import AsyncRepository, Repository, default_async_repository, default_repository
from bot.storage.db import make_engine

AS_OF = dt.date(2025, 3, 1)


def verdict(**facts):
    return evaluate(Facts.from_mapping(facts, as_of=AS_OF))


class WriteLock:
    """Holds the assessments table's write lock from another connection until released."""

    def __init__(self, url: str):
        self.backend = make_url(url).get_backend_name()
        self._released = threading.Lock()
        self._done = False
        if self.backend == "sqlite":
            # check_same_thread=False: the safety timer may release it from its own thread.
            self._sqlite = sqlite3.connect(
                make_url(url).database, isolation_level=None, check_same_thread=False
            )
            self._sqlite.execute("BEGIN IMMEDIATE")
        else:
            self._engine = make_engine(url)
            self._connection = self._engine.connect()
            self._transaction = self._connection.begin()
            self._connection.execute(text("LOCK TABLE assessments IN EXCLUSIVE MODE"))

    def release(self) -> None:
        with self._released:
            if self._done:
                return
            self._done = True
            if self.backend == "sqlite":
                self._sqlite.execute("COMMIT")
                self._sqlite.close()
            else:
                self._transaction.commit()
                self._connection.close()
                self._engine.dispose()


@pytest.mark.asyncio
async def test_a_waiting_database_call_does_not_stall_the_event_loop(migrated_url, clock) -> None:
    store = AsyncRepository(Repository(migrated_url, clock=clock))
    lock = WriteLock(migrated_url)
    # Should the call block the loop after all, this frees it: the test then fails, not hangs.
    safety = threading.Timer(5, lock.release)
    safety.start()
    try:
        pending = asyncio.create_task(
            store.record_assessment("conv-a", "rest", "de", verdict(indirect_months=14))
        )
        # Other conversations' work goes on while the write waits for the lock.
        started = time.monotonic()
        for _ in range(30):
            await asyncio.sleep(0.01)
        assert time.monotonic() - started < 2
        assert not pending.done()
    finally:
        lock.release()
        safety.cancel()
    stored = await asyncio.wait_for(pending, timeout=30)
    assert stored.conversation_id == "conv-a"
    assert [a.id for a in await store.list_assessments(conversation_id="conv-a")] == [stored.id]
    store.close()


@pytest.mark.asyncio
async def test_every_call_of_the_facade_works_inside_a_running_loop(migrated_url, clock) -> None:
    store = AsyncRepository(Repository(migrated_url, clock=clock))
    loop_thread = threading.get_ident()
    seen_threads = set()
    original = store.repository.record_fact_changes

    def spy(*args, **kwargs):
        seen_threads.add(threading.get_ident())
        return original(*args, **kwargs)

    store.repository.record_fact_changes = spy
    try:
        first = await store.record_assessment("c", "rest", "en", verdict(indirect_months=14))
        slots = {"csp_revenue_usd": None}
        changes = await store.record_fact_changes(
            "c", slots, {"csp_revenue_usd": 350000, "partner_id": "4711"}, source_text="350k"
        )
        single = await store.record_fact_change("c", "country", None, "Deutschland")
        second = await store.record_assessment(
            "c",
            "rest",
            "en",
            verdict(indirect_months=14, csp_revenue_usd=350000, partner_id="4711"),
        )
        assert [c.fact for c in changes] == ["csp_revenue_usd", "partner_id"]
        assert single is not None and single.new_value == "DE"
        assert await store.last_assessment_for_partner("4711") == second
        assert [a.id for a in await store.list_assessments()] == [second.id, first.id]
        assert await store.fact_changes("c") == [*changes, single]
        assert await store.forget("c") == {"assessments": 2, "fact_changes": 3}
        assert await store.list_assessments() == []
    finally:
        store.close()
    assert seen_threads and loop_thread not in seen_threads


@pytest.mark.asyncio
async def test_errors_reach_the_awaiting_action(migrated_url) -> None:
    from bot.eligibility import FactError

    store = AsyncRepository(Repository(migrated_url))
    try:
        with pytest.raises(FactError):
            await store.last_assessment_for_partner("DROP TABLE")
    finally:
        store.close()


def test_default_repositories_use_database_url(migrated_url, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    default_repository.cache_clear()
    default_async_repository.cache_clear()
    try:
        assert default_repository().engine.url == make_url(migrated_url)
        assert default_async_repository().repository is default_repository()

        async def record():
            return await default_async_repository().record_assessment("d", None, "de", verdict())

        stored = asyncio.run(record())
        assert default_repository().list_assessments() == [stored]
    finally:
        default_async_repository().close()
        default_repository.cache_clear()
        default_async_repository.cache_clear()


def test_every_public_method_is_a_coroutine_and_nothing_else_is_reachable(migrated_url) -> None:
    import inspect

    store = AsyncRepository(Repository(migrated_url))
    try:
        public = [n for n, _ in inspect.getmembers(Repository, inspect.isfunction)
                  if not n.startswith("_") and n != "dispose"]  # fmt: skip
        assert "record_assessment" in public and "forget" in public
        for name in public:
            assert inspect.iscoroutinefunction(getattr(store, name)), name
        for name in ("dispose", "_session", "no_such_method"):
            with pytest.raises(AttributeError):
                getattr(store, name)
    finally:
        store.close()
