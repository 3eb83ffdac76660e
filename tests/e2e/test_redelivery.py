"""A message delivered twice (a REST client's retry, Bot Framework's redelivery of an activity)
is answered once: the second delivery gets the first one's answers and the conversation holds the
message once, with its facts as the first turn left them."""

from __future__ import annotations

import json
import urllib.request
import uuid

from bot.channels.owners import TEAMS_PREFIX
from tests.e2e.conftest import Assistant, texts
from tests.e2e.test_teams import activity, say
from tests.fake_botframework import FakeBotFramework


def rest(assistant: Assistant, body: dict) -> list[dict]:
    request = urllib.request.Request(
        f"{assistant.base}/webhooks/rest/webhook",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def user_texts(assistant: Assistant, sender: str) -> list[str]:
    return [e["text"] for e in assistant.tracker(sender)["events"] if e["event"] == "user"]


def test_a_rest_message_retried_with_its_id_is_answered_once(assistant: Assistant) -> None:
    sender = "retry-" + uuid.uuid4().hex[:8]
    first = {"sender": sender, "message": "Wir haben 350.000 USD CSP-Umsatz.", "message_id": "m-1"}
    answered = rest(assistant, first)
    assert "350.000" in texts(answered)
    events = assistant.tracker(sender)["events"]
    assert rest(assistant, first) == answered
    assert assistant.tracker(sender)["events"] == events  # nothing changed
    # A new id is a new message, even with the same words.
    rest(assistant, {**first, "message": "Seit 14 Monaten.", "message_id": "m-2"})
    rest(assistant, {**first, "message": "Seit 14 Monaten.", "message_id": "m-3"})
    assert user_texts(assistant, sender) == [first["message"]] + ["Seit 14 Monaten."] * 2
    # Without an id every message is new.
    rest(assistant, {"sender": sender, "message": "Seit 14 Monaten."})
    assert len(user_texts(assistant, sender)) == 4


def test_a_teams_activity_delivered_again_is_answered_once(
    assistant: Assistant, botframework: FakeBotFramework
) -> None:
    user = str(uuid.uuid4())
    body = activity(botframework, user, "Wir haben 350.000 USD CSP-Umsatz.")
    first = [r.activity.get("text") for r in say(assistant, botframework, body)]
    again = [r.activity.get("text") for r in say(assistant, botframework, body)]
    assert again == first and any("350.000" in (t or "") for t in first)
    assert user_texts(assistant, TEAMS_PREFIX + user) == [body["text"]]
