"""Rasa's SQL tracker store, made to honour "delete my data" said in the chat itself.

Rasa saves a conversation once per message, after the actions ran, and stores the events its
in-memory tracker holds beyond the number already in the table. When the chat's delete action has
just emptied the table, that number is zero, so the plain SQLTrackerStore writes the whole current
session straight back. This store instead deletes the conversation's events and writes nothing
when the tracker shows that the delete action ran; the next message starts a new conversation.

endpoints.yml:

    tracker_store:
      type: bot.storage.tracker_store.ForgettingSQLTrackerStore
      url: ${DATABASE_URL}
      forget_action: action_forget_conversation   # the action that has called forget()

Rasa's SQL store does its database work inside `async def` methods without awaiting it, so every
read and commit stops the server's one event loop, and with it every other conversation, until the
database answers (a commit waits for the disk: 3 to 10 ms here). This store does that work on
worker threads instead.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Coroutine, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import sqlalchemy as sa
import sqlalchemy.orm
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

from bot.storage.db import make_engine

DEFAULT_FORGET_ACTION = "action_forget_conversation"
# Far more bot messages than one turn of ours sends.
MAX_ANSWERS = 50
# Database calls at once per server: more than the turns an event loop keeps in flight between
# two database calls, few enough not to crowd SQLite's single writer.
DATABASE_THREADS = 4

T = TypeVar("T")


def _finish(coroutine: Coroutine[Any, Any, T]) -> T:
    """The result of a coroutine that never suspends (Rasa's SQL store's methods are blocking code
    under `async def`), run in the calling thread."""
    try:
        coroutine.send(None)
    except StopIteration as finished:
        return finished.value
    coroutine.close()
    raise RuntimeError("the tracker store awaited something where it was expected to block")


class ForgettingSQLTrackerStore(SQLTrackerStore):
    def __init__(
        self, *args: Any, forget_action: str | Iterable[str] = DEFAULT_FORGET_ACTION, **kwargs: Any
    ) -> None:
        names = [forget_action] if isinstance(forget_action, str) else list(forget_action)
        self.forget_actions = frozenset(names)
        super().__init__(*args, **kwargs)
        # The product's engine settings instead of Rasa's: PostgreSQL connections tested before
        # use (Rasa's pool keeps connections that a database restart has closed, so the first
        # turns after it is back would fail), SQLite's connections pooled, WAL and a busy timeout.
        url = self.engine.url
        self.engine.dispose()
        self.engine = make_engine(url, future=False, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)
        self._database_threads = ThreadPoolExecutor(DATABASE_THREADS, "tracker-store")

    async def _off_the_loop(self, blocking: Any, *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._database_threads, functools.partial(blocking, *args)
        )

    def ran_forget_action(self, tracker: DialogueStateTracker) -> bool:
        # Only the turn that ran it can show it: its events are never stored, so a later turn's
        # tracker (read back from the table) cannot.
        return any(
            isinstance(event, ActionExecuted) and event.action_name in self.forget_actions
            for event in tracker.events
        )

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        parent = super()._retrieve
        return await self._off_the_loop(
            lambda: _finish(parent(sender_id, fetch_events_from_all_sessions))
        )

    async def save(self, tracker: DialogueStateTracker) -> None:
        # The caller holds the conversation's lock: nothing else changes this tracker meanwhile.
        if self.ran_forget_action(tracker):
            await self._off_the_loop(self._forget, tracker.sender_id)
        elif self.event_broker is not None:
            await super().save(tracker)  # streams to the broker, whose client belongs to the loop
        else:
            parent = super().save
            await self._off_the_loop(lambda: _finish(parent(tracker)))

    def _forget(self, sender_id: str) -> None:
        with self.session_scope() as session:
            session.execute(sa.delete(self.SQLEvent).where(self.SQLEvent.sender_id == sender_id))
            session.commit()

    async def answers_to(self, sender_id: str, message_id: str) -> list[dict[str, Any]] | None:
        """The bot's answers to the conversation's user message `message_id` as Rasa's message
        dicts (text, buttons, custom, ...), or None if the conversation holds no such message."""
        return await self._off_the_loop(self._answers_to_blocking, sender_id, message_id)

    def _answers_to_blocking(self, sender_id: str, message_id: str) -> list[dict[str, Any]] | None:
        # Rasa stores each event as json.dumps(event.as_dict()): the id appears as written here.
        needle = '"message_id": ' + json.dumps(message_id)
        pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        events = self.SQLEvent
        with self.session_scope() as session:
            first = session.execute(
                sa.select(events.id)
                .where(events.sender_id == sender_id, events.type_name == "user")
                .where(events.data.like(pattern, escape="\\"))
                .order_by(events.id)
                .limit(1)
            ).scalar()
            if first is None:
                return None
            later = session.execute(
                sa.select(events.type_name, events.data)
                .where(events.sender_id == sender_id, events.id > first)
                .where(events.type_name.in_(("user", "bot")))
                .order_by(events.id)
                .limit(MAX_ANSWERS + 1)
            )
            answers = []
            for type_name, data in later:
                if type_name == "user":
                    break
                bot = json.loads(data)
                answers.append({"text": bot.get("text"), **(bot.get("data") or {})})
            return answers
