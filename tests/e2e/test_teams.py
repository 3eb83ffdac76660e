"""Microsoft Teams end to end: the real Rasa and action servers with the Teams channel, talking
to a fake Bot Framework (tests/fake_botframework.py) over HTTP. Every step is decided by the
rules or is a training example of its intent (MODEL_DECIDED), as in test_conversations.py."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from sqlalchemy import create_engine, text

from bot.channels.teams.cards import CARD_CONTENT_TYPE
from bot.conversation.texts import question
from bot.eligibility import REQUIREMENT_CODES
from tests.e2e.conftest import GERMAN_REVENUE, GERMAN_START, Assistant, ask
from tests.fake_botframework import APP_ID, TENANT_ID, FakeBotFramework, Reply, new_key

BOT = {"id": f"28:{APP_ID}", "name": "CSP Direct-Bill Check"}


def new_user() -> str:
    return str(uuid.uuid4())


def activity(
    botframework: FakeBotFramework,
    user: str,
    text: str | None = None,
    *,
    conversation: str | None = None,
    kind: str = "personal",
    locale: str | None = "de-DE",
    **fields: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "message",
        "id": uuid.uuid4().hex[:16],
        "timestamp": "2026-12-02T10:00:00.000Z",
        "serviceUrl": botframework.service_url,
        "channelId": "msteams",
        "from": {"id": f"29:{user[:8]}", "name": "Partner", "aadObjectId": user},
        "conversation": {
            "id": conversation or f"a:{user}",
            "conversationType": kind,
            "tenantId": TENANT_ID,
        },
        "recipient": BOT,
        **fields,
    }
    if text is not None:
        body["text"] = text
    if locale:
        body["locale"] = locale
    return body


def post(assistant: Assistant, body: Any, token: str | None) -> int:
    request = urllib.request.Request(
        f"{assistant.base}/webhooks/teams/api/messages",
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {token}"} if token else {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def say(assistant: Assistant, botframework: FakeBotFramework, body: dict[str, Any]) -> list[Reply]:
    """Sends one authenticated activity; the bot's replies, typing indicators left out."""
    before = len(botframework.replies)
    assert post(assistant, body, botframework.token()) == 200
    return [r for r in botframework.replies_since(before) if r.activity.get("type") != "typing"]


def cards(replies: list[Reply]) -> list[dict[str, Any]]:
    return [
        attachment["content"]
        for r in replies
        for attachment in r.activity.get("attachments") or []
        if attachment.get("contentType") == CARD_CONTENT_TYPE
    ]


def reply_texts(replies: list[Reply]) -> str:
    return "\n".join(r.activity.get("text") or "" for r in replies)


def unescaped(text: str) -> str:
    return text.replace("\\", "")


def nodes(tree: Any) -> Iterator[dict[str, Any]]:
    """Every element of a card, depth first."""
    if isinstance(tree, dict):
        yield tree
        for value in tree.values():
            yield from nodes(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from nodes(value)


def submit_actions(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The card's Action.Submit buttons by title."""
    return {n["title"]: n["data"] for n in nodes(card) if n.get("type") == "Action.Submit"}


def card_text(card: dict[str, Any]) -> str:
    blocks = [n.get("text", "") for n in nodes(card) if n.get("type") == "TextBlock"]
    return unescaped("\n".join(blocks))


def click(
    assistant: Assistant, botframework: FakeBotFramework, user: str, card: dict, title: str, **kw
) -> list[Reply]:
    data = submit_actions(card)[title]
    return say(assistant, botframework, activity(botframework, user, value=data, **kw))


def stored_events(assistant: Assistant, sender: str) -> int:
    engine = create_engine(assistant.database_url, future=True)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT COUNT(*) FROM events WHERE sender_id = :sender"), {"sender": sender}
            ).scalar_one()
    finally:
        engine.dispose()


# --- conversations ---------------------------------------------------------------------------


def test_german_personal_chat_from_welcome_to_the_verdict_card(
    assistant: Assistant, botframework: FakeBotFramework
) -> None:
    user = new_user()
    added = activity(
        botframework, user, type="conversationUpdate", membersAdded=[BOT, {"id": "29:x"}]
    )
    [welcome] = say(assistant, botframework, added)
    assert unescaped(welcome.activity["text"]).startswith("Willkommen!")
    assert welcome.conversation_id == f"a:{user}" and welcome.reply_to_id is None
    assert say(assistant, botframework, {**added, "id": "again"}) == []  # once per conversation

    replies = say(
        assistant,
        botframework,
        activity(botframework, user, GERMAN_START),
    )
    assert all(r.reply_to_id and r.conversation_id == f"a:{user}" for r in replies)
    [card] = cards(replies)
    assert question("csp_revenue_usd", "de")[0] in card_text(card)
    replies = say(
        assistant,
        botframework,
        activity(botframework, user, GERMAN_REVENUE),
    )
    assert "Notiert – CSP-Umsatz (12 Monate): 350.000 USD." in unescaped(reply_texts(replies))
    # From here on the partner clicks the cards' buttons.
    for title in ("Ja", "Ja", "Ja", "PSfP", "Ja", "Ja"):
        [card] = cards(replies)
        replies = click(assistant, botframework, user, card, title)
    assert "Notiert – Infrastrukturfunktionen: ja." in unescaped(reply_texts(replies))
    [card] = cards(replies)
    assert question("managed_services", "de")[0] in card_text(card)
    replies = say(assistant, botframework, activity(botframework, user, "Zwei Managed Services"))
    assert "Sie erfüllen alle Mindestanforderungen" in unescaped(reply_texts(replies))
    [verdict] = cards(replies)
    shown = card_text(verdict)
    slots = assistant.tracker(user)["slots"]
    assert slots["support_plan"] == "psfp" and slots["managed_services"] == 2
    assert slots["language"] == "de"
    assert "Regelwerk" in shown and verdict["version"] == "1.5"
    assert shown.count("✅") == len(REQUIREMENT_CODES)  # one met row per requirement


def test_english_group_chat_keeps_two_colleagues_facts_apart(
    assistant: Assistant, botframework: FakeBotFramework
) -> None:
    chat = f"19:{uuid.uuid4().hex}@thread.v2"
    alice, bob = new_user(), new_user()
    mention = {"type": "mention", "text": "<at>CSP Direct-Bill Check</at>", "mentioned": BOT}

    def in_chat(user: str, words: str, **kw: Any) -> dict[str, Any]:
        return activity(
            botframework,
            user,
            f"<at>CSP Direct-Bill Check</at> {words}",
            conversation=chat,
            kind="groupChat",
            locale="en-US",
            entities=[mention],
            **kw,
        )

    replies = say(
        assistant,
        botframework,
        in_chat(
            alice,
            "We have been an indirect reseller for 14 months and made USD 350,000 in CSP "
            "revenue. Are we eligible?",
        ),
    )
    assert all(r.conversation_id == chat and r.reply_to_id for r in replies)
    assert "CSP revenue (12 months): USD 350,000;" in unescaped(reply_texts(replies))
    replies = say(
        assistant,
        botframework,
        in_chat(
            bob,
            "We have been an indirect reseller for 14 months with USD 120,000 in CSP revenue. "
            "Can we register?",
        ),
    )
    alice_slots = assistant.tracker(f"{alice}|{chat}")["slots"]
    bob_slots = assistant.tracker(f"{bob}|{chat}")["slots"]
    assert alice_slots["csp_revenue_usd"] == 350000 and bob_slots["csp_revenue_usd"] == 120000
    assert alice_slots["language"] == "en" and bob_slots["language"] == "en"
    # The bot's @mention never reached NLU.
    latest = assistant.tracker(f"{bob}|{chat}")["latest_message"]["text"]
    assert latest.startswith("We have been an indirect reseller") and "<at>" not in latest
    # Bob's card click is Bob's answer, in the group chat too.
    [card] = cards(replies)
    assert question("partner_id_active", "en")[0] in card_text(card)
    replies = click(
        assistant, botframework, bob, card, "Yes", conversation=chat, kind="groupChat",
        locale="en-US",
    )  # fmt: skip
    assert assistant.tracker(f"{bob}|{chat}")["slots"]["partner_id_active"] is True
    assert assistant.tracker(f"{alice}|{chat}")["slots"]["partner_id_active"] is None


def test_what_do_i_still_lack_is_a_card_and_a_text(
    assistant: Assistant, botframework: FakeBotFramework
) -> None:
    user = new_user()
    facts = (
        "We have been an indirect reseller for 14 months and made USD 280,000 in CSP revenue. "
        "Are we eligible?"
    )
    say(assistant, botframework, activity(botframework, user, facts, locale="en-GB"))
    say(assistant, botframework, activity(botframework, user, ask("stop"), locale="en-GB"))
    replies = say(
        assistant,
        botframework,
        activity(botframework, user, ask("What do I still lack?"), locale="en-GB"),
    )
    [verdict] = cards(replies)
    assert "USD 20,000 short" in unescaped(reply_texts(replies))
    assert "USD 20,000 short" in card_text(verdict)
    assert "Rule set" in card_text(verdict)


@pytest.mark.parametrize(("locale", "lang"), [("de-AT", "de"), ("en-US", "en")])
def test_the_channel_locale_decides_an_ambiguous_first_message(
    assistant: Assistant, botframework: FakeBotFramework, locale: str, lang: str
) -> None:
    user = new_user()
    before = len(botframework.replies)
    say(assistant, botframework, activity(botframework, user, "PSfP", locale=locale))
    assert assistant.tracker(user)["slots"]["language"] == lang
    # While the turn was processed, Teams showed the bot typing.
    first = botframework.replies_since(before)[0]
    assert first.activity["type"] == "typing" and first.conversation_id == f"a:{user}"


# --- authentication --------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(header: dict, claims: dict) -> str:
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"


def _claims(botframework: FakeBotFramework, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": "https://api.botframework.com",
        "aud": APP_ID,
        "nbf": now - 10,
        "exp": now + 3600,
        "serviceurl": botframework.service_url,
        **overrides,
    }
    return {k: v for k, v in claims.items() if v is not None}


def _alg_none(botframework: FakeBotFramework) -> str:
    return _unsigned({"alg": "none", "kid": "key-1", "typ": "JWT"}, _claims(botframework)) + "."


def _hs256_with_public_key(botframework: FakeBotFramework) -> str:
    # The classic confusion attack: the RSA public key (which anyone can fetch) as HMAC secret.
    public = botframework.keys[0].private.public_key()
    secret = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = _unsigned({"alg": "HS256", "kid": "key-1", "typ": "JWT"}, _claims(botframework))
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def _without_kid(token: str) -> str:
    header = _b64(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    return ".".join([header, *token.split(".")[1:]])


def _wrong_signature(botframework: FakeBotFramework) -> str:
    impostor = new_key("key-1")  # claims Microsoft's key id, signed with another key
    return botframework.token(key=impostor)


REJECTED = {
    "no token": (401, lambda bf: None),
    "wrong signature": (403, _wrong_signature),
    "alg none": (403, _alg_none),
    "HS256 signed with the public key": (403, _hs256_with_public_key),
    "wrong audience": (403, lambda bf: bf.token(aud=str(uuid.uuid4()))),
    "wrong issuer": (403, lambda bf: bf.token(iss="https://sts.windows.net/evil/")),
    "no issuer": (403, lambda bf: bf.token(iss=None)),
    "expired beyond the skew": (
        403,
        lambda bf: bf.token(exp=int(time.time()) - 400, nbf=int(time.time()) - 4000),
    ),
    "not yet valid": (403, lambda bf: bf.token(nbf=int(time.time()) + 400)),
    "key not endorsed for msteams": (403, lambda bf: bf.token(key=bf.keys[1])),  # key-skype
    "serviceurl claim differs": (403, lambda bf: bf.token(service_url="https://evil.example/")),
    "no serviceurl claim": (403, lambda bf: bf.token(serviceurl=None)),
    "token without kid": (403, lambda bf: _without_kid(bf.token())),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_rejected_requests_store_nothing(
    assistant: Assistant, botframework: FakeBotFramework, case: str
) -> None:
    status, make_token = REJECTED[case]
    user = new_user()
    before = len(botframework.replies)
    body = activity(botframework, user, "Wir haben 350.000 USD CSP-Umsatz.")
    assert post(assistant, body, make_token(botframework)) == status
    assert stored_events(assistant, user) == 0
    assert botframework.replies_since(before) == []


def test_skew_and_endorsement_accept_what_microsoft_would(
    assistant: Assistant, botframework: FakeBotFramework
) -> None:
    user = new_user()
    body = activity(botframework, user, "Wir haben 350.000 USD CSP-Umsatz.")
    # Expired 2 minutes ago: within the 5 minutes of clock skew.
    assert post(assistant, body, botframework.token(exp=int(time.time()) - 120)) == 200
    assert stored_events(assistant, user) > 0


def test_a_rotated_key_is_fetched_once_and_forged_kids_cause_no_refresh_storm(
    assistant: Assistant, botframework: FakeBotFramework
) -> None:
    # The only test that names unknown key ids: the refresh it allows is per few minutes.
    rotated = new_key("key-2")
    botframework.keys.append(rotated)
    fetches = botframework.jwks_fetches
    for _ in range(3):
        body = activity(botframework, new_user(), "Hallo")
        assert post(assistant, body, botframework.token(key=rotated)) == 200
    assert botframework.jwks_fetches == fetches + 1
    for number in range(5):
        forged = new_key(f"forged-{number}")
        user = new_user()
        body = activity(botframework, user, "Hallo")
        assert post(assistant, body, botframework.token(key=forged)) == 403
        assert stored_events(assistant, user) == 0
    assert botframework.jwks_fetches == fetches + 1


def test_an_unauthenticated_service_url_gets_no_reply(
    assistant: Assistant, botframework: FakeBotFramework
) -> None:
    # A valid token for the real serviceUrl, an activity naming another one: refused, and the
    # bot's token never travels there.
    user = new_user()
    body = {**activity(botframework, user, "Hallo"), "serviceUrl": "http://127.0.0.1:9/evil/"}
    assert post(assistant, body, botframework.token()) == 403
    assert stored_events(assistant, user) == 0


def test_bad_bodies_get_a_clear_status(
    assistant: Assistant, botframework: FakeBotFramework
) -> None:
    token = botframework.token()
    assert post(assistant, "not an activity", token) == 400
    assert post(assistant, [1, 2], token) == 400
    huge = activity(botframework, new_user(), "x" * 300_000)
    assert post(assistant, huge, token) == 413


# --- outbound --------------------------------------------------------------------------------


def test_one_token_for_many_replies(assistant: Assistant, botframework: FakeBotFramework) -> None:
    user = new_user()
    for words in (GERMAN_START, GERMAN_REVENUE, "Ja"):
        say(assistant, botframework, activity(botframework, user, words))
    assert len(botframework.token_requests) == 1
    tokens = {r.token for r in botframework.replies}
    assert len(tokens) == 1 and tokens <= botframework.issued_tokens


def test_throttled_replies_are_retried_after_retry_after(
    assistant: Assistant, botframework: FakeBotFramework
) -> None:
    user = new_user()
    say(assistant, botframework, activity(botframework, user, GERMAN_START))
    botframework.connector_failures[:] = [(429, {"Retry-After": "1"}), (503, {})]
    attempts = botframework.connector_attempts
    started = time.monotonic()
    body = activity(botframework, user, GERMAN_REVENUE)
    replies = say(assistant, botframework, body)
    assert "Notiert – CSP-Umsatz (12 Monate): 350.000 USD." in unescaped(reply_texts(replies))
    assert time.monotonic() - started >= 1.0  # waited as Retry-After said
    assert botframework.connector_failures == []
    assert botframework.connector_attempts - attempts >= len(replies) + 2


def test_connector_down_loses_nothing(assistant: Assistant, botframework: FakeBotFramework) -> None:
    user = new_user()
    down = "http://127.0.0.1:9/teams/"  # nothing listens on the discard port
    body = {**activity(botframework, user, GERMAN_START), "serviceUrl": down}
    before = len(botframework.replies)
    assert post(assistant, body, botframework.token(service_url=down)) == 200
    assert botframework.replies_since(before) == []
    tracker = assistant.tracker(user)
    assert tracker["slots"]["indirect_months"] == 14  # the turn was kept
    assert tracker["slots"]["requested_slot"] == "csp_revenue_usd"
    replies = say(
        assistant,
        botframework,
        activity(botframework, user, GERMAN_REVENUE),
    )
    assert "Notiert – CSP-Umsatz (12 Monate): 350.000 USD." in unescaped(reply_texts(replies))
