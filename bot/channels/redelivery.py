"""A message delivered twice is answered once.

Bot Framework delivers a Teams activity again when it got no answer in time, and a REST client
retries after a 502 when the server it reached died mid-turn. If the first delivery's turn was
stored, processing the second would put the message into the conversation twice and run its
actions again. Rasa's processor is wrapped (`install()`): inside the conversation's lock, a
message whose id the conversation already holds gets the answers it got the first time, read from
the tracker store, and the conversation does not change. Messages without an id of their own get
a fresh one from Rasa and are never taken for a redelivery.

Installed by the channels, which every Rasa server of the product loads.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.processor import MessageProcessor

logger = logging.getLogger(__name__)


def _answers_store(processor: MessageProcessor) -> Any:
    store = processor.tracker_store
    store = getattr(store, "_tracker_store", store)  # inside Rasa's FailSafeTrackerStore
    return store if hasattr(store, "answers_to") else None


def _wrap(handle_message: Any) -> Any:
    @functools.wraps(handle_message)
    async def handle_message_once(self: MessageProcessor, message: UserMessage) -> Any:
        store = _answers_store(self)
        answers = await store.answers_to(message.sender_id, message.message_id) if store else None
        if answers is None:
            return await handle_message(self, message)
        logger.info("%s: a redelivered message got its first answers", message.input_channel)
        for answer in answers:
            await message.output_channel.send_response(message.sender_id, answer)
        if isinstance(message.output_channel, CollectingOutputChannel):
            return message.output_channel.messages
        return None

    handle_message_once.wrapped_once = True  # type: ignore[attr-defined]
    return handle_message_once


def install() -> None:
    if not getattr(MessageProcessor.handle_message, "wrapped_once", False):
        MessageProcessor.handle_message = _wrap(MessageProcessor.handle_message)
