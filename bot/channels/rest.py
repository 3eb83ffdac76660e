"""The REST channel (`POST /webhooks/rest/webhook`, body {"sender", "message", "metadata"?,
"message_id"?}; a message retried with the same `message_id` is answered once).

A server-to-server channel for trusted integrations: its tracker id is the caller's `sender`
(CONTRACT.md §6), so who may call it is decided before anything else:
- from this machine (loopback; behind `BOT_TRUSTED_PROXIES` the client's address counts, see
  bot/channels/clients.py) it needs nothing; from elsewhere, `Authorization: Bearer <token>` with
  the token an operator sets in `BOT_REST_TOKEN` (unset: other addresses are refused, 403);
- only `Content-Type: application/json` (415 otherwise), and no browser: a request that carries
  an `Origin` is refused (403), so no web page can post into it from a visitor's browser;
- a `sender` in another channel's namespace (a Teams user's, a widget conversation's:
  bot/channels/owners.py) is refused (403): no REST caller speaks in, reads or deletes them.
`BOT_REST_CHANNEL=off` switches it off (404). A request of the wrong shape gets a 400 instead of
an error deep inside Rasa, and every message passes the guard (bot/channels/guard.py): limits,
rate (per conversation, and per address for callers from elsewhere), and an answer when a part
behind the turn fails.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.clients import client_of, trusted_proxies
from bot.channels.guard import MAX_SENDER_CHARS, Guard, storable
from bot.channels.owners import REST, owning_channel

logger = logging.getLogger(__name__)

CHANNEL_NAME = REST
TOKEN_ENV = "BOT_REST_TOKEN"


def rest_enabled(env: dict[str, str] | None = None) -> bool:
    value = (os.environ if env is None else env).get("BOT_REST_CHANNEL", "on").strip().lower()
    return value not in ("off", "0", "false", "no")


def rest_token(env: dict[str, str] | None = None) -> str:
    return ((os.environ if env is None else env).get(TOKEN_ENV) or "").strip()


def bearer_matches(header: str | None, token: str) -> bool:
    scheme, _, given = (header or "").partition(" ")
    return (
        bool(token)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(given.strip().encode(), token.encode())
    )


def _refused(status: int, error: str, why: str) -> HTTPResponse:
    logger.warning("rest: refused a request (HTTP %s): %s", status, why)
    return response.json({"error": error}, status=status)


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
        trusted_proxies()  # a wrong setting stops the server at start, not a request later
        return cls(rest_enabled(), rest_token())

    def __init__(self, enabled: bool = True, token: str = "", guard: Guard | None = None) -> None:
        self.enabled = enabled
        self.token = token
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
            client = client_of(request)
            if not client.local and not bearer_matches(
                request.headers.get("Authorization"), self.token
            ):
                return _refused(
                    403,
                    "the REST channel answers this machine only, others with the operator's token",
                    f"no valid token from {client.address or 'an unknown address'}",
                )
            if "origin" in request.headers:
                return _refused(403, "the REST channel is not for browsers", "sent by a browser")
            if (request.content_type or "").split(";")[0].strip().lower() != "application/json":
                return _refused(415, "the body must be application/json", "not JSON")
            try:
                sender, text, metadata, message_id = parse_body(request.body or b"")
            except BadRequest as error:
                return response.json({"error": str(error)}, status=400)
            if owning_channel(sender) != REST:
                return _refused(
                    403,
                    "this sender id belongs to another channel's conversation",
                    f"a sender id of the {owning_channel(sender)} channel",
                )
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
                sources=client.rate_sources,
            )
            return response.json(collector.messages)

        return rest
