"""The conversation lock on the real Redis, taken by several processes at once: never two holders,
a dead owner's lock expires, only the owner releases it, a slow turn keeps it. And the same
interface within one process where no Redis is configured."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import random
import signal
import time
import urllib.parse
import uuid

import pytest
import redis
from rasa.core.lock_store import LockError

from bot.storage.lock_store import ConversationLockStore

PROCESSES = 4
ROUNDS = 40


def _hammer(url: str, prefix: str, conversation: str, seed: int) -> None:
    """One server's turns: each takes the lock, counts itself among the holders, works a little."""

    async def main() -> None:
        store = ConversationLockStore(url=url, key_prefix=prefix, lifetime_seconds=2)
        client = redis.asyncio.from_url(url)
        rng = random.Random(seed)
        for _ in range(ROUNDS):
            async with store.lock(conversation):
                holders = await client.incr(prefix + "holders")
                await client.rpush(prefix + "seen", holders)
                await asyncio.sleep(rng.uniform(0, 0.004))
                await client.decr(prefix + "holders")
        await client.close()
        await store.close()

    asyncio.run(main())


def _hold_forever(url: str, prefix: str, conversation: str) -> None:
    async def main() -> None:
        store = ConversationLockStore(url=url, key_prefix=prefix, lifetime_seconds=1.5)
        async with store.lock(conversation):
            await redis.asyncio.from_url(url).set(prefix + "held", 1)
            await asyncio.sleep(3600)

    asyncio.run(main())


@pytest.fixture
def prefix(redis_url: str):
    prefix = f"test:lock:{uuid.uuid4().hex[:12]}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(prefix + "*"))
    if keys:
        client.delete(*keys)
    client.close()


def test_processes_hammering_one_conversation_never_hold_it_together(redis_url, prefix):
    context = multiprocessing.get_context("fork")
    workers = [
        context.Process(target=_hammer, args=(redis_url, prefix, "c1", seed))
        for seed in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    seen = [int(n) for n in redis.Redis.from_url(redis_url).lrange(prefix + "seen", 0, -1)]
    assert len(seen) == PROCESSES * ROUNDS
    assert set(seen) == {1}  # whoever entered was the only holder


def test_rasas_own_redis_lock_store_lets_two_hold_at_once(redis_url, prefix):
    """Why this store exists: Rasa's ticket lock read-modify-writes in Python. Two servers that
    issue tickets at the same moment get the same ticket and both believe they hold the lock."""
    from rasa.core.lock_store import RedisLockStore

    url = urllib.parse.urlsplit(redis_url)
    stores = [
        RedisLockStore(host=url.hostname, port=url.port or 6379, db=0, key_prefix=prefix_id)
        for prefix_id in [uuid.uuid4().hex] * 2
    ]
    [first, second] = stores
    # Both read the (absent) lock before either writes: the interleaving of two servers.
    lock_a = first.get_or_create_lock("c1")
    lock_b = second.get_or_create_lock("c1")
    ticket_a, ticket_b = lock_a.issue_ticket(60), lock_b.issue_ticket(60)
    first.save_lock(lock_a)
    second.save_lock(lock_b)
    assert ticket_a == ticket_b
    current = first.get_lock("c1")
    assert not current.is_locked(ticket_a) and not current.is_locked(ticket_b)
    first.delete_lock("c1")


@pytest.mark.asyncio
async def test_a_dead_owners_lock_expires(redis_url, prefix):
    owner = multiprocessing.get_context("fork").Process(
        target=_hold_forever, args=(redis_url, prefix, "c1")
    )
    owner.start()
    client = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + 30
    while not client.get(prefix + "held"):
        assert time.monotonic() < deadline and owner.is_alive()
        await asyncio.sleep(0.05)
    waiter = ConversationLockStore(url=redis_url, key_prefix=prefix, wait_seconds=3)
    with pytest.raises(LockError):  # renewed while its owner lives: 3 s > its 1.5 s lifetime
        await waiter.acquire("c1")
    os.kill(owner.pid, signal.SIGKILL)
    owner.join()
    killed = time.monotonic()
    waiter.wait_seconds = 10
    token = await waiter.acquire("c1")
    assert time.monotonic() - killed <= 1.5 + 0.5
    assert await waiter.release("c1", token)
    await waiter.close()
    client.close()


@pytest.mark.asyncio
async def test_only_the_owner_releases_or_renews(redis_url, prefix):
    owner = ConversationLockStore(url=redis_url, key_prefix=prefix)
    other = ConversationLockStore(url=redis_url, key_prefix=prefix, wait_seconds=0.3)
    token = await owner.acquire("c1")
    assert not await other.release("c1", "not-the-owner")
    assert not await other.renew("c1", "not-the-owner")
    with pytest.raises(LockError):
        await other.acquire("c1")
    assert await owner.renew("c1", token)
    assert await owner.release("c1", token)
    assert not await owner.release("c1", token)  # released once only
    await other.release("c1", await other.acquire("c1"))
    await owner.close()
    await other.close()


@pytest.mark.asyncio
async def test_a_turn_longer_than_the_lifetime_keeps_its_lock(redis_url, prefix):
    holder = ConversationLockStore(url=redis_url, key_prefix=prefix, lifetime_seconds=0.6)
    other = ConversationLockStore(url=redis_url, key_prefix=prefix, wait_seconds=0.2)
    async with holder.lock("c1"):
        for _ in range(4):  # 2 s in all, three lifetimes
            await asyncio.sleep(0.5)
            with pytest.raises(LockError):
                await other.acquire("c1")
    await other.release("c1", await other.acquire("c1"))  # free once the turn ends
    await holder.close()
    await other.close()


@pytest.mark.asyncio
async def test_without_redis_the_lock_holds_within_the_process() -> None:
    store = ConversationLockStore(url="")
    assert not store.shared
    inside: list[str] = []
    overlaps: list[bool] = []

    async def turn(conversation: str) -> None:
        async with store.lock(conversation):
            overlaps.append(conversation in inside)
            inside.append(conversation)
            await asyncio.sleep(0.01)
            inside.remove(conversation)

    started = time.monotonic()
    await asyncio.gather(*(turn(c) for c in ["a"] * 10 + ["b"] * 10))
    assert overlaps == [False] * 20
    assert time.monotonic() - started < 0.19  # "a" and "b" ran side by side
    assert store._local == {}  # nothing kept for conversations without a turn


class LossyRedisProxy:
    """Between the lock store and a real Redis: forwards every command, and drops Redis's answer
    to the first `drop_sets` SET commands (as a network that loses a reply would), or every
    answer with `mute`."""

    def __init__(self, redis_url: str, drop_sets: int = 0, mute: bool = False) -> None:
        target = urllib.parse.urlsplit(redis_url)
        self.target = (target.hostname, target.port or 6379)
        self.drop_sets, self.mute = drop_sets, mute
        self.dropped = 0
        self.server: asyncio.base_events.Server | None = None

    async def __aenter__(self) -> str:
        self.server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
        return f"redis://127.0.0.1:{self.server.sockets[0].getsockname()[1]}/0"

    async def __aexit__(self, *exc) -> None:
        self.server.close()

    async def _connection(self, client_reader, client_writer) -> None:
        redis_reader, redis_writer = await asyncio.open_connection(*self.target)
        pending_drop = asyncio.Event()

        async def commands() -> None:
            while data := await client_reader.read(65536):
                if b"\r\nSET\r\n" in data.upper() and self.dropped < self.drop_sets:
                    self.dropped += 1
                    pending_drop.set()
                redis_writer.write(data)
                await redis_writer.drain()

        async def answers() -> None:
            while data := await redis_reader.read(65536):
                if self.mute:
                    continue
                if pending_drop.is_set():
                    pending_drop.clear()
                    continue
                client_writer.write(data)
                await client_writer.drain()

        with contextlib.suppress(ConnectionError):
            await asyncio.gather(commands(), answers())
        for writer in (client_writer, redis_writer):
            writer.close()


@pytest.mark.asyncio
async def test_a_lost_answer_to_the_lease_does_not_hold_the_turn(redis_url, prefix):
    """The answer to SET NX is lost: the lease was taken all the same, and is this owner's."""
    async with LossyRedisProxy(redis_url, drop_sets=1) as lossy_url:
        store = ConversationLockStore(url=lossy_url, key_prefix=prefix)
        other = ConversationLockStore(url=redis_url, key_prefix=prefix, wait_seconds=0.2)
        owner = await asyncio.wait_for(store.acquire("c1"), 30)  # bound only against a hang
        with pytest.raises(LockError):
            await other.acquire("c1")  # held, by the owner that lost the answer
        assert await store.release("c1", owner)
        await other.release("c1", await other.acquire("c1"))
        await store.close()
        await other.close()


@pytest.mark.asyncio
async def test_a_redis_that_never_answers_fails_the_lock_instead_of_hanging(redis_url, prefix):
    async with LossyRedisProxy(redis_url, mute=True) as mute_url:
        store = ConversationLockStore(url=mute_url, key_prefix=prefix)
        with pytest.raises(LockError):
            await asyncio.wait_for(store.acquire("c1"), 60)  # the bound only against a hang
        assert not await asyncio.wait_for(store.release("c1", "anyone"), 60)
        await store.close()
