"""A request in a sentence of its own is kept through a message read whole as a statement."""

from __future__ import annotations

from bot.conversation import intents
from bot.nlu.sentence_requests import MIN_CONFIDENCE, sentence_request, with_request


def parsed(intent: str, confidence: float = 0.9, **more) -> dict:
    return {"intent": {"name": intent, "confidence": confidence}, **more}


def test_the_request_that_must_not_be_lost_wins() -> None:
    sentences = [parsed(intents.INFORM), parsed(intents.FAQ), parsed(intents.FORGET_ME)]
    assert sentence_request(sentences) is sentences[2]
    sentences = [parsed(intents.GREET), parsed(intents.ASK_MISSING), parsed(intents.FAQ)]
    assert sentence_request(sentences) is sentences[1]


def test_statements_and_unsure_requests_change_nothing() -> None:
    assert sentence_request([parsed(intents.INFORM), parsed(intents.THANKS)]) is None
    unsure = MIN_CONFIDENCE - 0.01
    assert sentence_request([parsed(intents.INFORM), parsed(intents.STOP, unsure)]) is None


def test_the_whole_messages_entities_stay_and_its_reading_is_kept() -> None:
    whole = parsed(intents.INFORM, entities=[{"entity": "amount", "value": 415000}], text="t")
    topic = {intents.FAQ: {"response": {"intent_response_key": f"{intents.FAQ}/revenue"}}}
    question = parsed(intents.FAQ, response_selector=topic, entities=[])
    changed = with_request(whole, question)
    assert changed["intent"] == question["intent"]
    assert changed["intent_ranking"] == [question["intent"]]
    assert changed["response_selector"] == topic
    assert changed["entities"] == whole["entities"]
    assert changed["classified_intent"] == whole["intent"]
