"""What every channel does around a turn: refuse a message it must not process, and answer when a
part behind the turn fails, so that a user never meets silence or a server error.

- A message longer than `BOT_MAX_MESSAGE_CHARS` (default 10,000) is answered with a clear refusal
  and goes no further: not to the NLU, not into the tracker.
- Lone surrogates and NULs, which JSON carries and no database holds, are taken out of the text.
- A conversation faster than `BOT_RATE_LIMIT` ("<messages>/<seconds>", default 12/30; "off"
  switches it off), or a source faster than `BOT_SOURCE_RATE_LIMIT` (default 60/30: a client's
  address, a widget socket, a Teams user, whatever conversation ids it uses; loopback is the
  operator's own machine and is not limited by address) gets a polite "one moment" and the
  message is dropped. Token buckets: bursts up to the limit pass, then one message per
  seconds/messages. Every message counts, an over-long one too. With REDIS_URL the buckets are
  shared by every server of a cluster (one atomic script per message); without it, or while Redis
  fails, they are the server's own.
- A turn longer than `BOT_TURN_TIMEOUT` seconds (default 30; Rasa itself waits 5 minutes for a
  hanging action server) is cancelled and answered as temporarily unavailable; nothing of it is
  stored, the conversation stays as it was before the message.
- The action server down or failing: Rasa's processor catches the error, logs it and carries on
  without the action's events (rasa/core/processor.py `_run_action`), so the turn would end in
  silence. Rasa reports that only in its log; the guard listens there for the current turn and
  adds a "temporarily unavailable" answer. The conversation's facts are in the tracker store and
  stay there.
- The database unreachable: Rasa's agent wraps the tracker store in a FailSafeTrackerStore, which
  on an error carries on with an empty in-memory tracker: the bot would forget the conversation's
  facts for that turn and confirm new ones that are never stored. The guard gives that wrapper
  the error callback it offers (`on_tracker_store_error`), which raises instead, and tells the
  user the storage is unavailable. The tracker store tests connections before use
  (bot/storage/tracker_store.py), so the first turn after the database is back succeeds.

Every refusal and failure is counted and logged with the running totals (never with the text).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import math
import os
import re
import time
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage

from bot.channels import action_responses, event_types, redelivery
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, Message
from bot.nlu import sentence_requests
from bot.nlu.language import conversation_language, detect
from bot.texts import render_text

logger = logging.getLogger(__name__)

DEFAULT_MAX_MESSAGE_CHARS = 10_000
DEFAULT_RATE_LIMIT = "12/30"
DEFAULT_TURN_SECONDS = 30.0
# The tracker store's sender_id column holds 255 characters.
MAX_SENDER_CHARS = 255
DEFAULT_SOURCE_RATE_LIMIT = "60/30"
# Buckets remembered in memory; the least recently used are forgotten first.
MAX_TRACKED_BUCKETS = 100_000
# A language guess reads no more of a refused text than this.
_LANGUAGE_SAMPLE_CHARS = 2_000

# What Rasa logs when a custom action could not run (rasa/core/actions/action.py, processor.py).
_ACTION_FAILURE_MARKERS = (
    "Failed to execute custom action",
    "Encountered an exception while running action",
)
_ACTION_LOGGERS = ("rasa.core.processor", "rasa.core.actions.action")

TOO_LONG = "too_long"
RATE_LIMITED = "rate_limited"
UNAVAILABLE = "unavailable"
STORAGE_UNAVAILABLE = "storage_unavailable"
# The channel's own last check (`admit`) said no, and answered itself.
NOT_ADMITTED = "not_admitted"


class SettingError(ValueError):
    pass


# JSON may carry lone surrogates (a "\ud800" of its own), which no encoder or database takes.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(text: str) -> str:
    """The text as every part behind the turn can hold it: lone surrogates become U+FFFD, NULs
    (which a PostgreSQL text column refuses) are dropped."""
    return _LONE_SURROGATE.sub("\ufffd", text).replace("\x00", "")


def _parse_rate(env: dict[str, str], name: str, default: str) -> tuple[int | None, float]:
    raw = env.get(name, "").strip() or default
    if raw.lower() == "off":
        return None, 1.0
    try:
        messages, seconds = raw.split("/")
        count, period = int(messages), float(seconds)
    except ValueError:
        count, period = 0, 0.0
    if count < 1 or not (0 < period < math.inf):
        raise SettingError(
            f"{name} must be '<messages>/<seconds>' (e.g. {default}) or 'off', not {raw!r}"
        )
    return count, period


@dataclass(frozen=True)
class Limits:
    max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS
    # None: no rate limit per conversation.
    rate_messages: int | None = 12
    rate_seconds: float = 30.0
    turn_seconds: float = DEFAULT_TURN_SECONDS
    # None: no rate limit per source (address, socket, Teams user).
    source_rate_messages: int | None = 60
    source_rate_seconds: float = 30.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Limits:
        env = os.environ if env is None else env
        raw_chars = env.get("BOT_MAX_MESSAGE_CHARS", "").strip() or str(DEFAULT_MAX_MESSAGE_CHARS)
        try:
            max_chars = int(raw_chars)
        except ValueError:
            max_chars = 0
        if max_chars < 1:
            raise SettingError(
                f"BOT_MAX_MESSAGE_CHARS must be a positive number, not {raw_chars!r}"
            )
        raw_turn = env.get("BOT_TURN_TIMEOUT", "").strip() or str(DEFAULT_TURN_SECONDS)
        try:
            turn_seconds = float(raw_turn)
        except ValueError:
            turn_seconds = 0.0
        if not (0 < turn_seconds < math.inf):
            raise SettingError(f"BOT_TURN_TIMEOUT must be a number of seconds, not {raw_turn!r}")
        rate = _parse_rate(env, "BOT_RATE_LIMIT", DEFAULT_RATE_LIMIT)
        source_rate = _parse_rate(env, "BOT_SOURCE_RATE_LIMIT", DEFAULT_SOURCE_RATE_LIMIT)
        return cls(max_chars, *rate, turn_seconds, *source_rate)

    def checks(self, sender: str, sources: Sequence[str] = ()) -> list[tuple[str, int, float]]:
        """The buckets a message from `sender` (a conversation) and `sources` takes a token from:
        (key, capacity, seconds to refill it)."""
        checks = []
        if self.rate_messages:
            checks.append(("conversation:" + sender, self.rate_messages, self.rate_seconds))
        if self.source_rate_messages:
            checks += [
                ("source:" + source, self.source_rate_messages, self.source_rate_seconds)
                for source in dict.fromkeys(sources)
            ]
        return checks


@dataclass
class _Bucket:
    tokens: float
    updated: float


# (key, capacity, seconds for a full refill)
Check = tuple[str, int, float]


class RateLimiter:
    """Token buckets in this process: `capacity` at once, refilled in `seconds`."""

    def __init__(
        self, messages: int = 12, seconds: float = 30, clock: Callable[[], float] = time.monotonic
    ):
        self.default = (messages, seconds)
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def allow(self, key: str) -> bool:
        return self.allow_all([(key, *self.default)])

    def allow_all(self, checks: Sequence[Check]) -> bool:
        """Takes a token from every bucket when each has one; else takes none."""
        now = self._clock()
        buckets = [
            (self._refilled(key, capacity, seconds, now)) for key, capacity, seconds in checks
        ]
        if any(bucket.tokens < 1 for bucket in buckets):
            return False
        for bucket in buckets:
            bucket.tokens -= 1
        return True

    async def admit(self, checks: Sequence[Check]) -> bool:
        return self.allow_all(checks)

    def _refilled(self, key: str, capacity: int, seconds: float, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(capacity), now)
            while len(self._buckets) > MAX_TRACKED_BUCKETS:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
            elapsed = max(0.0, now - bucket.updated)
            bucket.tokens = min(float(capacity), bucket.tokens + elapsed * capacity / seconds)
            bucket.updated = now
        return bucket


# Every bucket of one message in one atomic step, on Redis's clock (the servers' clocks may
# differ): takes a token from each when all have one. A bucket expires once it would be full.
_TAKE_TOKENS = """
local now_t = redis.call('TIME')
local now = tonumber(now_t[1]) * 1000 + math.floor(tonumber(now_t[2]) / 1000)
local state = {}
local allowed = true
for i, key in ipairs(KEYS) do
  local capacity = tonumber(ARGV[2 * i - 1])
  local refill_ms = tonumber(ARGV[2 * i])
  local stored = redis.call('HMGET', key, 'tokens', 'updated')
  local tokens = tonumber(stored[1]) or capacity
  local updated = tonumber(stored[2]) or now
  tokens = math.min(capacity, tokens + math.max(0, now - updated) * capacity / refill_ms)
  if tokens < 1 then allowed = false end
  state[i] = tokens
end
if not allowed then return 0 end
for i, key in ipairs(KEYS) do
  redis.call('HSET', key, 'tokens', tostring(state[i] - 1), 'updated', tostring(now))
  redis.call('PEXPIRE', key, math.ceil(tonumber(ARGV[2 * i])) + 1000)
end
return 1
"""


class RedisRateLimiter:
    """The same buckets, shared by every server on one Redis. While Redis fails, the server's
    own buckets decide (a turn then fails on the conversation lock anyway)."""

    def __init__(
        self, url: str, fallback: RateLimiter | None = None, prefix: str = "bot:rate:"
    ) -> None:
        import redis.asyncio

        self._redis = redis.asyncio.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._script = self._redis.register_script(_TAKE_TOKENS)
        self._fallback = fallback or RateLimiter()
        self._prefix = prefix

    async def admit(self, checks: Sequence[Check]) -> bool:
        if not checks:
            return True
        import redis.exceptions

        keys = [self._prefix + key for key, _, _ in checks]
        args = [value for _, capacity, seconds in checks for value in (capacity, seconds * 1000)]
        try:
            return bool(await self._script(keys=keys, args=args))
        except (redis.exceptions.RedisError, OSError) as error:
            logger.warning("rate limit: Redis unavailable (%s), this server's own buckets decide",
                           type(error).__name__)  # fmt: skip
            return self._fallback.allow_all(checks)


def rate_limiter(env: dict[str, str] | None = None) -> RateLimiter | RedisRateLimiter:
    """Shared across servers where REDIS_URL names a Redis, else this process's own."""
    url = ((os.environ if env is None else env).get("REDIS_URL") or "").strip()
    return RedisRateLimiter(url) if url else RateLimiter()


# The failures Rasa logged during the current turn; None outside a guarded turn.
_turn_failures: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "turn_failures", default=None
)


class _ActionFailureListener(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        failures = _turn_failures.get()
        if failures is None or record.levelno < logging.WARNING:
            return
        text = record.getMessage()
        if any(marker in text for marker in _ACTION_FAILURE_MARKERS):
            failures.append(record.name)


_listener = _ActionFailureListener()


def _listen_for_action_failures() -> None:
    for name in _ACTION_LOGGERS:
        target = logging.getLogger(name)
        if _listener not in target.handlers:
            target.addHandler(_listener)


def _is_storage_error(error: BaseException) -> bool:
    import sqlalchemy.exc

    return isinstance(error, sqlalchemy.exc.OperationalError | sqlalchemy.exc.InterfaceError)


def _raise(error: Exception) -> None:
    raise error


def strict_storage(agent: Any) -> None:
    """Makes the agent's tracker store raise on a database error instead of falling back to an
    empty in-memory tracker (see above)."""
    from rasa.core.tracker_store import FailSafeTrackerStore

    store = getattr(agent, "tracker_store", None)
    if isinstance(store, FailSafeTrackerStore) and store._on_tracker_store_error is not _raise:
        store._on_tracker_store_error = _raise


# Reads a conversation's language from its tracker; None when unknown or unreadable.
LanguageLookup = Callable[[str], Awaitable[str | None]]


def tracker_language(agent: Any) -> LanguageLookup | None:
    """The `language` slot of a conversation, read from the agent's tracker store."""
    if agent is None:
        return None

    async def lookup(sender: str) -> str | None:
        store = getattr(agent, "tracker_store", None)
        if store is None:
            return None
        try:
            tracker = await store.retrieve(sender)
        except Exception:  # the store may be the part that failed: fall back to the text
            return None
        language = tracker.get_slot("language") if tracker else None
        return language if language in LANGUAGES else None

    return lookup


class Guard:
    """One per channel; its counters add up what it refused and what failed behind it."""

    def __init__(
        self,
        limits: Limits | None = None,
        limiter: RateLimiter | RedisRateLimiter | None = None,
    ) -> None:
        self.limits = limits or Limits.from_env()
        self.limiter = limiter or (rate_limiter() if limits is None else RateLimiter())
        self.counts: Counter[str] = Counter()
        # The language of the latest refusal per conversation: a flood of refusals reads the
        # tracker once.
        self._refusal_language: OrderedDict[str, str] = OrderedDict()
        _listen_for_action_failures()
        action_responses.install()
        event_types.install()
        redelivery.install()
        sentence_requests.install()

    async def refusal(self, sender: str, text: str, sources: Sequence[str] = ()) -> str | None:
        """Why a message must not be processed ("rate_limited", "too_long"), or None. The rate
        comes first: an over-long message costs a token like any other."""
        if not await self.limiter.admit(self.limits.checks(sender, sources)):
            return RATE_LIMITED
        self._refusal_language.pop(sender, None)  # the language may have changed meanwhile
        if len(text) > self.limits.max_message_chars:
            return TOO_LONG
        return None

    def _count(self, what: str, channel: str, detail: str = "") -> None:
        self.counts[what] += 1
        totals = ", ".join(f"{key} {value}" for key, value in sorted(self.counts.items()))
        logger.warning("%s: %s%s (so far: %s)", channel, what, detail, totals)

    def text(self, what: str, lang: str) -> str:
        return render_text(
            Message(f"guard.{what}", {"max_chars": self.limits.max_message_chars}), lang
        )

    async def language(
        self, message: UserMessage, lookup: LanguageLookup | None, locale: str | None = None
    ) -> str:
        """The conversation's language for an answer the conversation itself did not give."""
        known = self._refusal_language.get(message.sender_id)
        if known:
            return known
        current = await lookup(message.sender_id) if lookup else None
        decision = detect((message.text or "")[:_LANGUAGE_SAMPLE_CHARS], current, locale)
        lang = conversation_language(decision, current, DEFAULT_LANGUAGE)
        self._refusal_language[message.sender_id] = lang
        while len(self._refusal_language) > MAX_TRACKED_BUCKETS:
            self._refusal_language.popitem(last=False)
        return lang

    async def turn(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        message: UserMessage,
        agent: Any = None,
        locale: str | None = None,
        answer: Callable[[str], Awaitable[None]] | None = None,
        sources: Sequence[str] = (),
        admit: Callable[[], Awaitable[bool]] | None = None,
    ) -> str | None:
        """Refuses the message or lets Rasa handle it. A refusal or a failure behind the turn is
        answered by `answer(code)` where the channel has its own way (the widget's error event),
        else with the guard's text on `message.output_channel`. `agent`: Rasa's agent
        (`app.ctx.agent`), for the conversation's language and its storage errors. `sources`:
        who sent it beyond the conversation (e.g. "address:192.0.2.7"), each rate-limited too.
        `admit`: the channel's own check once the limits passed (it answers a "no" itself), so
        that a flood is refused before it costs the channel anything. Returns the code, or
        None."""
        lookup = tracker_language(agent)
        strict_storage(agent)
        if answer is None:

            async def answer(what: str) -> None:
                await self._answer(message.output_channel, what, message, lookup, locale)

        channel = message.input_channel or "channel"
        text = message.text = storable(message.text or "")
        refused = await self.refusal(message.sender_id, text, sources)
        if refused:
            self._count(
                refused, channel, f" ({len(text)} characters)" if refused == TOO_LONG else ""
            )
            await answer(refused)
            return refused
        failures: list[str] = []
        token = _turn_failures.set(failures)
        try:
            if admit is not None and not await admit():
                return NOT_ADMITTED
            await asyncio.wait_for(on_new_message(message), self.limits.turn_seconds)
        except asyncio.TimeoutError:
            failed = UNAVAILABLE
            logger.error("%s: turn cancelled after %s s", channel, self.limits.turn_seconds)
        except Exception as error:
            failed = STORAGE_UNAVAILABLE if _is_storage_error(error) else UNAVAILABLE
            logger.error("%s: turn failed: %s", channel, type(error).__name__, exc_info=True)
        else:
            failed = UNAVAILABLE if failures else None
        finally:
            _turn_failures.reset(token)
        if failed:
            self._count(failed, channel)
            await answer(failed)
        return failed

    async def _answer(
        self,
        output: OutputChannel,
        what: str,
        message: UserMessage,
        lookup: LanguageLookup | None,
        locale: str | None,
    ) -> None:
        # The storage is what failed: reading the tracker for the language would fail again.
        lang = await self.language(message, None if what == STORAGE_UNAVAILABLE else lookup, locale)
        await output.send_text_message(message.sender_id, self.text(what, lang))
