"""The web widget's channel: socket.io for the conversation, plus the pages and files it needs.

Rasa 3.6's own socket.io channel delivers no reply with the python-socketio it installs (it never
awaits `enter_room`, rasa#13027) and trusts any `session_id` a browser sends. Here every socket
gets its replies in its own room (the socket id), and the conversation it talks to comes only
from a token the server signed (bot/channels/widget/sessions.py). Each socket also joins its
conversation's room, which messages sent through Rasa's HTTP API reach; with REDIS_URL set
(several servers) they reach it from any server.

Protocol (the client is static/widget.js):
- client `session_request` {token?, new?, locale?} → server `session_confirm`
  {conversation_id, token, resumed, forgotten}; a missing, forged or expired token, a token past
  the conversation's lifetime, one of a forgotten (revoked) conversation — then `forgotten` is
  true — or `new` starts afresh;
- client `user_uttered` {message, locale?} → server `bot_typing` {typing: true}, one `bot_uttered`
  per bot message (Rasa's message dict: text, buttons, custom), `bot_typing` {typing: false};
- server `conversation_forgotten` {}: the conversation was deleted ("delete my data") and its
  tokens revoked; sent to every socket on it, and to one that still speaks in it afterwards. The
  client drops its token and transcript and asks for a new session;
- server `bot_error` {code}: "no_session" (a message before `session_request`), "invalid",
  and from the guard (bot/channels/guard.py): "too_long", "rate_limited", "unavailable" (the
  action server or the database failed; the client says so in the widget's language).
Connections are accepted only from the bot's own origin and `BOT_WIDGET_ORIGINS`.

Revocation is the database's (bot.storage: `forget` records it in the deletion's transaction),
so it holds on every server and after restarts; it is checked on every resume and every message.
Where the check cannot be made (the database is down) nothing is resumed or answered: the socket
gets "unavailable" and is disconnected, and the client retries with the same token later.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncManager, AsyncRedisManager, AsyncServer

from bot.channels.clients import client_of, trusted_proxies
from bot.channels.guard import RATE_LIMITED, TOO_LONG, UNAVAILABLE, Guard
from bot.channels.widget.assets import (
    IMMUTABLE,
    REVALIDATE,
    Asset,
    allowed_origins,
    load_assets,
    manifest,
    security_headers,
)
from bot.channels.widget.sessions import FORGOTTEN, Sessions, token_lifetime, widget_secret

logger = logging.getLogger(__name__)

CHANNEL_NAME = "widget"
SOCKETIO_PATH = "/socket.io"
MAX_LOCALE_CHARS = 35


def client_manager(redis_url: str) -> AsyncManager:
    """Where several servers share REDIS_URL, an emit on one reaches a socket open on another
    (python-socketio's Redis manager); else the sockets of this server only."""
    if redis_url.strip():
        return AsyncRedisManager(redis_url.strip(), channel="bot-widget")
    return AsyncManager()


def packet_limit(max_message_chars: int) -> int:
    """Bytes one socket.io packet may carry: a message at the guard's limit must still arrive
    (and be answered "too long" beyond it) rather than close the socket. JSON may spell each
    character as an escaped surrogate pair, 12 bytes; the rest of an event is far below 4 KiB."""
    return 12 * max_message_chars + 4096


def conversation_room(sender_id: str) -> str:
    """The room of every socket open on a conversation, on whichever server."""
    return "conversation:" + sender_id


class WidgetOutput(OutputChannel):
    """Replies to the one socket that sent the message or, without one (a message the HTTP API
    sends into a conversation), to every socket open on the conversation."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL_NAME

    def __init__(self, sio: AsyncServer, sid: str | None = None) -> None:
        self._sio = sio
        self._sid = sid

    async def _emit(self, recipient_id: str, message: dict[str, Any]) -> None:
        room = self._sid or conversation_room(recipient_id)
        await self._sio.emit("bot_uttered", message, room=room)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._emit(recipient_id, {"text": text})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        shown = [
            {"title": str(b["title"]), "payload": str(b["payload"])}
            for b in buttons
            if b.get("title") and b.get("payload")
        ]
        await self._emit(recipient_id, {"text": text, "buttons": shown})

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        if json_message.get("type") == FORGOTTEN:
            # Every tab open on the conversation, on any server, forgets it too.
            await self._sio.emit(FORGOTTEN, {}, room=conversation_room(recipient_id))
            return
        await self._emit(recipient_id, {"custom": json_message})


class _PagesBlueprint(Blueprint):
    """Attaches socket.io and the pages at the server's root (Rasa mounts channels under
    /webhooks/<name>/, but portals link /widget.js and /chat)."""

    def __init__(self, channel: WidgetInput, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ctx.channel = channel

    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        self.ctx.channel._app = app  # Rasa's agent is app.ctx.agent once the server started
        self.ctx.channel.sio.attach(app, SOCKETIO_PATH)
        self.ctx.channel.add_pages(app)
        super().register(app, options)


class WidgetInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WidgetInput:
        trusted_proxies()  # a wrong setting stops the server at start, not a socket later
        return cls(allowed_origins(), Sessions(widget_secret(), token_lifetime()))

    def __init__(
        self,
        origins: tuple[str, ...],
        sessions: Sessions,
        guard: Guard | None = None,
        revoked: Callable[[str], Awaitable[bool]] | None = None,
    ) -> None:
        self.origins = origins
        self.sessions = sessions
        self.guard = guard or Guard()
        self._revoked = revoked
        self._app: Sanic | None = None  # set when the blueprint is registered
        self.assets = load_assets()
        self._by_hashed_name = {a.hashed_name: a for a in self.assets.values()}
        self._manifest = manifest(self.assets)
        self._headers = security_headers(origins)
        self.sio = AsyncServer(
            async_mode="sanic",
            client_manager=client_manager(os.environ.get("REDIS_URL", "")),
            cors_allowed_origins=self._origin_allowed,
            max_http_buffer_size=packet_limit(self.guard.limits.max_message_chars),
        )

    def _origin_allowed(self, origin: str | None, environ: dict[str, Any]) -> bool:
        if origin is None:
            return True  # not a browser: nothing for the same-origin policy to protect
        host = environ.get("HTTP_HOST")
        scheme = environ.get("wsgi.url_scheme", "http")
        forwarded = environ.get("HTTP_X_FORWARDED_PROTO", scheme).split(",")[0].strip()
        own = {f"{scheme}://{host}", f"{forwarded}://{host}"} if host else set()
        return origin in own or origin in self.origins

    # --- pages and files ----------------------------------------------------------------------

    def add_pages(self, app: Sanic) -> None:
        async def chat(request: Request) -> HTTPResponse:
            return self._file(request, self.assets.get("chat.html"), REVALIDATE)

        async def loader(request: Request) -> HTTPResponse:
            return self._file(request, self.assets.get("widget.js"), REVALIDATE)

        async def files_manifest(request: Request) -> HTTPResponse:
            headers = {**self._headers, "Cache-Control": REVALIDATE}
            origin = request.headers.get("Origin")
            if origin and origin in self.origins:  # the loader fetches this from the portal
                headers.update({"Access-Control-Allow-Origin": origin, "Vary": "Origin"})
            return response.raw(self._manifest, headers=headers, content_type="application/json")

        async def static(request: Request, name: str) -> HTTPResponse:
            hashed = self._by_hashed_name.get(name)
            if hashed is not None:
                return self._file(request, hashed, IMMUTABLE)
            return self._file(request, self.assets.get(name), REVALIDATE)

        app.add_route(chat, "/chat", name="widget_chat")
        app.add_route(loader, "/widget.js", name="widget_loader")
        app.add_route(files_manifest, "/widget/manifest.json", name="widget_manifest")
        app.add_route(static, "/widget/static/<name>", name="widget_static")

    def _file(self, request: Request, asset: Asset | None, caching: str) -> HTTPResponse:
        if asset is None:
            return response.text("not found", status=404, headers=self._headers)
        headers = {**self._headers, "Cache-Control": caching, "ETag": asset.etag}
        if request.headers.get("If-None-Match") == asset.etag:
            return response.empty(status=304, headers=headers)
        return response.raw(asset.body, headers=headers, content_type=asset.content_type)

    # --- the conversation ---------------------------------------------------------------------

    def _address_sources(self, sid: str) -> tuple[str, ...]:
        request = (self.sio.get_environ(sid) or {}).get("sanic.request")
        return client_of(request).rate_sources if request is not None else ("address:unknown",)

    async def is_revoked(self, sender_id: str) -> bool:
        """Whether the conversation was forgotten: asked of the database on a worker thread."""
        if self._revoked is None:
            from bot.storage import default_async_repository

            self._revoked = default_async_repository().is_revoked
        return await self._revoked(sender_id)

    def get_output_channel(self) -> OutputChannel:
        """For messages Rasa's HTTP API sends into a conversation (`output_channel=latest`)."""
        return WidgetOutput(self.sio)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        pages = _PagesBlueprint(self, "widget_webhook", __name__)
        sio = self.sio

        @pages.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        # A client may emit an event without data: python-socketio then passes none.
        @sio.on("session_request")
        async def session_request(sid: str, data: Any = None) -> None:
            data = data if isinstance(data, dict) else {}
            token = None if data.get("new") else data.get("token")
            session = self.sessions.resume(token) if token else None
            forgotten = False
            if session is not None:
                try:
                    forgotten = await self.is_revoked(session.sender_id)
                except Exception:
                    # Fail closed, but keep the client's token: it reconnects and asks again.
                    logger.exception("widget: could not check the token's revocation")
                    await sio.emit("bot_error", {"code": UNAVAILABLE}, room=sid)
                    await sio.disconnect(sid)
                    return
                if forgotten:
                    logger.info("widget: a token of a forgotten conversation; new conversation")
                    session = None
            if session is None:
                if token and not forgotten:
                    logger.info("widget: a token was not ours or expired; new conversation")
                session = self.sessions.new()
            previous = (await sio.get_session(sid)).get("sender_id")
            if previous and previous != session.sender_id:
                await sio.leave_room(sid, conversation_room(previous))
            await sio.enter_room(sid, conversation_room(session.sender_id))
            await sio.save_session(
                sid,
                {
                    "sender_id": session.sender_id,
                    "locale": _locale(data.get("locale")),
                    # Rate-limited beyond the conversation: this socket, and its address
                    # (a new conversation or socket does not start afresh).
                    "sources": [f"socket:{sid}", *self._address_sources(sid)],
                },
            )
            await sio.emit(
                "session_confirm",
                {
                    "conversation_id": session.conversation_id,
                    "token": session.token,
                    "resumed": session.resumed,
                    "forgotten": forgotten,
                },
                room=sid,
            )

        @sio.on("user_uttered")
        async def user_uttered(sid: str, data: Any = None) -> None:
            state = await sio.get_session(sid)
            if not state.get("sender_id"):
                await sio.emit("bot_error", {"code": "no_session"}, room=sid)
                return
            message = data.get("message") if isinstance(data, dict) else None
            if not isinstance(message, str):
                await sio.emit("bot_error", {"code": "invalid"}, room=sid)
                return
            if not message.strip():
                return
            locale = _locale(data.get("locale")) or state.get("locale")

            async def error(what: str) -> None:
                code = what if what in (TOO_LONG, RATE_LIMITED) else UNAVAILABLE
                await sio.emit("bot_error", {"code": code}, room=sid)

            async def still_open() -> bool:
                # A socket that joined before the conversation was forgotten (another tab, a
                # copied token) speaks in it no more. Asked once the limits passed: a flood
                # costs no database read. A failed check is answered as unavailable.
                if not await self.is_revoked(state["sender_id"]):
                    return True
                await sio.leave_room(sid, conversation_room(state["sender_id"]))
                await sio.save_session(sid, {**state, "sender_id": None})
                await sio.emit(FORGOTTEN, {}, room=sid)
                return False

            await sio.emit("bot_typing", {"typing": True}, room=sid)
            try:
                await self.guard.turn(
                    on_new_message,
                    UserMessage(
                        message,
                        WidgetOutput(sio, sid),
                        state["sender_id"],
                        input_channel=CHANNEL_NAME,
                        metadata={"locale": locale} if locale else None,
                    ),
                    agent=getattr(self._app.ctx, "agent", None) if self._app else None,
                    answer=error,
                    sources=state.get("sources") or (f"socket:{sid}",),
                    admit=still_open,
                )
            finally:
                await sio.emit("bot_typing", {"typing": False}, room=sid)

        return pages


def _locale(value: Any) -> str | None:
    if isinstance(value, str) and 0 < len(value) <= MAX_LOCALE_CHARS:
        return value
    return None
