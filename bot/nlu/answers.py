"""What a message means for the check where the rules can tell it exactly: the answer to the
form's open question, and "am I eligible?" asked together with facts.

The intent classifier is a trained model: it may read a plain "Ja, den bieten wir" as something
else, and a model trained on another machine may differ in its last digits. A reply that the
rules read as the answer to the question asked ("PSfP", "keinen", "yes, that we offer", "weiß ich
nicht", a button's title typed out) is that answer on every machine; so is a question whether the
partner is eligible that also states facts ("We have ... Are we eligible?"): it starts the check.
`bot.nlu.components.FactStatementExtractor` applies these readings to the parsed message.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

from bot.conversation import intents
from bot.conversation.texts import button_payloads
from bot.eligibility import FACT_SPECS
from bot.eligibility.facts import BOOL, CHOICE, COUNT, MONEY, MONTHS
from bot.nlu.statements import (
    HAS,
    LACKS,
    SUPPORT_PLAN,
    Statement,
    extract_statements,
    sentences,
    short_answer,
)

# A reply longer than this is no short answer; its statements are still read as usual.
_ANSWER_MAX_CHARS = 300

_DONT_KNOW = re.compile(
    r"\b(?:wei(?:ß|ss) (?:ich |es |ich es |ich das )?(?:leider )?nicht|keine ahnung|kein(?:en)? plan"
    r"|unbekannt|nicht bekannt|kann ich (?:ihnen )?nicht sagen|(?:ich bin )?(?:mir )?nicht sicher|unsicher"
    r"|(?:i )?(?:don'?t|do not) know|no idea|not sure|unsure|dunno|idk|no clue|not known|unknown"
    r"|can'?t say|couldn'?t say|k\. ?a\.)(?!\w)",
    re.IGNORECASE,
)
_DONT_KNOW_MAX_WORDS = 8


@dataclass(frozen=True)
class Reading:
    """The intent a message has for the dialogue, and the statements it makes for the fact asked."""

    intent: str
    statements: tuple[Statement, ...] = ()


def _normalised(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    return " ".join(text.casefold().split()).strip(" .!")


def _reading(intent: str, fact: str, text: str, plan: str | None = None) -> Reading:
    """The reading of a yes, a no or a named plan as the answer about `fact`, with the statement
    it makes: has/lacks for a yes/no fact, the plan ("none" for a no) for the support plan."""
    kind = FACT_SPECS[fact].kind
    if kind == CHOICE and (plan or intent == intents.DENY):
        return Reading(intent, (Statement(SUPPORT_PLAN, plan or "none", 0, len(text), text),))
    if kind == BOOL and intent in (intents.AFFIRM, intents.DENY):
        entity = HAS if intent == intents.AFFIRM else LACKS
        return Reading(intent, (Statement(entity, fact, 0, len(text), text),))
    return Reading(intent)


def _from_payload(payload: str, fact: str, text: str) -> Reading:
    # Button payloads are Rasa's "/intent{json}" commands (bot.conversation.texts).
    intent, _, entities = payload.removeprefix("/").partition("{")
    values = json.loads("{" + entities) if entities else {}
    return _reading(intent, fact, text, values.get(SUPPORT_PLAN))


# The QuantityExtractor's entities that answer a numeric question (a bare number answers whichever
# is open, as in bot.conversation.turn).
_QUANTITIES = {MONEY: {"amount", "count"}, MONTHS: {"duration", "count"}, COUNT: {"count"}}


def read_answer(
    text: str,
    lang: str,
    fact: str,
    quantities: Collection[str] = (),
    statements: list[Statement] | None = None,
) -> Reading | None:
    """The reply `text` read as the answer to the form's question about `fact`, or None where the
    rules cannot tell (then the intent classifier decides, as for any message). `quantities`:
    the kinds of quantity found in it ("amount", "duration", "count"); `statements`: its
    `extract_statements`, where the caller has them already."""
    if not text or len(text) > _ANSWER_MAX_CHARS or "?" in text or fact not in FACT_SPECS:
        return None
    if _ASKS_HOW_OR_WHEN.match(text.strip()):
        return None  # "whats missing", "wann sollten wir den kaufen": a question, typed without "?"
    typed = _normalised(text)
    for title, payload in button_payloads(fact).items():
        if typed == _normalised(title):
            return _from_payload(payload, fact, text)
    if len(typed.split()) <= _DONT_KNOW_MAX_WORDS and _DONT_KNOW.search(typed):
        return Reading(intents.DONT_KNOW)
    kind = FACT_SPECS[fact].kind
    if _QUANTITIES.get(kind, set()) & set(quantities):
        return Reading(intents.INFORM)  # "Etwa 280.000 USD", "seit März 2025", "zwei"
    if kind not in (BOOL, CHOICE, COUNT):
        return None
    # A statement that names the fact asked about answers it ("ASfP haben wir", "kein Helpdesk").
    if statements is None:
        statements = extract_statements(text, lang)
    stated = [s for s in statements if _about(s, fact)]
    if stated:
        return Reading(intents.INFORM, (stated[-1],))
    answer = short_answer(text, lang, fact)
    # "Ja" does not say which plan, nor how many services; "keinen", "none yet", "nein" says none.
    if answer is None or (answer and kind != BOOL):
        return None
    return _reading(intents.AFFIRM if answer else intents.DENY, fact, text)


def _about(statement: Statement, fact: str) -> bool:
    if fact == SUPPORT_PLAN:
        return statement.entity == SUPPORT_PLAN
    return statement.entity in (HAS, LACKS) and statement.value == fact


# "Are we eligible?", "Können wir uns registrieren?": a yes/no question whether the partner may
# register. A question word before it asks how or when instead ("Wie können wir uns registrieren?").
_ELIGIBILITY_QUESTION = re.compile(
    r"\b(?:are|am|is)\s+(?:we|i|my company|our company|our organi[sz]ation|our firm|my firm)\s+(?:\w+\s+)?"
    r"(?:eligible|qualified|ready)\b"
    r"|\b(?:do|does|would|will)\s+(?:we|i|my company|our company|our organi[sz]ation)\s+(?:\w+\s+)?"
    r"(?:qualify|meet (?:the |all (?:the )?|your )?(?:minimum )?requirements)\b"
    r"|\b(?:can|could|may)\s+(?:we|i)\s+(?:\w+\s+)?(?:register|apply|become|sign up|qualify|switch|go direct)\b"
    r"|\bis (?:that|this|it) enough\b"
    r"|\b(?:sind|bin)\s+(?:wir|ich)\s+(?:\w+\s+){0,2}(?:berechtigt|qualifiziert|geeignet|zugelassen|bereit)\b"
    r"|\b(?:kommen|komme)\s+(?:wir|ich)\s+(?:\w+\s+){0,5}in frage\b"
    r"|\b(?:k(?:ö|oe)nnen|kann|d(?:ü|ue)rfen|darf)\s+(?:wir|ich)\s+(?:\w+\s+){0,8}?"
    r"(?:registrieren|anmelden|bewerben|werden|wechseln|beantragen)\b"
    r"|\b(?:erf(?:ü|ue)llen|erf(?:ü|ue)lle)\s+(?:wir|ich)\s+(?:\w+\s+){0,3}(?:anforderungen|voraussetzungen|kriterien)\b"
    # "reicht das?", "passt das so?" -- not "passt es Ihnen, wenn ...".
    r"|\b(?:reicht|passt|genügt|genuegt|langt) (?:das|es)\b(?!\s+(?:ihnen|dir|euch|mir|uns)\b)|\bqualifizieren (?:wir|ich) (?:uns|mich)\b"
    r"|\b(?:does|would) (?:that|this|it) (?:do|work|qualify|suffice)\b",
    re.IGNORECASE,
)
_ASKS_HOW_OR_WHEN = re.compile(
    r"\b(?:wie|was|wann|wo|welche\w*|warum|wieso|weshalb|wof(?:ü|ue)r|how|what|when|where|which|why"
    # "whats missing", "hows that": typed without the apostrophe
    r"|whats|hows|wheres|whys)\b",
    re.IGNORECASE,
)


def asks_eligibility(text: str) -> bool:
    """Whether a sentence of `text` asks if the partner is eligible (either language)."""
    for sentence in sentences(text):
        match = _ELIGIBILITY_QUESTION.search(sentence)
        if match and not _ASKS_HOW_OR_WHEN.search(sentence[: match.start()]):
            return True
    return False
