"""The linear intent classifier through Rasa's interfaces: training data with real features in,
the intent, its ranking and the FAQ topic out in the shape Rasa's ResponseSelector gives them."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, RESPONSE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.conversation import intents
from bot.nlu.classifier import LinearIntentClassifier
from bot.nlu.evaluate import _full_intent

# (text, full intent, which of four word features it has, a dense direction)
EXAMPLES = [
    ("hallo", intents.GREET, 0),
    ("guten tag", intents.GREET, 0),
    ("wie viel umsatz", f"{intents.FAQ}/revenue", 1),
    ("umsatzgrenze", f"{intents.FAQ}/revenue", 1),
    ("wie lange indirekt", f"{intents.FAQ}/csp_tenure", 2),
    ("monate als reseller", f"{intents.FAQ}/csp_tenure", 2),
    ("ja", intents.AFFIRM, 3),
    ("genau", intents.AFFIRM, 3),
]
RESPONSES = {
    "utter_faq/revenue": [{"text": "Mindestens 300.000 USD."}],
    "utter_faq/csp_tenure": [{"text": "Mindestens 12 Monate."}],
}


def _message(text: str, kind: int, intent: str | None = None) -> Message:
    data = {TEXT: text}
    if intent:
        base, _, topic = intent.partition("/")
        data[INTENT] = base
        if topic:
            data["intent_response_key"] = intent
            data[RESPONSE] = RESPONSES[f"utter_{intent}"][0]["text"]
    message = Message(data=data)
    sparse = scipy.sparse.coo_matrix(np.eye(4, dtype=np.float32)[kind : kind + 1])
    dense = np.eye(3, dtype=np.float32)[kind % 3][None, :] * 2.0
    message.add_features(Features(sparse, "sentence", TEXT, "counts"))
    message.add_features(Features(dense, "sentence", TEXT, "embedding"))
    return message


def _storage(tmp_path):
    return LocalModelStorage(tmp_path), Resource("classifier"), ExecutionContext(GraphSchema({}))


@pytest.fixture
def trained(tmp_path):
    storage, resource, context = _storage(tmp_path)
    classifier = LinearIntentClassifier.create({}, storage, resource, context)
    data = TrainingData(
        training_examples=[_message(t, k, i) for t, i, k in EXAMPLES], responses=RESPONSES
    )
    classifier.train(data)
    loaded = LinearIntentClassifier.load({}, storage, resource, context)
    return classifier, loaded


def test_the_intent_and_a_ranking_of_intents_whose_confidences_sum_to_one(trained):
    _, classifier = trained
    message = _message("hallo zusammen", 0)
    classifier.process([message])
    assert message.get(INTENT)["name"] == intents.GREET
    ranking = message.get("intent_ranking")
    assert [r["name"] for r in ranking][0] == intents.GREET
    assert {r["name"] for r in ranking} == {intents.GREET, intents.FAQ, intents.AFFIRM}
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)


def test_a_faq_topic_is_reported_as_rasas_response_selector_reports_it(trained):
    _, classifier = trained
    message = _message("welcher umsatz zählt", 1)
    classifier.process([message])
    assert message.get(INTENT)["name"] == intents.FAQ
    selected = message.get("response_selector")
    assert selected["all_retrieval_intents"] == [intents.FAQ]
    response = selected[intents.FAQ]["response"]
    assert response[INTENT_RESPONSE_KEY] == f"{intents.FAQ}/revenue"
    assert response["utter_action"] == "utter_faq/revenue"
    assert response["responses"] == RESPONSES["utter_faq/revenue"]
    ranking = selected[intents.FAQ]["ranking"]
    assert [r[INTENT_RESPONSE_KEY] for r in ranking] == [
        f"{intents.FAQ}/revenue",
        f"{intents.FAQ}/csp_tenure",
    ]
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)
    # What `make evaluate` scores: the full retrieval intent.
    parsed = {"intent": message.get(INTENT), "response_selector": selected}
    assert _full_intent(parsed) == f"{intents.FAQ}/revenue"


def test_the_loaded_model_predicts_what_the_trained_one_does(trained):
    fresh, loaded = trained
    for text, _, kind in EXAMPLES:
        a, b = _message(text, kind), _message(text, kind)
        fresh.process([a])
        loaded.process([b])
        assert a.get("intent_ranking") == b.get("intent_ranking")
        assert a.get("response_selector") == b.get("response_selector")


def test_training_twice_gives_the_same_weights(tmp_path):
    weights = []
    for run in range(2):
        storage, resource, context = _storage(tmp_path / str(run))
        (tmp_path / str(run)).mkdir()
        classifier = LinearIntentClassifier.create({}, storage, resource, context)
        data = TrainingData(training_examples=[_message(t, k, i) for t, i, k in EXAMPLES])
        classifier.train(data)
        weights.append(classifier._weights.copy())
    np.testing.assert_array_equal(weights[0], weights[1])


def test_a_message_without_text_is_left_alone(trained):
    _, classifier = trained
    message = Message(data={"action_name": "utter_greet"})
    classifier.process([message])
    assert message.get(INTENT) is None


def test_a_text_without_features_is_classified_as_knowing_nothing(trained):
    # "\r" or zero-width characters make no tokens, so no features: every intent is as likely,
    # which the FallbackClassifier after it answers as not understood; the others still count.
    _, classifier = trained
    blank, greeting = Message(data={TEXT: "\r"}), _message("hallo", 0)
    classifier.process([blank, greeting])
    ranking = blank.get("intent_ranking")
    assert [round(r["confidence"], 9) for r in ranking] == [
        round(1 / 3, 9)
    ] * 3  # greet, faq, affirm
    assert greeting.get(INTENT)["name"] == intents.GREET
