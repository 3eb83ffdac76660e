"""Microsoft Teams end to end: the real Rasa and action servers with the Teams channel, talking
to a fake Bot Framework (tests/fake_botframework.py) over HTTP. Every step is decided by the
rules or is a training example of its intent (MODEL_DECIDED), as in test_conversations.py."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from sqlalchemy import create_engine, text

from bot.channels.teams.cards import CARD_CONTENT_TYPE
from bot.conversation import intents
from bot.conversation.texts import question
from bot.eligibility import REQUIREMENT_CODES, Facts, evaluate
from bot.storage import Repository
from tests.e2e.conftest import GERMAN_REVENUE, GERMAN_START, Assistant, ask, http
from tests.fake_botframework import (
    APP_ID,
    OTHER_TENANT_ID,
    STAFF_AAD_ID,
    TENANT_ID,
    FakeBotFramework,
    Reply,
    new_key,
)

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
        "channelData": {"tenant": {"id": TENANT_ID}},
        "recipient": BOT,
        **fields,
    }
    if text is not None:
        body["text"] = text
    if locale:
        body["locale"] = locale
    return body


def tracker_id(user: str, conversation: str | None = None) -> str:
    """The conversation of `user` (an Entra object id): a personal chat, or theirs in a chat."""
    return f"teams:{user}" + (f"|{conversation}" if conversation else "")


def post(assistant: Assistant, body: Any, token: str | None) -> int:
    url = f"{assistant.base}/webhooks/teams/api/messages"
    return http("POST", url, body, headers={"Authorization": f"Bearer {token}"} if token else {})[0]


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
    """Events stored for the user `sender` in any conversation, under any id."""
    engine = create_engine(assistant.database_url, future=True)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT COUNT(*) FROM events WHERE sender_id LIKE :sender"),
                {"sender": f"%{sender}%"},
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
    slots = assistant.tracker(tracker_id(user))["slots"]
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
    alice_slots = assistant.tracker(tracker_id(alice, chat))["slots"]
    bob_slots = assistant.tracker(tracker_id(bob, chat))["slots"]
    assert alice_slots["csp_revenue_usd"] == 350000 and bob_slots["csp_revenue_usd"] == 120000
    assert alice_slots["language"] == "en" and bob_slots["language"] == "en"
    # The bot's @mention never reached NLU.
    latest = assistant.tracker(tracker_id(bob, chat))["latest_message"]["text"]
    assert latest.startswith("We have been an indirect reseller") and "<at>" not in latest
    # Bob is told at once that USD 120,000 is not enough (the verdict's card), then asked on.
    *verdict, card = cards(replies)
    assert verdict, "no verdict for a partner whose answer is 'no' already"
    # Bob's card click is Bob's answer, in the group chat too.
    assert question("partner_id_active", "en")[0] in card_text(card)
    replies = click(
        assistant, botframework, bob, card, "Yes", conversation=chat, kind="groupChat",
        locale="en-US",
    )  # fmt: skip
    assert assistant.tracker(tracker_id(bob, chat))["slots"]["partner_id_active"] is True
    assert assistant.tracker(tracker_id(alice, chat))["slots"]["partner_id_active"] is None


def test_what_do_i_still_lack_is_a_card_and_a_text(
    assistant: Assistant, botframework: FakeBotFramework
) -> None:
    user = new_user()
    facts = (
        "We have been an indirect reseller for 14 months and made USD 280,000 in CSP revenue. "
        "Are we eligible?"
    )
    say(assistant, botframework, activity(botframework, user, facts, locale="en-GB"))
    stop = ask("stop")  # not an intent: the text typed
    say(assistant, botframework, activity(botframework, user, stop, locale="en-GB"))
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
    assert assistant.tracker(tracker_id(user))["slots"]["language"] == lang
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
    "key not endorsed for msteams": (403, lambda bf: bf.token(key=bf.key("key-skype"))),
    "key endorsed for Web Chat only": (403, lambda bf: bf.token(key=bf.key("key-directline"))),
    "key with no endorsements": (403, lambda bf: bf.token(key=bf.key("key-unendorsed"))),
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


def events_of(assistant: Assistant, sender: str) -> int:
    """Events stored under exactly the tracker id `sender`."""
    engine = create_engine(assistant.database_url, future=True)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT COUNT(*) FROM events WHERE sender_id = :sender"), {"sender": sender}
            ).scalar_one()
    finally:
        engine.dispose()


# --- who may speak: Teams, of our tenant -------------------------------------------------------

# A training example of staff_lookup (checked below), and the PartnerID it names.
STAFF_LOOKUP = "Fetch the assessment for PartnerID 1122334"
LOOKED_UP_PARTNER = "1122334"
STAFF_ONLY = "Only the support team"


def as_staff(body: dict[str, Any], aad: bool = True) -> dict[str, Any]:
    """`body` sent as the staff user, as any Bot Framework client can claim to be."""
    user = {"id": STAFF_AAD_ID, "name": "Support"}
    return {**body, "from": {**user, "aadObjectId": STAFF_AAD_ID} if aad else user}


@pytest.mark.parametrize(
    ("channel", "kid"),
    [("webchat", "key-shared"), ("directline", "key-shared"), ("directline", "key-directline")],
)
def test_web_chat_and_direct_line_cannot_speak_as_a_teams_user(
    assistant: Assistant, botframework: FakeBotFramework, channel: str, kid: str
) -> None:
    # Correctly signed by Microsoft for that channel; its client chose the sender (the staff
    # user) and even the tenant fields: refused, and nothing reaches any tracker.
    events = stored_events(assistant, STAFF_AAD_ID)
    before = len(botframework.replies)
    body = as_staff(activity(botframework, STAFF_AAD_ID, STAFF_LOOKUP, locale="en-US"))
    body["channelId"] = channel
    assert post(assistant, body, botframework.token(key=botframework.key(kid))) == 403
    assert stored_events(assistant, STAFF_AAD_ID) == events
    assert botframework.replies_since(before) == []


def _tenant(body: dict[str, Any], conversation: str | None, channel_data: str | None) -> dict:
    body = {**body, "conversation": dict(body["conversation"])}
    body["conversation"].pop("tenantId")
    body.pop("channelData")
    if conversation:
        body["conversation"]["tenantId"] = conversation
    if channel_data:
        body["channelData"] = {"tenant": {"id": channel_data}}
    return body


TENANTS = {
    "another tenant": (403, OTHER_TENANT_ID, OTHER_TENANT_ID),
    "another tenant in channelData only": (403, None, OTHER_TENANT_ID),
    "another tenant in the conversation only": (403, OTHER_TENANT_ID, None),
    "the two fields disagree": (403, TENANT_ID, OTHER_TENANT_ID),
    "the two fields disagree the other way": (403, OTHER_TENANT_ID, TENANT_ID),
    "no tenant": (403, None, None),
    "ours in channelData only": (200, None, TENANT_ID),
    "ours in upper case": (200, TENANT_ID.upper(), TENANT_ID),
}


@pytest.mark.parametrize("case", sorted(TENANTS))
def test_only_our_tenants_activities_are_served(
    assistant: Assistant, botframework: FakeBotFramework, case: str
) -> None:
    status, conversation, channel_data = TENANTS[case]
    user = new_user()
    before = len(botframework.replies)
    body = _tenant(activity(botframework, user, "Hallo"), conversation, channel_data)
    assert post(assistant, body, botframework.token()) == status
    if status == 200:
        assert events_of(assistant, tracker_id(user)) > 0
        return
    assert stored_events(assistant, user) == 0
    assert botframework.replies_since(before) == []
    # Nor does another organisation's Teams get a welcome.
    added = {**body, "type": "conversationUpdate", "membersAdded": [BOT]}
    assert post(assistant, added, botframework.token()) == 403
    assert botframework.replies_since(before) == []


def _with(**fields: Any) -> Any:
    return lambda body: {**body, **fields}


def _without(key: str) -> Any:
    return lambda body: {k: v for k, v in body.items() if k != key}


MALFORMED = {
    "channelId a list": _with(channelId=["msteams"]),
    "channelId an object": _with(channelId={"id": "msteams"}),
    "channelId a number": _with(channelId=5),
    "channelId missing": _without("channelId"),
    "serviceUrl a list": _with(serviceUrl=["http://127.0.0.1/"]),
    "channelData a list": _with(channelData=[{"tenant": {"id": TENANT_ID}}]),
    "tenant a string": _with(channelData={"tenant": TENANT_ID}),
    "tenant id a list": _with(channelData={"tenant": {"id": [TENANT_ID]}}),
    "conversation tenantId an object": lambda body: {
        **body, "conversation": {**body["conversation"], "tenantId": {"id": TENANT_ID}},
    },
    "from a string": _with(**{"from": "29:someone"}),
    "aadObjectId not an object id": lambda body: {
        **body, "from": {"id": "29:x", "aadObjectId": "29:x"},
    },
    "aadObjectId a list": lambda body: {
        **body, "from": {"id": "29:x", "aadObjectId": [STAFF_AAD_ID]},
    },
    "conversation id too long": lambda body: {
        **body, "conversation": {**body["conversation"], "id": "19:" + "x" * 300,
                                 "conversationType": "groupChat"},
    },
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_activities_are_400_never_500(
    assistant: Assistant, botframework: FakeBotFramework, case: str
) -> None:
    user = new_user()
    body = MALFORMED[case](activity(botframework, user, "Hallo"))
    assert post(assistant, body, botframework.token()) == 400
    assert stored_events(assistant, user) == 0


def test_json_nested_beyond_the_parsers_depth_is_400(
    assistant: Assistant, botframework: FakeBotFramework
) -> None:
    assert post(assistant, b"[" * 100_000, botframework.token()) == 400


def test_a_user_without_an_entra_object_id_speaks_in_a_namespace_of_its_own(
    assistant: Assistant, botframework: FakeBotFramework
) -> None:
    # Its Bot Framework id is shaped like an object id, even like the staff user's: still never
    # the conversation "teams:<object id>".
    user = new_user()
    body = activity(botframework, user, "Wir haben 350.000 USD CSP-Umsatz.")
    body["from"] = {"id": user, "name": "Gast"}
    say(assistant, botframework, body)
    assert assistant.tracker(f"teams:bf:{user}")["slots"]["csp_revenue_usd"] == 350000
    assert events_of(assistant, tracker_id(user)) == 0 and events_of(assistant, user) == 0
    events = events_of(assistant, tracker_id(STAFF_AAD_ID))
    replies = say(assistant, botframework, as_staff(activity(botframework, STAFF_AAD_ID, STAFF_LOOKUP, locale="en-US"), aad=False))  # fmt: skip
    assert STAFF_ONLY in unescaped(reply_texts(replies))
    assert events_of(assistant, tracker_id(STAFF_AAD_ID)) == events


def test_staff_lookup_is_the_tenants_staff_users_in_a_teams_personal_chat_only(
    assistant: Assistant, botframework: FakeBotFramework
) -> None:
    # A partner's assessment, stored as the assistant stores one; its conversation id marks
    # every answer that discloses it.
    partner = "partner" + uuid.uuid4().hex[:12]
    repository = Repository(assistant.database_url)
    try:
        facts = {"partner_id": LOOKED_UP_PARTNER, "indirect_months": 14}
        verdict = evaluate(Facts.from_mapping(facts))
        repository.record_assessment(partner, "rest", "en", verdict)
    finally:
        repository.dispose()

    # A REST caller naming itself after the staff user, plain or in the Teams namespace: the
    # REST channel refuses the latter (403) or the action does; nothing is disclosed either way.
    for sender in (STAFF_AAD_ID, tracker_id(STAFF_AAD_ID)):
        body = {"sender": sender, "message": STAFF_LOOKUP}
        status, messages = http("POST", f"{assistant.base}/webhooks/rest/webhook", body)
        shown = "\n".join(m.get("text") or "" for m in messages or [])
        assert status in (200, 403), (sender, status)
        # (Its own words may be echoed, "Noted – PartnerID: 1122334": not the stored assessment.)
        assert partner not in shown, sender
        if status == 200:
            assert STAFF_ONLY in shown, sender

    def lookup(body: dict[str, Any]) -> str:
        return unescaped(reply_texts(say(assistant, botframework, body)))

    # Another user of our tenant, and the staff user in a group chat: refused.
    assert STAFF_ONLY in lookup(activity(botframework, new_user(), STAFF_LOOKUP, locale="en-US"))
    chat = f"19:{uuid.uuid4().hex}@thread.v2"
    in_chat = activity(botframework, STAFF_AAD_ID, STAFF_LOOKUP, locale="en-US",
                       conversation=chat, kind="groupChat")  # fmt: skip
    shown = lookup(in_chat)
    assert STAFF_ONLY in shown and partner not in shown
    # The staff user in their personal chat in Teams: answered.
    shown = lookup(activity(botframework, STAFF_AAD_ID, STAFF_LOOKUP, locale="en-US"))
    assert partner in shown and LOOKED_UP_PARTNER in shown


def test_the_staff_lookup_phrase_is_a_training_example() -> None:
    from rasa.shared.nlu.training_data.loading import load_data

    root = Path(__file__).resolve().parents[2]
    examples = {
        example.get("text"): example.get_full_intent()
        for path in sorted((root / "data" / "nlu").rglob("*.yml"))
        for example in load_data(str(path)).intent_examples
    }
    assert examples.get(STAFF_LOOKUP) == intents.STAFF_LOOKUP


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
    tracker = assistant.tracker(tracker_id(user))
    assert tracker["slots"]["indirect_months"] == 14  # the turn was kept
    assert tracker["slots"]["requested_slot"] == "csp_revenue_usd"
    replies = say(
        assistant,
        botframework,
        activity(botframework, user, GERMAN_REVENUE),
    )
    assert "Notiert – CSP-Umsatz (12 Monate): 350.000 USD." in unescaped(reply_texts(replies))
