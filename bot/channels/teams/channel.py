"""Microsoft Teams as a Rasa input/output channel (Bot Framework v3 protocol).

Registered in credentials.yml by its module path (`bot.channels.teams.channel.TeamsInput`) and
served at `POST /webhooks/teams/api/messages`. Settings come from the environment
(bot/channels/teams/settings.py); without them the endpoint answers 503 and does nothing else.

Every request is authenticated (bot/channels/teams/auth.py: channel "msteams" only) and must
come from our tenant (`TEAMS_TENANT_ID`) before anything reaches the tracker; a malformed activity
is 400. Conversation identity, in the channel's own tracker-id namespace (`TEAMS_PREFIX`, which
the REST channel refuses): a personal chat is its user's ("teams:<Entra object id>", the only
conversation that can be staff's, see bot.storage.config.is_staff); in a group chat or channel
every user has their own conversation ("teams:<user>|<conversation>"), so two colleagues' facts
never mix and "delete my data" deletes only the asking user's. A user without an Entra object id
(`aadObjectId`) is "teams:bf:<Bot Framework id>": a sub-namespace, so that such an id, which
Microsoft does not vouch for as an Entra identity, can never read as an object id. The bot's
@mention is removed before NLU; a card button's click (`activity.value`) is the answer it stands
for; the activity's locale is the channel locale of CONTRACT.md §5.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import Guard
from bot.channels.owners import TEAMS_PREFIX
from bot.channels.teams.auth import AuthError, OpenIdKeys, authenticate
from bot.channels.teams.cards import (
    CARD_CONTENT_TYPE,
    choice_card,
    escape_text,
    payload_from_value,
    verdict_card,
)
from bot.channels.teams.connector import BotConnector
from bot.channels.teams.settings import TeamsSettings
from bot.conversation.texts import render_text
from bot.i18n import DEFAULT_LANGUAGE, Message
from bot.nlu.language import parse_locale

logger = logging.getLogger(__name__)

CHANNEL_NAME = "teams"
# Bot Framework accepts activities up to ~256 KB; Teams' messages are far smaller.
MAX_ACTIVITY_BYTES = 256 * 1024
# Teams refuses messages over ~28 KB; longer texts go out in parts, split at line ends.
MAX_TEXT_CHARS = 12_000
# Teams delivers an event again when we answer slowly; a welcome is sent once per conversation.
MAX_REMEMBERED_WELCOMES = 10_000
_THREAD_SUFFIX = re.compile(r";messageid=\d+$")
# Users without an Entra object id, under the Teams prefix: "teams:bf:<from.id>".
BOT_FRAMEWORK_NAMESPACE = "bf:"
_ENTRA_OBJECT_ID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
# Rasa's `events.sender_id` (and our tables' conversation_id) hold 255 characters.
MAX_SENDER_ID_CHARS = 255


class Refused(Exception):
    """An activity that goes no further: the HTTP status to answer and why (for the log)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class TeamsInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TeamsInput:
        # The secrets stay in the environment, never in credentials.yml.
        return cls(TeamsSettings.from_env())

    def __init__(self, settings: TeamsSettings | None, guard: Guard | None = None) -> None:
        self.settings = settings
        self.guard = guard or Guard()
        if settings is None:
            logger.info("Microsoft Teams channel is off (TEAMS_APP_ID etc. not set)")
            return
        if not _ENTRA_OBJECT_ID.fullmatch(settings.tenant_id):
            # A domain name works for the token URL, but activities name the tenant by its id.
            logger.warning(
                "TEAMS_TENANT_ID is not a tenant id (a GUID): every Teams activity will be refused"
            )
        self.keys = OpenIdKeys(settings.openid_metadata_url)
        self.connector = BotConnector(settings)
        self._welcomed: OrderedDict[str, None] = OrderedDict()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        teams = Blueprint("teams_webhook", __name__)

        @teams.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.settings else "off"})

        @teams.route("/api/messages", methods=["POST"])
        async def messages(request: Request) -> HTTPResponse:
            if self.settings is None:
                return response.json({"error": "Microsoft Teams is not configured"}, status=503)
            if len(request.body or b"") > MAX_ACTIVITY_BYTES:
                logger.warning("Teams: rejected a request: body over %s bytes", MAX_ACTIVITY_BYTES)
                return response.json({"error": "too large"}, status=413)
            try:
                activity = json.loads(request.body or b"")
            except (ValueError, RecursionError):  # RecursionError: nested thousands deep
                activity = None
            if not isinstance(activity, dict):
                logger.warning("Teams: rejected a request: body is not a JSON activity")
                return response.json({"error": "not an activity"}, status=400)
            try:
                check_shape(activity)
                await authenticate(
                    request.headers.get("Authorization"), activity, self.settings.app_id, self.keys
                )
                check_tenant(activity, self.settings.tenant_id)
                if activity.get("type") == "message" and len(sender_id(activity)) > (
                    MAX_SENDER_ID_CHARS
                ):
                    raise Refused(400, "conversation id too long")
            except (AuthError, Refused) as error:
                # The reason only: never the user's text.
                logger.warning(
                    "Teams: rejected a request (HTTP %s): %s", error.status, error.reason
                )
                status = error.status
                return response.json(
                    {"error": "bad request" if status == 400 else "unauthorized"}, status=status
                )
            self.connector.trust(activity["serviceUrl"])
            kind = activity.get("type")
            if kind == "message":
                agent = getattr(request.app.ctx, "agent", None)
                await self._on_message(activity, on_new_message, agent)
            elif kind == "conversationUpdate":
                await self._on_conversation_update(activity)
            return response.json({}, status=200)

        @teams.listener("after_server_stop")
        async def close(*_: Any) -> None:
            if self.settings is not None:
                await self.connector.close()

        return teams

    async def _on_message(
        self,
        activity: dict,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        agent: Any = None,
    ) -> None:
        text = payload_from_value(activity.get("value")) or user_text(activity)
        if not text:
            return  # e.g. only an attachment or a reaction: nothing to understand
        user = _object(activity.get("from"))
        if not (_str(user.get("aadObjectId")) or _str(user.get("id"))) or not _str(
            _object(activity.get("conversation")).get("id")
        ):
            # Bot Framework always names both; without them there is no one to answer.
            logger.warning("Teams: ignored a message without a sender or a conversation")
            return
        output = TeamsOutput(self.connector, activity)
        typing = asyncio.create_task(output.send_typing())
        try:
            await self.guard.turn(
                on_new_message,
                UserMessage(
                    text,
                    output,
                    sender_id(activity),
                    input_channel=CHANNEL_NAME,
                    message_id=_str(activity.get("id")) or None,
                    metadata=message_metadata(activity),
                ),
                agent,
                channel_locale(activity),
                # The user across all their chats (a group chat is a conversation of its own);
                # the tenant is always ours, so it would be one bucket for everyone.
                sources=(f"teams-user:{user_id(activity)}",),
            )
        finally:
            await typing

    async def _on_conversation_update(self, activity: dict) -> None:
        bot_id = _str(_object(activity.get("recipient")).get("id"))
        added = [m for m in _list(activity.get("membersAdded")) if isinstance(m, dict)]
        conversation = _str(_object(activity.get("conversation")).get("id"))
        if not conversation or not any(_str(m.get("id")) == bot_id for m in added):
            return
        if conversation in self._welcomed:
            return
        self._welcomed[conversation] = None
        while len(self._welcomed) > MAX_REMEMBERED_WELCOMES:
            self._welcomed.popitem(last=False)
        lang = parse_locale(channel_locale(activity)) or DEFAULT_LANGUAGE
        welcome = render_text(Message("teams.welcome"), lang)
        await TeamsOutput(self.connector, activity, reply=False).send_text_message("", welcome)


class TeamsOutput(OutputChannel):
    """The replies to one incoming activity, sent to the conversation it came from."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL_NAME

    def __init__(self, connector: BotConnector, activity: Mapping[str, Any], reply: bool = True):
        self._connector = connector
        self._service_url = activity["serviceUrl"]
        self._conversation = _object(activity.get("conversation"))
        self._reply_to = _str(activity.get("id")) if reply else ""
        self._bot = _object(activity.get("recipient"))
        self._user = _object(activity.get("from"))
        self._locale = channel_locale(activity)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in split_text(text):
            await self._send(
                {"type": "message", "textFormat": "markdown", "text": escape_text(part)}
            )

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._send(_card_activity(choice_card(text, buttons), summary=text))

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        # The verdict's text went out just before (the action sends both): the card adds the
        # table; the text serves notifications and screen readers.
        if json_message.get("type") == "eligibility_verdict":
            await self._send(
                _card_activity(verdict_card(json_message), summary=json_message.get("summary"))
            )
        else:
            logger.info("Teams: not sending a custom message of type %r", json_message.get("type"))

    async def send_typing(self) -> None:
        # Best effort: a lost typing indicator is not worth a retry.
        await self._connector.reply(
            self._service_url, self._conversation_id, None, self._activity({"type": "typing"}), 1
        )

    @property
    def _conversation_id(self) -> str:
        return _str(self._conversation.get("id"))

    def _activity(self, content: dict[str, Any]) -> dict[str, Any]:
        activity = {
            **content,
            "from": _account(self._bot),
            "recipient": _account(self._user),
            "conversation": {"id": self._conversation_id},
        }
        if self._reply_to:
            activity["replyToId"] = self._reply_to
        if self._locale:
            activity["locale"] = self._locale
        return activity

    async def _send(self, content: dict[str, Any]) -> None:
        # A reply that finally fails is logged by the connector; the turn itself is stored.
        await self._connector.reply(
            self._service_url, self._conversation_id, self._reply_to, self._activity(content)
        )


def _card_activity(card: dict[str, Any], summary: Any) -> dict[str, Any]:
    activity: dict[str, Any] = {
        "type": "message",
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "content": card}],
    }
    if isinstance(summary, str) and summary:
        activity["summary"] = summary[:200]
    return activity


def _account(account: Mapping[str, Any]) -> dict[str, str]:
    return {key: _str(account[key]) for key in ("id", "name") if account.get(key)}


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _object(value: Any) -> Mapping[str, Any]:
    # An activity's parts arrive as any JSON; a part of the wrong type is read as absent.
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def user_id(activity: Mapping[str, Any]) -> str:
    """Who is writing: the Entra object id, else the Bot Framework id in a namespace of its own
    (never taken for an object id, so never staff); "" when the activity names no user."""
    user = _object(activity.get("from"))
    aad = _str(user.get("aadObjectId"))
    if _ENTRA_OBJECT_ID.fullmatch(aad):
        return aad
    if _str(user.get("id")):
        return BOT_FRAMEWORK_NAMESPACE + _str(user.get("id"))
    return ""


def sender_id(activity: Mapping[str, Any]) -> str:
    """Whose conversation this is, as a tracker id under TEAMS_PREFIX: the user in a personal
    chat, user and chat elsewhere; "" when the activity names no user."""
    user = user_id(activity)
    if not user:
        return ""
    conversation = _object(activity.get("conversation"))
    if (conversation.get("conversationType") or "personal") == "personal":
        return TEAMS_PREFIX + user
    # A channel's reply threads are one conversation per user: the facts belong to the channel.
    return f"{TEAMS_PREFIX}{user}|{_THREAD_SUFFIX.sub('', _str(conversation.get('id')))}"


def check_shape(activity: Mapping[str, Any]) -> None:
    """Refused(400) unless the parts this channel reads have the types Bot Framework gives them."""
    for key in ("channelId", "serviceUrl"):
        if not _str(activity.get(key)):
            raise Refused(400, f"{key} is not a non-empty string")
    parts = {"activity": activity}
    for key in ("from", "conversation", "recipient", "channelData"):
        if activity.get(key) is not None and not isinstance(activity[key], dict):
            raise Refused(400, f"{key} is not an object")
        parts[key] = _object(activity.get(key))
    if parts["channelData"].get("tenant") is not None and not isinstance(
        parts["channelData"]["tenant"], dict
    ):
        raise Refused(400, "channelData.tenant is not an object")
    parts["channelData.tenant"] = _object(parts["channelData"].get("tenant"))
    for part, key in (
        ("activity", "type"),
        ("from", "id"),
        ("from", "aadObjectId"),
        ("conversation", "id"),
        ("conversation", "conversationType"),
        ("conversation", "tenantId"),
        ("channelData.tenant", "id"),
    ):
        if parts[part].get(key) is not None and not isinstance(parts[part][key], str):
            raise Refused(400, f"{part}.{key} is not a string")
    aad = parts["from"].get("aadObjectId")
    if aad and not _ENTRA_OBJECT_ID.fullmatch(aad):
        raise Refused(400, "from.aadObjectId is not an Entra object id")


def activity_tenant(activity: Mapping[str, Any]) -> str | None:
    """The tenant Teams names for the activity (`channelData.tenant.id`, `conversation.tenantId`),
    lower case; None when it names none; Refused(403) when the two disagree."""
    named = {
        value.lower()
        for value in (
            _str(_object(_object(activity.get("channelData")).get("tenant")).get("id")),
            _str(_object(activity.get("conversation")).get("tenantId")),
        )
        if value
    }
    if len(named) > 1:
        raise Refused(403, "the activity names two tenants")
    return next(iter(named), None)


def check_tenant(activity: Mapping[str, Any], tenant_id: str) -> None:
    """Refused(403) unless the activity comes from the tenant `tenant_id` (Teams in other
    organisations can reach a bot too: a multi-tenant app, a shared channel, a guest's tenant)."""
    tenant = activity_tenant(activity)
    if tenant is None:
        raise Refused(403, "the activity names no tenant")
    if tenant != tenant_id.strip().lower():
        raise Refused(403, "activity from another tenant")


def user_text(activity: Mapping[str, Any]) -> str:
    """The message's text as the user meant it: without the bot's @mention, entities decoded."""
    text = _str(activity.get("text"))
    bot_id = _str(_object(activity.get("recipient")).get("id"))
    for entity in _list(activity.get("entities")):
        if (
            isinstance(entity, dict)
            and entity.get("type") == "mention"
            and _str(_object(entity.get("mentioned")).get("id")) == bot_id
            and _str(entity.get("text"))
        ):
            text = text.replace(entity["text"], " ")
    return " ".join(html.unescape(text).split())


def channel_locale(activity: Mapping[str, Any]) -> str | None:
    """The activity's BCP-47 locale, else the one its `clientInfo` entity names."""
    if _str(activity.get("locale")):
        return activity["locale"]
    for entity in _list(activity.get("entities")):
        if (
            isinstance(entity, dict)
            and entity.get("type") == "clientInfo"
            and _str(entity.get("locale"))
        ):
            return entity["locale"]
    return None


def message_metadata(activity: Mapping[str, Any]) -> dict[str, Any]:
    conversation = _object(activity.get("conversation"))
    metadata: dict[str, Any] = {
        "teams": {
            "conversation_type": _str(conversation.get("conversationType")) or "personal",
            "tenant_id": _str(conversation.get("tenantId")),
        }
    }
    locale = channel_locale(activity)
    if locale:
        metadata["locale"] = locale  # read by the LanguageDetector (CONTRACT.md §5)
    return metadata


def split_text(text: str, limit: int = MAX_TEXT_CHARS) -> list[str]:
    """`text` in parts of at most `limit` characters, cut at line ends where there are any."""
    parts: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > 0 else limit
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n")
    if text:
        parts.append(text)
    return parts
