"""The conversation store does its database work on worker threads: a read or a commit (which
waits for the disk) does not stop the Rasa server's event loop and the other conversations on it."""

from __future__ import annotations

import asyncio
import threading

from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from sqlalchemy import event

from bot.conversation import intents
from bot.storage.tracker_store import ForgettingSQLTrackerStore
from tests.storage.conftest import rasa_conversation, rasa_store


def test_reads_and_writes_run_off_the_event_loop_and_keep_every_event(migrated_url: str) -> None:
    store = rasa_store(migrated_url, ForgettingSQLTrackerStore)
    statements_on: list[int] = []
    event.listen(
        store.engine,
        "before_cursor_execute",
        lambda *_: statements_on.append(threading.get_ident()),
    )
    tracker = rasa_conversation("off-the-loop")
    for later in (
        UserUttered("Ja", intent={"name": intents.AFFIRM, "confidence": 0.9}, message_id="m-2"),
        BotUttered("Verstanden."),
        ActionExecuted("action_listen"),
    ):
        tracker.update(later)
    ticks = 0

    async def ticking() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    async def conversation() -> tuple:
        loop_thread = threading.get_ident()
        ticker = asyncio.create_task(ticking())
        await store.save(tracker)
        back = await store.retrieve_full_tracker("off-the-loop")
        answers = await store.answers_to("off-the-loop", "m-2")
        ticker.cancel()
        return loop_thread, back, answers

    loop_thread, back, answers = asyncio.run(conversation())
    store.engine.dispose()
    assert statements_on and loop_thread not in statements_on
    assert ticks > 0  # the loop went on while the database worked
    assert [e.as_dict() for e in back.events] == [e.as_dict() for e in tracker.events]
    assert [a["text"] for a in answers] == ["Verstanden."]
