"""A message that states something and asks for something in a sentence of its own keeps the
request: "Wir haben 415.000 USD Umsatz gemacht. Was fehlt uns noch?" is read whole as stating a
fact (the classifier weighs the longer sentence), and the question would be lost.

Rasa's processor parses each message once (`MessageProcessor.parse_message`); `install()` wraps it:
where the whole message reads as a statement (a fact, yes, no, a greeting, thanks), each of its
sentences is parsed too, and a request the classifier is sure of in one of them becomes the
message's intent. The whole message's entities stay: every fact stated in it is taken, and the
dialogue answers the request. The classifier's reading of the whole message is kept beside it
(`classified_intent`), as when the rules decide an intent.

Installed by the channels (bot/channels/guard.py), which every Rasa server of the product loads.
"""

from __future__ import annotations

import functools
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor

from bot.conversation import intents
from bot.nlu.components import CLASSIFIED_INTENT
from bot.nlu.statements import sentences

# Requests that a sentence of their own carries through a statement, the first found winning:
# what must not be lost first.
REQUESTS = (
    intents.FORGET_ME,
    intents.STOP,
    intents.START_OVER,
    intents.SWITCH_LANGUAGE,
    intents.ASK_MISSING,
    intents.ASK_ELIGIBILITY,
    intents.FAQ,
)
# What the whole message may read as for its sentences to be looked at: it states, or greets.
STATEMENTS = frozenset(
    {intents.INFORM, intents.AFFIRM, intents.DENY, intents.GREET, intents.THANKS, intents.GOODBYE}
)
# A sentence's request counts only when the classifier is this sure of it.
MIN_CONFIDENCE = 0.7
# A longer message is a document pasted in, not a question with a fact: read whole.
MAX_SENTENCES = 6


def _intent(parsed: dict[str, Any]) -> tuple[str | None, float]:
    intent = parsed.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def sentence_request(parsed_sentences: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The parse of the sentence whose request the message keeps, or None."""
    sure = [p for p in parsed_sentences if _intent(p)[1] >= MIN_CONFIDENCE]
    for request in REQUESTS:
        for parsed in sure:
            if _intent(parsed)[0] == request:
                return parsed
    return None


def with_request(parsed: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    """The whole message's parse with the intent (and FAQ topic) of the sentence `request`."""
    changed = dict(parsed)
    changed[CLASSIFIED_INTENT] = parsed.get("intent")
    changed["intent"] = request["intent"]
    changed["intent_ranking"] = [request["intent"]]
    if "response_selector" in request:
        changed["response_selector"] = request["response_selector"]
    return changed


def _wrap(parse_message: Any) -> Any:
    @functools.wraps(parse_message)
    async def parse_keeping_requests(
        self: MessageProcessor,
        message: UserMessage,
        tracker: Any = None,
        only_output_properties: bool = True,
    ) -> dict[str, Any]:
        parsed = await parse_message(self, message, tracker, only_output_properties)
        name, _ = _intent(parsed)
        text = parsed.get("text") or ""
        if name not in STATEMENTS or parsed.get(CLASSIFIED_INTENT) or text.startswith("/"):
            return parsed  # a request already, or decided by the rules, or a button's payload
        parts = sentences(text)
        if not 2 <= len(parts) <= MAX_SENTENCES:
            return parsed
        parsed_sentences = [
            await parse_message(
                self, UserMessage(part, sender_id=message.sender_id), tracker,
                only_output_properties,
            )
            for part in parts
        ]  # fmt: skip
        request = sentence_request(parsed_sentences)
        return parsed if request is None else with_request(parsed, request)

    parse_keeping_requests.wrapped_once = True  # type: ignore[attr-defined]
    return parse_keeping_requests


def install() -> None:
    if not getattr(MessageProcessor.parse_message, "wrapped_once", False):
        MessageProcessor.parse_message = _wrap(MessageProcessor.parse_message)
