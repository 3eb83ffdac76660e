"""The guard every channel puts around a turn: limits, rate, and answers when a part fails."""

from __future__ import annotations

import asyncio
import logging
import uuid

import pytest
import sqlalchemy.exc
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels.guard import (
    RATE_LIMITED,
    STORAGE_UNAVAILABLE,
    TOO_LONG,
    UNAVAILABLE,
    Guard,
    Limits,
    RateLimiter,
    RedisRateLimiter,
    SettingError,
    storable,
)
from bot.channels.rest import BadRequest, parse_body, rest_enabled
from tests.e2e.conftest import free_port


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limits_come_from_the_environment() -> None:
    assert Limits.from_env({}) == Limits(10_000, 12, 30.0, 30.0)
    assert Limits.from_env({"BOT_TURN_TIMEOUT": "5"}).turn_seconds == 5.0
    for bad in ("0", "-1", "soon", "inf"):
        with pytest.raises(SettingError, match="BOT_TURN_TIMEOUT"):
            Limits.from_env({"BOT_TURN_TIMEOUT": bad})
    assert Limits.from_env({"BOT_MAX_MESSAGE_CHARS": "500", "BOT_RATE_LIMIT": "3/2.5"}) == Limits(
        500, 3, 2.5
    )
    assert Limits.from_env({"BOT_RATE_LIMIT": "off"}).rate_messages is None
    for bad in ({"BOT_MAX_MESSAGE_CHARS": "0"}, {"BOT_MAX_MESSAGE_CHARS": "many"}):
        with pytest.raises(SettingError, match="BOT_MAX_MESSAGE_CHARS"):
            Limits.from_env(bad)
    for rate in ("12", "0/30", "5/0", "5/inf", "x/y"):
        with pytest.raises(SettingError, match="BOT_RATE_LIMIT"):
            Limits.from_env({"BOT_RATE_LIMIT": rate})


def test_the_rate_limiter_lets_a_burst_pass_then_refills_per_sender() -> None:
    clock = Clock()
    limiter = RateLimiter(3, 30, clock)
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b"), "another sender has a bucket of its own"
    clock.now += 9.9
    assert not limiter.allow("a")
    clock.now += 0.2  # 10 s: one message's worth is back
    assert limiter.allow("a")
    assert not limiter.allow("a")
    clock.now += 1e6
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False], "capped at 3"


def message(text: str, sender: str = "s1") -> tuple[UserMessage, CollectingOutputChannel]:
    output = CollectingOutputChannel()
    return UserMessage(text, output, sender, input_channel="test"), output


class Tracker:
    def __init__(self, language: str | None) -> None:
        self.language = language

    def get_slot(self, name: str) -> str | None:
        return self.language if name == "language" else None


class Store:
    """Stands in for the agent's tracker store: what the guard reads of it is the language."""

    def __init__(self, language: str | None = None, error: Exception | None = None) -> None:
        self.language, self.error, self.reads = language, error, []

    async def retrieve(self, sender: str) -> Tracker:
        self.reads.append(sender)
        if self.error:
            raise self.error
        return Tracker(self.language)


class Agent:
    def __init__(self, store: Store) -> None:
        self.tracker_store = store


no_lookup = None


@pytest.mark.asyncio
async def test_an_over_long_message_is_refused_in_its_language_and_not_processed(caplog) -> None:
    guard = Guard(Limits(100, None))
    handled: list[str] = []

    async def handle(m: UserMessage) -> None:
        handled.append(m.text)

    msg, output = message("Können wir uns registrieren? " + "bitte " * 20)
    with caplog.at_level(logging.WARNING, logger="bot.channels.guard"):
        assert await guard.turn(handle, msg, no_lookup) == TOO_LONG
    assert handled == []
    assert output.messages[0]["text"].startswith("Ihre Nachricht ist zu lang")
    assert "100 Zeichen" in output.messages[0]["text"]
    assert "too_long" in caplog.text and "so far: too_long 1" in caplog.text
    assert "bitte" not in caplog.text, "the log never holds the message"
    msg, output = message("x" * 100)
    assert await guard.turn(handle, msg, no_lookup) is None
    assert handled == ["x" * 100]


@pytest.mark.asyncio
async def test_a_fast_sender_gets_one_moment_in_the_conversation_language() -> None:
    guard = Guard(Limits(10_000, 2, 60))
    store = Store("de")
    german = Agent(store)

    async def handle(_: UserMessage) -> None:
        return None

    results = []
    for _ in range(4):
        msg, output = message("ok")
        results.append((await guard.turn(handle, msg, german), output.messages))
    assert [r[0] for r in results] == [None, None, RATE_LIMITED, RATE_LIMITED]
    assert results[2][1][0]["text"].startswith("Einen Moment bitte")
    assert store.reads == ["s1"], "a flood of refusals reads the conversation's language once"
    assert guard.counts[RATE_LIMITED] == 2


@pytest.mark.asyncio
async def test_an_action_failure_rasa_only_logs_is_answered() -> None:
    guard = Guard(Limits(10_000, None))

    async def action_server_down(_: UserMessage) -> None:
        # What rasa/core/processor.py does when a custom action cannot run.
        logging.getLogger("rasa.core.processor").error(
            "Encountered an exception while running action 'action_check_eligibility'."
        )

    msg, output = message("What do I still lack?")
    assert await guard.turn(action_server_down, msg, no_lookup) == UNAVAILABLE
    assert output.messages[-1]["text"].startswith("The assistant is temporarily unavailable")

    async def fine(_: UserMessage) -> None:
        logging.getLogger("rasa.core.processor").warning("something unrelated")

    msg, output = message("What do I still lack?")
    assert await guard.turn(fine, msg, no_lookup) is None
    assert output.messages == []
    # Outside a guarded turn the listener ignores Rasa's log.
    logging.getLogger("rasa.core.processor").error("Encountered an exception while running action")


@pytest.mark.asyncio
async def test_a_failing_database_is_told_as_such_and_other_errors_as_unavailable() -> None:
    guard = Guard(Limits(10_000, None))

    async def database_down(_: UserMessage) -> None:
        raise sqlalchemy.exc.OperationalError("SELECT 1", {}, ConnectionRefusedError())

    async def broken(_: UserMessage) -> None:
        raise RuntimeError("boom")

    store = Store("en")
    msg, output = message("Wie viel Umsatz brauchen wir?")
    assert await guard.turn(database_down, msg, Agent(store)) == STORAGE_UNAVAILABLE
    assert output.messages[0]["text"].startswith("Ich kann gerade nicht")
    assert store.reads == [], "the storage failed: the tracker is not read again"
    msg, output = message("How much revenue do we need?")
    assert await guard.turn(broken, msg, no_lookup) == UNAVAILABLE
    assert output.messages[0]["text"].startswith("The assistant is temporarily unavailable")


@pytest.mark.asyncio
async def test_rasas_fail_safe_store_raises_instead_of_forgetting_the_conversation() -> None:
    from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
    from rasa.shared.core.domain import Domain

    class DatabaseDown(InMemoryTrackerStore):
        async def retrieve(self, sender_id: str) -> None:
            raise sqlalchemy.exc.OperationalError("SELECT", {}, ConnectionRefusedError())

    fail_safe = FailSafeTrackerStore(DatabaseDown(Domain.empty()))
    assert await fail_safe.retrieve("s1") is None, "Rasa's own behaviour: an empty tracker"
    guard = Guard(Limits(10_000, None))

    async def handle(_: UserMessage) -> None:
        await fail_safe.retrieve("s1")

    msg, output = message("How much revenue do we need?")
    assert await guard.turn(handle, msg, Agent(fail_safe)) == STORAGE_UNAVAILABLE
    assert output.messages[0]["text"].startswith("I cannot reach the stored conversations")


@pytest.mark.asyncio
async def test_a_turn_that_hangs_is_cancelled_and_answered() -> None:
    guard = Guard(Limits(10_000, None, turn_seconds=0.2))
    cancelled = []

    async def hanging(_: UserMessage) -> None:
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    msg, output = message("Wie viel Umsatz brauchen wir?")
    assert await guard.turn(hanging, msg, None) == UNAVAILABLE
    assert cancelled == [True]
    assert output.messages[0]["text"].startswith("Der Assistent ist vorübergehend nicht verfügbar")


def test_text_is_made_storable() -> None:
    assert storable("14 Monate") == "14 Monate"
    assert storable("a\x00b\ud800c\udfff") == "ab\ufffdc\ufffd"
    assert storable("😀\u202e\u200b") == "😀\u202e\u200b"  # whole characters stay


@pytest.mark.asyncio
async def test_the_turn_sees_the_storable_text() -> None:
    seen = []

    async def handle(msg: UserMessage) -> None:
        seen.append(msg.text)

    msg, _ = message("USD 350.000\x00\ud800")
    assert await Guard(Limits(10_000, None)).turn(handle, msg, None) is None
    assert seen == ["USD 350.000\ufffd"]


def test_rest_bodies_of_the_wrong_shape_are_bad_requests() -> None:
    assert parse_body(b'{"sender": "a", "message": "hi"}') == ("a", "hi", None, None)
    assert parse_body(b'{"sender": "a", "message": "", "metadata": {"x": 1}}') == (
        "a",
        "",
        {"x": 1},
        None,
    )
    assert parse_body(b'{"sender": "a", "message": "hi", "message_id": "m1"}')[3] == "m1"
    for body in (
        b"",
        b"\xff\xfe",
        b"[1, 2]",
        b'"text"',
        b'{"message": "hi"}',
        b'{"sender": 5, "message": "hi"}',
        b'{"sender": " ", "message": "hi"}',
        b'{"sender": "a\\u0000b", "message": "hi"}',
        b'{"sender": "a\\ud800", "message": "hi"}',
        ('{"sender": "' + "a" * 256 + '", "message": "hi"}').encode(),
        b'{"sender": "a"}',
        b'{"sender": "a", "message": ["hi"]}',
        b'{"sender": "a", "message": "hi", "metadata": "x"}',
        b'{"sender": "a", "message": "hi", "message_id": 5}',
        b'{"sender": "a", "message": "hi", "message_id": ""}',
        b"[" * 100_000 + b"]" * 100_000,
    ):
        with pytest.raises(BadRequest):
            parse_body(body)


def test_the_rest_channel_has_an_off_switch() -> None:
    assert rest_enabled({}) and rest_enabled({"BOT_REST_CHANNEL": "on"})
    assert not rest_enabled({"BOT_REST_CHANNEL": "off"})
    assert not rest_enabled({"BOT_REST_CHANNEL": " OFF "})


def test_a_source_is_limited_whatever_conversation_ids_it_uses() -> None:
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    limits = Limits(10_000, 12, 30, source_rate_messages=5, source_rate_seconds=30)
    admitted = [
        limiter.allow_all(limits.checks(f"new-sender-{n}", ["address:192.0.2.7"])) for n in range(7)
    ]
    assert admitted == [True] * 5 + [False] * 2, "a new sender id does not start afresh"
    assert limiter.allow_all(limits.checks("new-sender-99", ["address:192.0.2.8"]))
    clock.now += 6  # one message's worth for the source
    assert limiter.allow_all(limits.checks("new-sender-100", ["address:192.0.2.7"]))


def test_a_refused_message_takes_no_token_from_the_other_buckets() -> None:
    limiter = RateLimiter(clock=Clock())
    limits = Limits(10_000, 2, 30, source_rate_messages=100)
    assert limiter.allow_all(limits.checks("c", ["address:a"]))
    assert limiter.allow_all(limits.checks("c", ["address:a"]))
    assert not limiter.allow_all(limits.checks("c", ["address:a"])), "the conversation's limit"
    # The source lost two tokens, not three: 98 other conversations' messages still pass.
    assert all(limiter.allow_all(limits.checks(f"o{n}", ["address:a"])) for n in range(98))
    assert not limiter.allow_all(limits.checks("o-last", ["address:a"]))


@pytest.mark.asyncio
async def test_over_long_messages_count_against_the_rate_too() -> None:
    guard = Guard(Limits(10, 3, 60))
    handled: list[str] = []

    async def handle(m: UserMessage) -> None:
        handled.append(m.text)

    results = [await guard.turn(handle, message("x" * 11)[0], no_lookup) for _ in range(3)]
    assert results == [TOO_LONG] * 3
    assert await guard.turn(handle, message("ok")[0], no_lookup) == RATE_LIMITED
    assert handled == []


@pytest.mark.asyncio
async def test_servers_on_one_redis_share_the_buckets(redis_url: str) -> None:
    prefix = f"test-rate-{uuid.uuid4().hex}:"
    limits = Limits(10_000, 4, 60, source_rate_messages=6, source_rate_seconds=60)
    one = RedisRateLimiter(redis_url, prefix=prefix)
    two = RedisRateLimiter(redis_url, prefix=prefix)
    servers = [one, two] * 4
    admitted = [await s.admit(limits.checks("conv", ["address:x"])) for s in servers]
    assert admitted == [True] * 4 + [False] * 4, "four for the conversation across both servers"
    others = [await s.admit(limits.checks(f"c{n}", ["address:x"])) for n, s in enumerate(servers)]
    assert others == [True, True] + [False] * 6, "six for the source across both servers"
    assert await two.admit(limits.checks("c-new", ["address:y"]))


@pytest.mark.asyncio
async def test_without_redis_the_servers_own_buckets_decide(caplog) -> None:
    unreachable = RedisRateLimiter(f"redis://127.0.0.1:{free_port()}/0")
    limits = Limits(10_000, 2, 60)
    with caplog.at_level(logging.WARNING, logger="bot.channels.guard"):
        admitted = [await unreachable.admit(limits.checks("conv")) for _ in range(3)]
    assert admitted == [True, True, False]
    assert "Redis unavailable" in caplog.text
