"""One turn at a time per conversation, on one server or across many.

Rasa holds a conversation's lock around each turn (rasa/core/agent.py `handle_message`) and
around the HTTP API's changes to a tracker. Its `RedisLockStore` is not safe across servers: it
reads the ticket lock with GET, changes it in Python and writes it back with SET, so two servers
interleaving both "hold" the lock (rasa#9213). This store takes the lock with Redis's own atomic
`SET key owner NX PX lifetime`, renews it while the turn runs, and releases it only where it
still holds the owner's token (a Lua script: GET and DEL in one step). Without a URL (one server,
`make run`) the same interface locks within the process.

endpoints.yml:

    lock_store:
      type: bot.storage.lock_store.ConversationLockStore
      url: ${REDIS_URL}     # redis://host:6379/0 with several servers; empty: one server

The lease lasts `lifetime_seconds` (default 10) and is renewed every third of it while its turn
runs, so a slow turn keeps its lock and a server that dies frees its conversations within one
lifetime. Two messages of one conversation that arrive at once are taken one after the other, in
no promised order; a message waits at most `wait_seconds` (default 60) for its turn, after which
Rasa's `LockError` is raised (the guard's turn timeout answers the user well before that).

Every Redis command has a deadline (`REDIS_COMMAND_SECONDS`): redis-py waits for an answer
forever by default, and one lost answer held a turn until the guard's timeout. A lost answer to
the `SET` may have taken the lease, so the next try asks whose it is; a few failures in a row
are an outage, raised as `LockError`. A release that fails leaves the lease to expire.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import redis.exceptions
from rasa.core.lock_store import LockError, LockStore

logger = logging.getLogger(__name__)

DEFAULT_LIFETIME_SECONDS = 10.0
DEFAULT_WAIT_SECONDS = 60.0
DEFAULT_KEY_PREFIX = "bot:lock:"
# Each command to Redis answers within this or counts as failed; this many failures in a row
# while taking a lease are an outage.
REDIS_COMMAND_SECONDS = 2.0
MAX_REDIS_FAILURES = 3
# Polling for a held lock: start quick (most turns take a fraction of a second), back off to this.
_FIRST_RETRY_SECONDS = 0.01
_LONGEST_RETRY_SECONDS = 0.2

# Both run atomically in Redis: a lease is renewed or released only by the owner that holds it.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0
"""


class ConversationLockStore(LockStore):
    def __init__(
        self,
        endpoint_config: Any = None,
        url: str | None = None,
        lifetime_seconds: float | None = None,
        wait_seconds: float | None = None,
        key_prefix: str | None = None,
    ) -> None:
        kwargs = dict(getattr(endpoint_config, "kwargs", None) or {})
        url = url if url is not None else getattr(endpoint_config, "url", None)
        self.lifetime_seconds = float(
            lifetime_seconds or kwargs.get("lifetime_seconds") or DEFAULT_LIFETIME_SECONDS
        )
        self.wait_seconds = float(
            wait_seconds or kwargs.get("wait_seconds") or DEFAULT_WAIT_SECONDS
        )
        self.key_prefix = key_prefix or kwargs.get("key_prefix") or DEFAULT_KEY_PREFIX
        self.url = (url or "").strip() or None
        self._redis: Any = None
        self._local: dict[str, _LocalLock] = {}
        if self.url:
            import redis.asyncio

            self._redis = redis.asyncio.from_url(
                self.url,
                socket_timeout=REDIS_COMMAND_SECONDS,
                socket_connect_timeout=REDIS_COMMAND_SECONDS,
            )
            self._release = self._redis.register_script(_RELEASE)
            self._renew = self._redis.register_script(_RENEW)

    @property
    def shared(self) -> bool:
        """Whether the lock holds across processes (Redis) or only within this one."""
        return self._redis is not None

    @contextlib.asynccontextmanager
    async def lock(
        self, conversation_id: str, lock_lifetime: float = 0, wait_time_in_seconds: float = 0
    ) -> AsyncIterator[None]:
        """Rasa's interface; its lifetime and polling arguments are replaced by this store's."""
        if not self.shared:
            async with self._local_lock(conversation_id):
                yield
            return
        owner = await self.acquire(conversation_id)
        renewing = asyncio.create_task(self._keep(conversation_id, owner))
        taken = time.monotonic()
        try:
            yield
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
            await self.release(conversation_id, owner)
            held = time.monotonic() - taken
            if held > self.lifetime_seconds:  # others of the conversation waited this long
                logger.warning(
                    "Held the lock of conversation %s for %.1f s (pid %s)",
                    _short(conversation_id),
                    held,
                    os.getpid(),
                )

    async def acquire(self, conversation_id: str) -> str:
        """Takes the conversation's lease and returns its owner token; LockError after
        `wait_seconds`."""
        key = self.key_prefix + conversation_id
        owner = uuid.uuid4().hex
        lifetime_ms = int(self.lifetime_seconds * 1000)
        deadline = time.monotonic() + self.wait_seconds
        retry = _FIRST_RETRY_SECONDS
        started = time.monotonic()
        failures = 0
        while True:
            try:
                if await self._redis.set(key, owner, nx=True, px=lifetime_ms):
                    break
                # After a lost answer the lease may already be this owner's.
                if failures and await self._redis.get(key) == owner.encode():
                    break
            except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as error:
                failures += 1
                logger.warning("Redis did not answer while taking a lock: %s", error)
                if failures >= MAX_REDIS_FAILURES:
                    raise LockError(f"Redis failed {failures} times taking a lock") from error
            if time.monotonic() >= deadline:
                raise LockError(
                    f"Could not acquire the lock of conversation {_short(conversation_id)} "
                    f"within {self.wait_seconds} s."
                )
            await asyncio.sleep(retry)
            retry = min(retry * 2, _LONGEST_RETRY_SECONDS)
        waited = time.monotonic() - started
        if waited > self.lifetime_seconds / 2:  # a turn that long, or a holder that died
            logger.warning(
                "Waited %.1f s for the lock of conversation %s (pid %s)",
                waited,
                _short(conversation_id),
                os.getpid(),
            )
        return owner

    async def release(self, conversation_id: str, owner: str) -> bool:
        """Releases the lease if `owner` still holds it; whether it did. Where Redis fails, the
        lease expires within its lifetime: the turn it guarded has run and is not failed now."""
        try:
            return bool(await self._release(keys=[self.key_prefix + conversation_id], args=[owner]))
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as error:
            logger.warning("Could not release the lock of a conversation: %s", error)
            return False

    async def renew(self, conversation_id: str, owner: str) -> bool:
        """Extends the lease by a lifetime if `owner` still holds it; whether it did."""
        lifetime_ms = int(self.lifetime_seconds * 1000)
        key = self.key_prefix + conversation_id
        return bool(await self._renew(keys=[key], args=[owner, lifetime_ms]))

    async def _keep(self, conversation_id: str, owner: str) -> None:
        while True:
            await asyncio.sleep(self.lifetime_seconds / 3)
            try:
                renewed = await self.renew(conversation_id, owner)
            except Exception as error:  # Redis away for a moment: the next renewal may succeed
                logger.warning("Could not renew the lock of a conversation: %s", error)
                continue
            if not renewed:
                # Only if Redis lost the key or this process stalled for a whole lifetime.
                logger.error("The lock of a conversation expired while its turn was running")
                return

    @contextlib.asynccontextmanager
    async def _local_lock(self, conversation_id: str) -> AsyncIterator[None]:
        entry = self._local.setdefault(conversation_id, _LocalLock())
        entry.users += 1
        try:
            async with entry.lock:
                yield
        finally:
            entry.users -= 1
            if not entry.users:
                del self._local[conversation_id]  # a lock per active conversation only

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.close()


def _short(conversation_id: str) -> str:
    """A conversation named in the log without its id (which may name a person)."""
    return hashlib.sha256(conversation_id.encode()).hexdigest()[:10]


class _LocalLock:
    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0
