"""The REST channel (`POST /webhooks/rest/webhook`, body {"sender", "message", "metadata"?,
"message_id"?}; a message retried with the same `message_id` is answered once).

A trusted, server-to-server channel: its sender id is the caller's choice, so whoever can reach it
can speak in any conversation. `BOT_REST_CHANNEL=off` switches it off where only Teams and the
widget face users (the route then answers 404). Unlike Rasa's own RestInput, a request of the
wrong shape gets a 400 instead of an error deep inside Rasa, and every message passes the guard
(bot/channels/guard.py): limits, rate, and an answer when a part behind the turn fails.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import MAX_SENDER_CHARS, Guard, storable

logger = logging.getLogger(__name__)

CHANNEL_NAME = "rest"
# Bodies up to this size are read, so that an over-long message gets the guard's answer in the
# conversation's language; larger ones are refused unread.
MAX_BODY_BYTES = 4 * 1024 * 1024


def rest_enabled(env: dict[str, str] | None = None) -> bool:
    value = (os.environ if env is None else env).get("BOT_REST_CHANNEL", "on").strip().lower()
    return value not in ("off", "0", "false", "no")


class BadRequest(ValueError):
    pass


def parse_body(body: bytes) -> tuple[str, str, dict[str, Any] | None, str | None]:
    """Sender, message, metadata and message id of a request body, or BadRequest saying what is
    wrong. A client that retries a message sends it with the same `message_id`: it is answered
    once (bot/channels/redelivery.py)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as error:  # RecursionError: absurdly nested JSON
        raise BadRequest("the body is not JSON") from error
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object")
    sender, message, metadata = data.get("sender"), data.get("message"), data.get("metadata")
    if not isinstance(sender, str) or not sender.strip():
        raise BadRequest("'sender' must be a non-empty string")
    if len(sender) > MAX_SENDER_CHARS or storable(sender) != sender:
        raise BadRequest(
            f"'sender' must be at most {MAX_SENDER_CHARS} characters, without NUL or lone surrogates"
        )
    if not isinstance(message, str):
        raise BadRequest("'message' must be a string")
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest("'metadata' must be a JSON object")
    message_id = data.get("message_id")
    if message_id is not None and not (
        isinstance(message_id, str)
        and 0 < len(message_id) <= MAX_SENDER_CHARS
        and storable(message_id) == message_id
    ):
        raise BadRequest(f"'message_id' must be a string of 1 to {MAX_SENDER_CHARS} characters")
    return sender, message, metadata, message_id


class RestInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> RestInput:
        return cls(rest_enabled())

    def __init__(self, enabled: bool = True, guard: Guard | None = None) -> None:
        self.enabled = enabled
        self.guard = guard or Guard()
        if not enabled:
            logger.info("REST channel is off (BOT_REST_CHANNEL=off)")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        rest = Blueprint("rest_webhook", __name__)

        @rest.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.enabled else "off"})

        @rest.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.enabled:
                return response.json({"error": "the REST channel is off"}, status=404)
            body = request.body or b""
            if len(body) > MAX_BODY_BYTES:
                return response.json({"error": "the body is too large"}, status=413)
            try:
                sender, text, metadata, message_id = parse_body(body)
            except BadRequest as error:
                return response.json({"error": str(error)}, status=400)
            collector = CollectingOutputChannel()
            message = UserMessage(
                text,
                collector,
                sender,
                input_channel=CHANNEL_NAME,
                message_id=message_id,
                metadata=metadata,
            )
            locale = metadata.get("locale") if metadata else None
            await self.guard.turn(
                on_new_message,
                message,
                getattr(request.app.ctx, "agent", None),
                locale if isinstance(locale, str) else None,
            )
            return response.json(collector.messages)

        return rest
