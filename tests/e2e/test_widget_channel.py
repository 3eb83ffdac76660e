"""The web widget's socket.io channel and pages, against the real servers, with python-socketio's
client (the browser itself is driven in tests/browser/)."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
import socketio

from bot.channels.guard import DEFAULT_MAX_MESSAGE_CHARS
from bot.channels.widget.sessions import (
    ALGORITHM,
    DAY_SECONDS,
    FORGOTTEN,
    ISSUER,
    LIFETIME_ENV,
    SENDER_PREFIX,
)
from bot.conversation import intents
from bot.conversation.texts import question
from bot.eligibility import FACT_SPECS
from tests.e2e.conftest import (
    GERMAN_REVENUE,
    GERMAN_START,
    TOKEN,
    WIDGET_HOST_PORT,
    WIDGET_SECRET,
    Assistant,
    ask,
    http,
)

ALLOWED_ORIGIN = f"http://127.0.0.1:{WIDGET_HOST_PORT}"
ROOT = Path(__file__).resolve().parents[2]
# "Delete my data", verbatim a training example of the intent forget_me (checked below), so any
# model trained from this data classifies it; outside the form (after "stop"), the rules ask to
# confirm, and the confirmation button's payload goes past the model.
FORGET_DE = "Lösche meine Daten"
CONFIRM_FORGET = intents.payload(intents.AFFIRM)


class Widget:
    """One browser tab's socket: what it receives, in order. python-socketio's threaded client:
    its asyncio client needs a newer aiohttp than Rasa pins."""

    def __init__(self, base: str, transports: list[str], origin: str | None = None) -> None:
        self.base = base
        self.transports = transports
        self.origin = origin
        self.events: list[tuple[str, Any]] = []
        self.client = socketio.Client(reconnection=False)
        for name in ("session_confirm", "bot_uttered", "bot_typing", "bot_error", FORGOTTEN):
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

    def forget(self, during_the_form: bool = False) -> list[dict]:
        """Asks in German to delete the data (after leaving the form, or while it asks) and
        confirms it."""
        if not during_the_form:
            self.say(ask("stop"))  # not an intent: the text typed
        replies = self.say(FORGET_DE)
        assert replies[-1]["text"].startswith("Soll ich wirklich alles löschen"), replies
        assert {"title": "Ja, löschen", "payload": CONFIRM_FORGET} in replies[-1]["buttons"]
        return self.say(CONFIRM_FORGET)

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


def claims(token: str) -> dict:
    return jwt.decode(token, WIDGET_SECRET, [ALGORITHM], issuer=ISSUER)


def test_the_csp_lets_the_pages_connect_to_their_own_origin_only(assistant: Assistant) -> None:
    for path in ("/chat", "/widget.js", "/widget/manifest.json"):
        _, headers, _ = fetch(assistant.base + path)
        directives = {
            name: sources
            for name, *sources in (d.split() for d in headers["Content-Security-Policy"].split(";"))
        }
        # Not `ws: wss:` (a socket to any host): 'self' covers our own ws(s) in CSP Level 3,
        # which tests/browser shows in Chromium on both transports.
        assert directives["connect-src"] == ["'self'"], (path, directives)
        assert directives["default-src"] == ["'self'"], (path, directives)


def test_a_token_keeps_its_conversations_start_and_expires_from_it(assistant: Assistant) -> None:
    widget = Widget(assistant.base, ["websocket"]).connect()
    first = widget.session(locale="de-DE")
    widget.say(GERMAN_START)
    renewed = widget.session(token=first["token"])
    assert renewed["resumed"] is True
    # Renewal gives a new token for the same start and the same absolute end (30 days default).
    original, again = claims(first["token"]), claims(renewed["token"])
    assert again["started"] == original["started"]
    assert again["exp"] == original["exp"] == original["started"] + 30 * DAY_SECONDS

    # A token renewed for 31 days, genuinely signed and not yet past its own `exp`: the
    # conversation's lifetime is up, so it starts afresh.
    now = int(time.time())
    kept_alive = jwt.encode(
        {
            "sub": first["conversation_id"],
            "iss": ISSUER,
            "iat": now - 60,
            "started": now - 31 * DAY_SECONDS,
            "exp": now + 29 * DAY_SECONDS,
        },
        WIDGET_SECRET,
        ALGORITHM,
    )
    # A token of the kind issued before the absolute lifetime: no start at all.
    no_start = jwt.encode(
        {"sub": first["conversation_id"], "iss": ISSUER, "iat": now, "exp": now + DAY_SECONDS},
        WIDGET_SECRET,
        ALGORITHM,
    )
    for token in (kept_alive, no_start):
        session = widget.session(token=token)
        assert session["resumed"] is False
        assert session["conversation_id"] != first["conversation_id"]
    widget.close()


@pytest.fixture(scope="module")
def peer(assistant: Assistant, model: Path) -> Iterator[Assistant]:
    """A second Rasa server (and action server) on the same database and secret, as in a cluster;
    started when first asked for, i.e. after the conversation it is shown was forgotten."""
    running = Assistant(assistant.database_url, model, env=dict(assistant.env)).start()
    yield running
    running.stop()


def test_delete_my_data_revokes_the_conversations_tokens_on_every_server(
    assistant: Assistant, request: pytest.FixtureRequest
) -> None:
    assert f"- {FORGET_DE}\n" in (ROOT / "data/nlu/de/privacy.yml").read_text("utf-8")
    alice = Widget(assistant.base, ["websocket"]).connect()
    first = alice.session(locale="de-DE")
    alice.say(GERMAN_START)
    renewed = alice.session(token=first["token"])["token"]
    # The same conversation in a second tab, and a conversation that is not deleted.
    tab = Widget(assistant.base, ["polling"]).connect()
    assert tab.session(token=first["token"])["resumed"] is True
    bystander = Widget(assistant.base, ["websocket"]).connect()
    kept = bystander.session(locale="de-DE")
    bystander.say(GERMAN_START)

    since = len(tab.events)
    replies = alice.forget()
    sender = SENDER_PREFIX + first["conversation_id"]
    assert replies[0]["text"].startswith(f"Gelöscht für Gespräch {sender}:"), replies
    # Both tabs are told to drop token and transcript; the bystander is not.
    assert alice.wait_for(FORGOTTEN) == {}
    assert tab.wait_for(FORGOTTEN, since) == {}
    assert assistant.tracker(sender)["slots"]["indirect_months"] is None

    # The tab that ignores it speaks in the conversation no more.
    stored = len(assistant.tracker(sender)["events"])
    since = len(tab.events)
    tab.client.emit("user_uttered", {"message": GERMAN_START, "locale": "de-DE"})
    assert tab.wait_for(FORGOTTEN, since) == {}
    assert not [e for e in tab.events[since:] if e[0] == "bot_uttered"]
    assert len(assistant.tracker(sender)["events"]) == stored
    assert assistant.tracker(sender)["slots"]["indirect_months"] is None

    # Each token the conversation ever had, replayed from another client, resumes nothing.
    mallory = Widget(assistant.base, ["polling"]).connect()
    for token in (first["token"], renewed):
        session = mallory.session(token=token)
        assert session["resumed"] is False and session["forgotten"] is True
        assert session["conversation_id"] != first["conversation_id"]
    assert mallory.session(token=kept["token"])["resumed"] is True
    for widget in (alice, tab, bystander, mallory):
        widget.close()

    # Another server, started after the deletion (so it has no memory of it): the revocation
    # is the database's. It does resume the conversation that was not deleted.
    other: Assistant = request.getfixturevalue("peer")
    elsewhere = Widget(other.base, ["websocket"]).connect()
    session = elsewhere.session(token=renewed)
    assert session["resumed"] is False and session["conversation_id"] != first["conversation_id"]
    resumed = elsewhere.session(token=kept["token"])
    assert resumed["resumed"] is True and resumed["conversation_id"] == kept["conversation_id"]
    elsewhere.close()

    # The lifetime is the operator's setting: restarted with one shorter than the kept
    # conversation has existed, that server no longer resumes it (nothing is waited for).
    other.kill_rasa_server()
    other.restart_rasa_server({LIFETIME_ENV: "0.000001"})  # 86 ms
    late = Widget(other.base, ["polling"]).connect()
    session = late.session(token=resumed["token"])
    assert session["resumed"] is False and session["conversation_id"] != kept["conversation_id"]
    late.close()


def test_delete_my_data_while_the_form_asks_leaves_nothing(assistant: Assistant) -> None:
    widget = Widget(assistant.base, ["websocket"]).connect()
    session = widget.session(locale="de-DE")
    widget.say(GERMAN_START)
    sender = SENDER_PREFIX + session["conversation_id"]
    assert assistant.tracker(sender)["active_loop"].get("name"), "the form asks"
    replies = widget.forget(during_the_form=True)
    assert replies[0]["text"].startswith(f"Gelöscht für Gespräch {sender}:"), replies
    assert widget.wait_for(FORGOTTEN) == {}
    tracker = assistant.tracker(sender)
    assert all(tracker["slots"].get(fact) is None for fact in FACT_SPECS)
    assert not [e for e in tracker["events"] if e.get("text") == GERMAN_START]
    widget.close()
