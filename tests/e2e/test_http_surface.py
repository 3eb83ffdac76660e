"""The HTTP surface: every endpoint of Rasa's HTTP API that reads or changes a conversation or the
model refuses a request without the right token, and the REST channel can be switched off."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
import rasa.server

from bot.conversation import intents
from tests.e2e.conftest import TOKEN, Assistant, http

# Rasa's API routes that need no token: a greeting and the version, nothing of a conversation.
PUBLIC = {("GET", "/"), ("GET", "/version")}
CONVERSATION = "surface-" + uuid.uuid4().hex[:8]
# A body each endpoint would accept with the token; without it the body must not matter.
BODIES = {
    "/conversations/<conversation_id:path>/tracker/events": {"event": "slot", "name": "language", "value": "en"},
    "/conversations/<conversation_id:path>/execute": {"name": "action_listen"},
    "/conversations/<conversation_id:path>/trigger_intent": {"name": intents.GREET},
    "/conversations/<conversation_id:path>/messages": {"text": "hello", "sender": "user"},
    "/model/parse": {"text": "hello"},
    "/model": {"model_file": "models/none.tar.gz"},
}  # fmt: skip


def rasa_routes() -> list[tuple[str, str]]:
    """Every route the installed Rasa server defines (rasa/server.py), read from its source."""
    source = Path(rasa.server.__file__).read_text("utf-8")
    routes = re.findall(r'@app\.(get|post|put|delete)\("([^"]+)"\)', source)
    return [(method.upper(), path) for method, path in routes]


@pytest.fixture(scope="module")
def conversation(assistant: Assistant) -> str:
    """A stored conversation, which no refused request may change."""
    assistant.say(CONVERSATION, "Hello there, what are the requirements for direct bill partners?")
    return CONVERSATION


def test_the_route_list_is_rasas_own() -> None:
    # Every route but the public ones is one Rasa itself marks as needing authentication.
    source = Path(rasa.server.__file__).read_text("utf-8")
    protected = [r for r in rasa_routes() if r not in PUBLIC]
    assert len(protected) == source.count("@requires_auth(") == 17
    assert ("DELETE", "/model") in protected and ("POST", "/model/train") in protected


@pytest.mark.parametrize(
    "method,path", [r for r in rasa_routes() if r not in PUBLIC], ids=lambda v: str(v)
)
def test_every_endpoint_refuses_a_request_without_the_token(
    assistant: Assistant, conversation: str, method: str, path: str
) -> None:
    url = assistant.base + path.replace("<conversation_id:path>", conversation)
    body = BODIES.get(path, {})
    before = assistant.tracker(conversation)["events"]
    for suffix in ("", "?token=wrong", f"?token={TOKEN[:-1]}"):
        status, _ = http(method, url + suffix, body if method != "GET" else None)
        assert status == 401, (method, path, suffix, status)
    assert assistant.tracker(conversation)["events"] == before, "nothing changed"


def test_the_api_answers_with_the_token(assistant: Assistant, conversation: str) -> None:
    # The refusals above are the token's doing: with it, the same requests succeed.
    assert http("GET", f"{assistant.base}/status?token={TOKEN}")[0] == 200
    status, events = http(
        "GET", f"{assistant.base}/conversations/{conversation}/tracker?token={TOKEN}"
    )
    assert status == 200 and events["sender_id"] == conversation
    status, parsed = http("POST", f"{assistant.base}/model/parse?token={TOKEN}", {"text": "hi"})
    assert status == 200 and parsed["text"] == "hi"


def test_the_rest_channel_switched_off(pg_assistant: Assistant) -> None:
    pg_assistant.kill_rasa_server()
    pg_assistant.restart_rasa_server({"BOT_REST_CHANNEL": "off"})
    try:
        status, _ = http(
            "POST", f"{pg_assistant.base}/webhooks/rest/webhook", {"sender": "x", "message": "hi"}
        )
        assert status == 404
        assert http("GET", f"{pg_assistant.base}/webhooks/rest/")[1] == {"status": "off"}
        # Teams and the widget still face users.
        assert http("GET", f"{pg_assistant.base}/webhooks/teams/")[1] == {"status": "ok"}
        assert http("GET", f"{pg_assistant.base}/webhooks/widget/")[1] == {"status": "ok"}
    finally:
        pg_assistant.kill_rasa_server()
        pg_assistant.restart_rasa_server()
    assert pg_assistant.say("rest-" + uuid.uuid4().hex[:8], "Hello")
