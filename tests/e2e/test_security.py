"""Attacks on the servers as `make run` starts them, each performed for real: what an outsider who
reaches a port can do, and what a caller of the REST channel can do beyond its own conversation.

The session's assistant believes a proxy on loopback (BOT_TRUSTED_PROXIES=127.0.0.1), as the
cluster's servers believe HAProxy: a test that sends `X-Forwarded-For` plays that proxy and so
speaks for a client elsewhere (addresses from the documentation ranges, never contacted).
"""

from __future__ import annotations

import socket
import stat
import uuid
from pathlib import Path
from typing import Any

import pytest
import rasa_sdk

from bot.texts import CATALOG
from tests.e2e.conftest import (
    ENGLISH_START,
    REST_TOKEN,
    TOKEN,
    Assistant,
    ask,
    http,
    texts,
    verdicts,
)
from tests.e2e.test_teams import activity, say
from tests.e2e.test_widget_channel import Widget
from tests.fake_botframework import FakeBotFramework

ELSEWHERE = "203.0.113.9"  # TEST-NET-3: a client on another machine
RATE_LIMITED = {CATALOG["guard.rate_limited"][lang] for lang in ("de", "en")}


def rest(
    assistant: Assistant,
    body: dict | bytes,
    headers: dict[str, str] | None = None,
    content_type: str = "application/json",
) -> tuple[int, Any]:
    url = f"{assistant.base}/webhooks/rest/webhook"
    return http("POST", url, body, headers={"Content-Type": content_type, **(headers or {})})


def events(assistant: Assistant, sender: str) -> list[dict]:
    return assistant.tracker(sender)["events"]


def user_texts(assistant: Assistant, sender: str) -> list[str]:
    return [e["text"] for e in events(assistant, sender) if e["event"] == "user"]


def new(kind: str) -> str:
    return f"sec-{kind}-{uuid.uuid4().hex[:10]}"


# --- the action server ----------------------------------------------------------------------


def forget_call(sender: str) -> dict:
    """What the Rasa server sends the action server to run "delete my data" for `sender`."""
    return {
        "next_action": "action_forget_conversation",
        "sender_id": sender,
        "version": rasa_sdk.__version__,
        "domain": {},
        "tracker": {
            "sender_id": sender,
            "slots": {"language": "en"},
            "latest_message": {"text": "", "intent": {}, "entities": []},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


def call_action_server(assistant: Assistant, body: dict, secret: str | None) -> int:
    url = f"http://127.0.0.1:{assistant.action_port}/webhook"
    return http("POST", url, body, headers={"Authorization": f"Bearer {secret}"} if secret else {})[
        0
    ]


def test_the_action_server_runs_nothing_without_the_rasa_servers_secret(
    assistant: Assistant,
) -> None:
    victim = new("victim")
    [verdict] = verdicts(assistant.say(victim, ENGLISH_START) + assistant.say(victim, ask("What do I still lack?")))  # fmt: skip
    assert verdict["facts"]["csp_revenue_usd"] == 350000
    before = events(assistant, victim)
    for secret in (None, "guessed", TOKEN):
        assert call_action_server(assistant, forget_call(victim), secret) == 401
    assert events(assistant, victim) == before, "nothing of the victim's conversation went"
    # The same call with the secret deletes: the refusals above were the secret's doing.
    secret = assistant._env["BOT_ACTION_SERVER_TOKEN"]
    assert call_action_server(assistant, forget_call(victim), secret) == 200
    assert events(assistant, victim) != before


def test_no_secret_is_on_a_command_line(assistant: Assistant) -> None:
    """`ps` shows every local user each process's command line."""
    secrets = (TOKEN, assistant._env["BOT_ACTION_SERVER_TOKEN"])
    for process in (assistant.servers.rasa_server, assistant.servers.action_server):
        command_line = Path(f"/proc/{process.pid}/cmdline").read_bytes().decode()
        assert not any(secret in command_line for secret in secrets), command_line
        mode = stat.S_IMODE(Path(f"/proc/{process.pid}/environ").stat().st_mode)
        assert mode & 0o077 == 0, "the environment that holds them is the owner's only"


# --- files on the host ------------------------------------------------------------------------


def test_the_database_file_is_its_owners_only(assistant: Assistant) -> None:
    assistant.say(new("files"), ENGLISH_START)  # a write: the -wal and -shm files exist
    database = Path(assistant.database_url.removeprefix("sqlite:///"))
    files = [p for p in (database, Path(f"{database}-wal"), Path(f"{database}-shm")) if p.exists()]
    assert database in files and len(files) == 3
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, (path, oct(path.stat().st_mode))


# --- the REST channel -----------------------------------------------------------------------


def test_rest_from_elsewhere_needs_the_operators_token(assistant: Assistant) -> None:
    sender = new("remote")
    body = {"sender": sender, "message": ENGLISH_START}
    for headers in (
        {"X-Forwarded-For": ELSEWHERE},
        {"X-Forwarded-For": ELSEWHERE, "Authorization": "Bearer wrong"},
        {"X-Forwarded-For": ELSEWHERE, "Authorization": f"Bearer {TOKEN}"},  # the API's token
        # A client that plants "127.0.0.1" before the address the proxy adds.
        {"X-Forwarded-For": f"127.0.0.1, {ELSEWHERE}"},
    ):
        assert rest(assistant, body, headers)[0] == 403, headers
    assert user_texts(assistant, sender) == []
    status, replies = rest(
        assistant, body, {"X-Forwarded-For": ELSEWHERE, "Authorization": f"Bearer {REST_TOKEN}"}
    )
    assert status == 200 and "350,000" in texts(replies)


def test_rest_behind_a_proxy_the_operator_did_not_name_is_not_local(
    pg_assistant: Assistant,
) -> None:
    """A reverse proxy on the same machine makes every visitor's connection come from loopback;
    that a request was forwarded is enough to count it as from elsewhere."""
    sender = new("proxied")
    for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
        value = f"for={ELSEWHERE}" if header == "Forwarded" else ELSEWHERE
        status, _ = rest(pg_assistant, {"sender": sender, "message": "hello"}, {header: value})
        assert status == 403, header
    assert user_texts(pg_assistant, sender) == []


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_rest_takes_json_only(assistant: Assistant, content_type: str) -> None:
    """A browser sends text/plain and forms to any site without asking first (no preflight)."""
    sender = new("type")
    body = {"sender": sender, "message": "hello"}
    assert rest(assistant, body, content_type=content_type)[0] == 415
    assert user_texts(assistant, sender) == []
    assert rest(assistant, body, content_type="application/json; charset=utf-8")[0] == 200


def test_rest_refuses_browsers(assistant: Assistant) -> None:
    sender = new("browser")
    body = {"sender": sender, "message": "hello"}
    for origin in ("https://attacker.example", assistant.base, "null"):
        assert rest(assistant, body, {"Origin": origin})[0] == 403
    assert user_texts(assistant, sender) == []


def test_rest_cannot_speak_in_another_channels_conversation(assistant: Assistant) -> None:
    widget = Widget(assistant.base, ["websocket"]).connect()
    try:
        session = widget.session(locale="en-US")
        widget.say(ENGLISH_START)
    finally:
        widget.close()
    widget_sender = "widget-" + session["conversation_id"]
    before = events(assistant, widget_sender)
    teams_user = "teams:" + str(uuid.uuid4())
    for sender in (widget_sender, teams_user, "teams:bf:29:1abc", "widget-new"):
        for message in ("delete my data", "yes", "What do I still lack?"):
            status, replies = rest(
                assistant, {"sender": sender, "message": message, "message_id": "m1"}
            )
            assert (status, replies) == (403, None), sender
    assert events(assistant, widget_sender) == before
    assert user_texts(assistant, teams_user) == []


def test_a_body_over_the_limit_is_refused_unread(assistant: Assistant) -> None:
    huge = b'{"sender": "x", "message": "' + b"a" * (2 * 1024 * 1024) + b'"}'
    assert rest(assistant, huge)[0] == 413


def test_a_source_is_limited_whatever_sender_ids_it_invents(assistant: Assistant) -> None:
    """New sender ids do not start afresh: the caller's address has a bucket of its own. Its
    over-long messages, refused without a turn, count too."""
    headers = {"X-Forwarded-For": "203.0.113.77", "Authorization": f"Bearer {REST_TOKEN}"}
    limited_after = None
    for sent in range(1, 121):
        status, replies = rest(
            assistant, {"sender": new("flood"), "message": "x" * 10_001}, headers
        )
        assert status == 200
        if RATE_LIMITED & {m.get("text") for m in replies}:
            limited_after = sent
            break
    assert limited_after is not None, "120 messages from one address, none limited"
    other = {"X-Forwarded-For": "203.0.113.78", "Authorization": f"Bearer {REST_TOKEN}"}
    status, replies = rest(assistant, {"sender": new("other"), "message": "hello"}, other)
    assert status == 200 and not RATE_LIMITED & {m.get("text") for m in replies}


def test_only_the_channels_port_listens_beyond_loopback(assistant: Assistant) -> None:
    """The action server listens on loopback: only the Rasa server, whose channels face users
    (its HTTP API behind its token), listens on the network."""
    pids = {assistant.servers.rasa_server.pid, assistant.servers.action_server.pid}
    inodes = set()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = fd.readlink()
            except OSError:
                continue
            if str(target).startswith("socket:["):
                inodes.add(str(target)[8:-1])
    public = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].split(":")
            if fields[3] == "0A" and fields[9] in inodes and not _loopback(address):
                public.append(int(port_hex, 16))
    assert public == [assistant.rasa_port]


def _loopback(hex_address: str) -> bool:
    if len(hex_address) == 8:  # IPv4, little-endian
        return socket.inet_ntoa(bytes.fromhex(hex_address)[::-1]).startswith("127.")
    return hex_address == "00000000000000000000000001000000"  # ::1


# --- limits that hold against a client that changes its name ----------------------------------


def test_a_widget_client_is_limited_whatever_sockets_and_conversations_it_opens(
    assistant: Assistant,
) -> None:
    """New sockets and new conversations from one address share its bucket (the address a
    trusted proxy forwards; here the test plays that proxy)."""

    def socket_from(address: str) -> Widget:
        widget = Widget(assistant.base, ["websocket"])
        widget.client.connect(
            assistant.base,
            transports=["websocket"],
            socketio_path="/socket.io",
            headers={"X-Forwarded-For": address},
        )
        return widget

    sockets = [socket_from("203.0.113.88") for _ in range(3)]
    limited_after = None
    try:
        for sent in range(1, 121):
            widget = sockets[sent % 3]
            widget.session(new=True, locale="en-US")
            since = len(widget.events)
            widget.client.call("user_uttered", {"message": "x" * 10_001}, timeout=30)
            errors = [e["code"] for name, e in widget.events[since:] if name == "bot_error"]
            assert errors in (["too_long"], ["rate_limited"]), errors
            if errors == ["rate_limited"]:
                limited_after = sent
                break
        assert limited_after is not None, "120 messages from one address, none limited"
        other = socket_from("203.0.113.89")
        other.session(new=True, locale="en-US")
        since = len(other.events)
        other.client.call("user_uttered", {"message": "x" * 10_001}, timeout=30)
        assert [e["code"] for n, e in other.events[since:] if n == "bot_error"] == ["too_long"]
        other.close()
    finally:
        for widget in sockets:
            widget.close()


def test_a_teams_user_is_limited_across_their_chats(
    assistant: Assistant, botframework: FakeBotFramework
) -> None:
    """Every group chat is a conversation of its own; the user's bucket holds across them."""
    user, limited_after = str(uuid.uuid4()), None
    for sent in range(1, 121):
        body = activity(
            botframework,
            user,
            "x" * 10_001,
            conversation=f"19:chat-{sent}@thread.v2",
            kind="groupChat",
        )
        shown = {r.activity.get("text") for r in say(assistant, botframework, body)}
        if RATE_LIMITED & shown:
            limited_after = sent
            break
    assert limited_after is not None, "120 messages from one Teams user, none limited"
    body = activity(botframework, str(uuid.uuid4()), "x" * 10_001)
    assert not RATE_LIMITED & {r.activity.get("text") for r in say(assistant, botframework, body)}
