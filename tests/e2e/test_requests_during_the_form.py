"""Every request the assistant knows works while the form is asking, in both languages, over REST
with the real servers: delete my data (confirmed, it leaves nothing of the conversation in the
tracker), stop, switch language, a question about a requirement, what is still missing, help.

The requests are verbatim training examples of their intents (checked below), so any model trained
from this data classifies them; the form is started by the rules (facts and an eligibility
question), and the confirmation is the button's payload.
"""

from __future__ import annotations

import uuid

import pytest

from bot.conversation import intents
from bot.eligibility import FACT_SPECS
from tests.e2e.conftest import Assistant, training_intents, verdicts

START = {
    "de": "Wir sind seit 14 Monaten indirekter Wiederverkäufer. Können wir uns registrieren?",
    "en": "We have been an indirect reseller for 14 months. Can we register as a direct bill partner?",
}
FAQ_ASFP = f"{intents.FAQ}/asfp_psfp"
REQUESTS = {
    intents.FORGET_ME: {"de": "Lösche meine Daten", "en": "Delete my data"},
    intents.STOP: {"de": "abbrechen", "en": "stop"},  # not an intent: what the partner types
    intents.SWITCH_LANGUAGE: {"de": "in English please", "en": "auf Deutsch bitte"},
    FAQ_ASFP: {"de": "Was ist ASfP?", "en": "What is ASfP?"},
    intents.ASK_MISSING: {"de": "Was fehlt mir noch?", "en": "What do I still lack?"},
    intents.HELP: {"de": "Was kannst du?", "en": "What can you do?"},
}
CONFIRM = intents.payload(intents.AFFIRM)
LANGUAGES = ("de", "en")


def test_the_requests_are_training_examples_of_their_intents() -> None:
    examples = training_intents()
    for intent, texts in REQUESTS.items():
        for text in texts.values():
            assert examples.get(text) == intent, text


def start_form(assistant: Assistant, lang: str) -> str:
    sender = f"e2e-midform-{uuid.uuid4().hex[:10]}"
    assistant.say(sender, START[lang])
    tracker = assistant.tracker(sender)
    assert tracker["active_loop"].get("name") == "eligibility_form", tracker["active_loop"]
    assert tracker["slots"]["indirect_months"] == 14
    return sender


def asking(assistant: Assistant, sender: str) -> str | None:
    tracker = assistant.tracker(sender)
    if not (tracker.get("active_loop") or {}).get("name"):
        return None
    return tracker["slots"].get("requested_slot")


def held_facts(tracker: dict) -> dict:
    return {k: v for k, v in tracker["slots"].items() if k in FACT_SPECS and v is not None}


def user_texts(tracker: dict) -> list[str]:
    return [e.get("text") for e in tracker["events"] if e.get("event") == "user"]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("during_the_form", [True, False], ids=["during", "outside"])
def test_confirmed_delete_my_data_leaves_nothing(
    assistant: Assistant, lang: str, during_the_form: bool
) -> None:
    sender = start_form(assistant, lang)
    if not during_the_form:
        assistant.say(sender, REQUESTS[intents.STOP][lang])
        assert asking(assistant, sender) is None
    replies = assistant.say(sender, REQUESTS[intents.FORGET_ME][lang])
    assert replies and replies[-1].get("buttons"), replies  # asked to confirm, not an answer
    assert asking(assistant, sender) is None  # the "yes" that follows is not read as an answer
    assistant.say(sender, CONFIRM)
    tracker = assistant.tracker(sender)
    assert held_facts(tracker) == {}
    assert not any(START[lang] in (text or "") for text in user_texts(tracker)), user_texts(tracker)
    # The conversation goes on from nothing: the fact deleted is asked again when needed.
    assistant.say(sender, START[lang])
    assert assistant.tracker(sender)["slots"]["indirect_months"] == 14


@pytest.mark.parametrize("lang", LANGUAGES)
def test_declined_delete_keeps_the_facts(assistant: Assistant, lang: str) -> None:
    sender = start_form(assistant, lang)
    assistant.say(sender, REQUESTS[intents.FORGET_ME][lang])
    assistant.say(sender, intents.payload(intents.DENY))
    assert held_facts(assistant.tracker(sender))["indirect_months"] == 14


@pytest.mark.parametrize("lang", LANGUAGES)
def test_stop_during_the_form_leaves_it_and_keeps_the_facts(
    assistant: Assistant, lang: str
) -> None:
    sender = start_form(assistant, lang)
    assistant.say(sender, REQUESTS[intents.STOP][lang])
    assert asking(assistant, sender) is None
    assert held_facts(assistant.tracker(sender))["indirect_months"] == 14


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("request_name", [intents.SWITCH_LANGUAGE, FAQ_ASFP, intents.HELP])
def test_a_request_during_the_form_is_answered_and_the_same_question_follows(
    assistant: Assistant, lang: str, request_name: str
) -> None:
    sender = start_form(assistant, lang)
    before = asking(assistant, sender)
    assert before is not None
    replies = assistant.say(sender, REQUESTS[request_name][lang])
    assert len(replies) >= 2, replies  # the answer, then the question again
    assert asking(assistant, sender) == before
    slots = assistant.tracker(sender)["slots"]
    other = "en" if lang == "de" else "de"
    assert slots["language"] == (other if request_name == intents.SWITCH_LANGUAGE else lang)
    assert held_facts(assistant.tracker(sender))["indirect_months"] == 14


@pytest.mark.parametrize("lang", LANGUAGES)
def test_what_is_missing_during_the_form_gives_the_gaps_and_the_form_goes_on(
    assistant: Assistant, lang: str
) -> None:
    sender = start_form(assistant, lang)
    before = asking(assistant, sender)
    replies = assistant.say(sender, REQUESTS[intents.ASK_MISSING][lang])
    [verdict] = verdicts(replies)
    assert verdict["status"] == "incomplete" and verdict["language"] == lang
    assert verdict["facts"]["indirect_months"] == 14
    assert asking(assistant, sender) == before


FACT = {
    "de": "Wir sind seit 14 Monaten indirekter Wiederverkäufer.",
    "en": "We have been an indirect reseller for 14 months.",
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_fact_and_what_is_missing_in_one_message_gives_the_gaps_with_the_fact(
    assistant: Assistant, lang: str
) -> None:
    # The question is a training example of ask_missing, in a sentence of its own after the fact.
    sender = f"e2e-fact-and-request-{uuid.uuid4().hex[:10]}"
    replies = assistant.say(sender, f"{FACT[lang]} {REQUESTS[intents.ASK_MISSING][lang]}")
    [verdict] = verdicts(replies)
    assert verdict["status"] == "incomplete" and verdict["language"] == lang
    assert verdict["facts"]["indirect_months"] == 14


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_fact_and_delete_my_data_in_one_message_asks_to_confirm(
    assistant: Assistant, lang: str
) -> None:
    sender = f"e2e-fact-and-request-{uuid.uuid4().hex[:10]}"
    replies = assistant.say(sender, f"{FACT[lang]} {REQUESTS[intents.FORGET_ME][lang]}")
    assert replies and replies[-1].get("buttons"), replies
    assistant.say(sender, CONFIRM)
    assert held_facts(assistant.tracker(sender)) == {}
