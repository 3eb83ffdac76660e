"""The web widget's socket.io channel and pages, against the real servers, with python-socketio's
client (the browser itself is driven in tests/browser/)."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from typing import Any

import jwt
import pytest
import socketio

from bot.channels.guard import DEFAULT_MAX_MESSAGE_CHARS
from bot.channels.widget.sessions import ISSUER, SENDER_PREFIX
from bot.conversation.texts import question
from tests.e2e.conftest import (
    GERMAN_REVENUE,
    GERMAN_START,
    TOKEN,
    WIDGET_HOST_PORT,
    WIDGET_SECRET,
    Assistant,
    http,
)

ALLOWED_ORIGIN = f"http://127.0.0.1:{WIDGET_HOST_PORT}"


class Widget:
    """One browser tab's socket: what it receives, in order. python-socketio's threaded client:
    its asyncio client needs a newer aiohttp than Rasa pins."""

    def __init__(self, base: str, transports: list[str], origin: str | None = None) -> None:
        self.base = base
        self.transports = transports
        self.origin = origin
        self.events: list[tuple[str, Any]] = []
        self.client = socketio.Client(reconnection=False)
        for name in ("session_confirm", "bot_uttered", "bot_typing", "bot_error"):
            self.client.on(name, self._recorder(name))

    def _recorder(self, name: str):
        def record(data: Any) -> None:
            self.events.append((name, data))

        return record

    def connect(self) -> Widget:
        headers = {"Origin": self.origin} if self.origin else {}
        self.client.connect(
            self.base, transports=self.transports, socketio_path="/socket.io", headers=headers
        )
        return self

    def wait_for(self, name: str, since: int = 0, timeout: float = 60) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event, data in self.events[since:]:
                if event == name:
                    return data
            time.sleep(0.05)
        raise AssertionError(f"no {name} within {timeout} s: {self.events[since:]}")

    def session(self, **request: Any) -> dict:
        since = len(self.events)
        self.client.emit("session_request", request)
        return self.wait_for("session_confirm", since)

    def say(self, message: str) -> list[dict]:
        """The bot's messages for one user message (between the typing indicator's on and off)."""
        since = len(self.events)
        self.client.emit("user_uttered", {"message": message, "locale": "de-DE"})
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if ("bot_typing", {"typing": False}) in self.events[since:]:
                break
            time.sleep(0.05)
        else:
            raise AssertionError(f"the turn did not end: {self.events[since:]}")
        return [data for event, data in self.events[since:] if event == "bot_uttered"]

    def close(self) -> None:
        # Closes the engine.io session without waiting up to 25 s for the pending long poll.
        self.client.eio.disconnect(abort=True)


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_replies_arrive_over_each_transport(assistant: Assistant, transport: str) -> None:
    def talk() -> None:
        widget = Widget(assistant.base, [transport])
        widget.connect()
        session = widget.session(locale="de-DE")
        assert session["resumed"] is False and len(session["conversation_id"]) >= 22
        replies = widget.say(GERMAN_START)
        text, buttons = question("csp_revenue_usd", "de")
        assert replies[-1] == {"text": text, "buttons": buttons}
        # The typing indicator framed the turn.
        kinds = [event for event, _ in widget.events]
        assert kinds.index("bot_typing") < kinds.index("bot_uttered")
        widget.close()
        sender = SENDER_PREFIX + session["conversation_id"]
        assert assistant.tracker(sender)["slots"]["indirect_months"] == 14

    talk()


def test_a_token_resumes_its_own_conversation_and_nothing_else(assistant: Assistant) -> None:
    def talk() -> None:
        alice = Widget(assistant.base, ["websocket"])
        alice.connect()
        first = alice.session()
        alice.say(GERMAN_START)
        alice.close()

        # A reload: the same token continues the conversation, with its facts.
        again = Widget(assistant.base, ["polling"])
        again.connect()
        resumed = again.session(token=first["token"])
        assert resumed["resumed"] is True
        assert resumed["conversation_id"] == first["conversation_id"]
        replies = again.say(GERMAN_REVENUE)
        assert replies[0]["text"].startswith("Notiert – CSP-Umsatz (12 Monate): 350.000 USD")
        assert replies[-1]["text"] == question("partner_id_active", "de")[0]

        # Mallory knows the conversation id, forges tokens, or sends Rasa's session_id.
        forged = jwt.encode(
            {"sub": first["conversation_id"], "iss": ISSUER, "exp": int(time.time()) + 60},
            "not-the-secret",
            "HS256",
        )
        expired = jwt.encode(
            {"sub": first["conversation_id"], "iss": ISSUER, "exp": int(time.time()) - 60},
            WIDGET_SECRET,
            "HS256",
        )
        alg_none = jwt.encode(
            {"sub": first["conversation_id"], "iss": ISSUER, "exp": int(time.time()) + 60},
            None,
            "none",
        )
        mallory = Widget(assistant.base, ["websocket"])
        mallory.connect()
        for attempt in (
            {"token": forged},
            {"token": expired},
            {"token": alg_none},
            {"session_id": first["conversation_id"]},
            {"token": first["conversation_id"]},
        ):
            session = mallory.session(**attempt)
            assert session["resumed"] is False, attempt
            assert session["conversation_id"] != first["conversation_id"], attempt
        since = len(again.events)
        replies = mallory.say("Ja")
        # Mallory's "Ja" went to Mallory's own new conversation: Alice's form still waits for
        # the PartnerID answer, and Alice's socket received nothing of it.
        sender = SENDER_PREFIX + first["conversation_id"]
        assert assistant.tracker(sender)["slots"]["partner_id_active"] is None
        assert again.events[since:] == []
        assert all("350.000" not in (r.get("text") or "") for r in replies)
        # "New conversation" starts afresh even with a valid token.
        fresh = again.session(token=resumed["token"], new=True)
        assert fresh["resumed"] is False and fresh["conversation_id"] != first["conversation_id"]
        for widget in (again, mallory):
            widget.close()

    talk()


def test_messages_need_a_session_and_a_sane_size(assistant: Assistant) -> None:
    def talk() -> None:
        widget = Widget(assistant.base, ["websocket"])
        widget.connect()
        widget.client.emit("user_uttered", {"message": "Hallo"})
        assert widget.wait_for("bot_error") == {"code": "no_session"}
        widget.session()
        since = len(widget.events)
        widget.client.emit("user_uttered", {"message": "x" * (DEFAULT_MAX_MESSAGE_CHARS + 1)})
        assert widget.wait_for("bot_error", since) == {"code": "too_long"}
        since = len(widget.events)
        widget.client.emit("user_uttered", {"message": ["not", "text"]})
        assert widget.wait_for("bot_error", since) == {"code": "invalid"}
        widget.close()

    talk()


def test_only_listed_origins_may_connect(assistant: Assistant) -> None:
    def connect(origin: str) -> bool:
        widget = Widget(assistant.base, ["polling"], origin=origin)
        try:
            widget.connect()
        except socketio.exceptions.ConnectionError:
            return False
        widget.close()
        return True

    assert (connect(ALLOWED_ORIGIN)) is True
    assert (connect(assistant.base)) is True  # the bot's own /chat page
    assert (connect("https://evil.example")) is False


def fetch(url: str, headers: dict | None = None) -> tuple[int, Any, bytes]:
    """Status, headers (case-insensitive) and body."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_pages_and_files_are_served_with_safe_headers(assistant: Assistant) -> None:
    import json

    status, headers, body = fetch(f"{assistant.base}/chat")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    policy = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert f"frame-ancestors 'self' {ALLOWED_ORIGIN};" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert b"<script>" not in body and b"style=" not in body  # nothing inline

    status, headers, _ = fetch(f"{assistant.base}/widget.js")
    assert status == 200 and headers["Cache-Control"] == "no-cache"
    status, _, _ = fetch(f"{assistant.base}/widget.js", {"If-None-Match": headers["ETag"]})
    assert status == 304

    status, headers, body = fetch(
        f"{assistant.base}/widget/manifest.json", {"Origin": ALLOWED_ORIGIN}
    )
    assert headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    files = json.loads(body)
    assert "socket.io.min.js" in files and "widget.css" in files
    status, headers, _ = fetch(assistant.base + files["socket.io.min.js"])
    assert status == 200 and "immutable" in headers["Cache-Control"]
    assert headers["Content-Type"].startswith("text/javascript")
    _, headers, _ = fetch(
        f"{assistant.base}/widget/manifest.json", {"Origin": "https://evil.example"}
    )
    assert "Access-Control-Allow-Origin" not in headers
    assert fetch(f"{assistant.base}/widget/static/nothing.js")[0] == 404


def post_into(base: str, sender: str, text: str) -> int:
    """What an operator's integration does: a bot message into a conversation through Rasa's
    HTTP API, shown on the channel the partner last wrote on."""
    status, _ = http(
        "POST",
        f"{base}/conversations/{sender}/tracker/events"
        f"?token={TOKEN}&output_channel=latest&execute_side_effects=true",
        {"event": "bot", "text": text},
    )
    return status


def test_a_message_sent_through_the_http_api_reaches_every_tab_of_the_conversation(
    assistant: Assistant,
) -> None:
    first = Widget(assistant.base, ["websocket"]).connect()
    session = first.session(locale="de-DE")
    first.say(GERMAN_START)
    second = Widget(assistant.base, ["polling"]).connect()
    assert second.session(token=session["token"])["resumed"] is True
    other = Widget(assistant.base, ["websocket"]).connect()
    other.session(locale="de-DE")
    other.say(GERMAN_START)
    since = [len(w.events) for w in (first, second, other)]
    sender = SENDER_PREFIX + session["conversation_id"]
    assert post_into(assistant.base, sender, "Ihr Antrag ist eingegangen.") == 200
    for widget, start in zip((first, second), since[:2], strict=True):
        assert widget.wait_for("bot_uttered", start) == {"text": "Ihr Antrag ist eingegangen."}
    time.sleep(0.5)
    assert [e for e in other.events[since[2] :] if e[0] == "bot_uttered"] == []
    for widget in (first, second, other):
        widget.close()
