"""The intent and the FAQ topic from one multinomial logistic regression over the sentence
features: word n-gram counts and the two standardised sentence embeddings.

It replaces DIET and the ResponseSelector. With the pretrained embeddings, a linear model is as
good as those transformers on the held-out splits of `make evaluate` (see the README), and it
trains in well under a minute instead of ~10 minutes of TensorFlow epochs on 2 cores; L-BFGS
from zero on the same data gives the same weights on every run. It predicts the full retrieval intent ("faq/revenue"): the
intent is the sum of its topics' probabilities ("faq"), the topic is the most likely one within it,
reported the way Rasa's ResponseSelector reports it, so `utter_faq` and everything reading the
parse data work unchanged. The weights are stored as plain arrays (numpy's npz, no pickle).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    RESPONSE_IDENTIFIER_DELIMITER,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.nlu.training_data.util import intent_response_key_to_template_key

from bot.conversation import intents

RANKING_LENGTH = 10  # intents (and topics) listed in the parse data, as DIET and Rasa list them


def sentence_features(
    messages: list[Message], dense_weight: float
) -> tuple[scipy.sparse.csr_matrix, np.ndarray]:
    """The messages' sparse sentence features (one row each), and their dense ones times
    `dense_weight` (counts are 0/1/2, the standardised embeddings spread about ±1 over 896
    dimensions: weighted down, neither drowns the other)."""
    sparse_rows, dense_rows = [], []
    for message in messages:
        _, sparse = message.get_sparse_features(TEXT)
        _, dense = message.get_dense_features(TEXT)
        sparse_rows.append(scipy.sparse.csr_matrix(sparse.features))
        dense_rows.append(np.asarray(dense.features, dtype=np.float64) * dense_weight)
    return scipy.sparse.vstack(sparse_rows, format="csr"), np.vstack(dense_rows)


def _has_sentence_features(message: Message) -> bool:
    return (
        message.get_sparse_features(TEXT)[1] is not None
        and message.get_dense_features(TEXT)[1] is not None
    )


def fit_multinomial(
    sparse: scipy.sparse.csr_matrix,
    dense: np.ndarray,
    targets: np.ndarray,
    classes: int,
    C: float,
    max_iter: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Multinomial logistic regression, sklearn's objective (C times the summed log-loss plus half
    the squared weights, intercepts unpenalised) minimised by scipy's L-BFGS.

    Written here rather than using sklearn's LogisticRegression because that takes one matrix:
    with the 896 embedding dimensions stored in a sparse matrix beside the word counts, each of its
    ~125 iterations took half a second on one core (90 s of every training). Kept apart, the dense
    block goes through BLAS and the whole fit takes seconds. Returns the weights for the sparse
    and the dense columns and the intercepts.
    """
    from scipy.optimize import minimize

    rows, sparse_width, dense_width = sparse.shape[0], sparse.shape[1], dense.shape[1]
    onehot = np.zeros((rows, classes))
    onehot[np.arange(rows), targets] = 1.0
    sparse_t = sparse.T.tocsr()

    def unpack(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        weights = theta[: (sparse_width + dense_width) * classes].reshape(-1, classes)
        return weights[:sparse_width], weights[sparse_width:], theta[-classes:]

    def loss_and_gradient(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w_sparse, w_dense, bias = unpack(theta)
        scores = sparse @ w_sparse + dense @ w_dense + bias
        scores -= scores.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(scores).sum(axis=1, keepdims=True))
        log_p = scores - log_norm
        loss = -C * float((onehot * log_p).sum()) + 0.5 * float(
            (w_sparse**2).sum() + (w_dense**2).sum()
        )
        error = C * (np.exp(log_p) - onehot)
        gradient = np.concatenate(
            [
                (sparse_t @ error + w_sparse).ravel(),
                (dense.T @ error + w_dense).ravel(),
                error.sum(axis=0),
            ]
        )
        return loss, gradient

    start = np.zeros((sparse_width + dense_width + 1) * classes)
    result = minimize(
        loss_and_gradient,
        start,
        jac=True,
        method="L-BFGS-B",
        # sklearn's settings for lbfgs.
        options={"maxiter": max_iter, "maxls": 50, "gtol": 1e-4, "ftol": 64 * np.finfo(float).eps},
    )
    return unpack(result.x)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Intent and retrieval topic from a logistic regression over the sentence features."""

    FILE = "linear_intent_classifier.npz"
    RESPONSES = "responses.json"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # Inverse regularisation strength and the dense features' weight, chosen on the
            # held-out split of `make evaluate` and checked on a second one.
            "C": 1.0,
            "dense_weight": 0.3,
            "max_iter": 3000,
            # The retrieval intent whose topics are reported as the ResponseSelector does.
            "retrieval_intent": intents.FAQ,
        }

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearIntentClassifier:
        return cls({**cls.get_default_config(), **config}, model_storage, resource)

    def __init__(
        self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._labels: list[str] = []
        self._weights = np.zeros((0, 0), dtype=np.float64)
        self._bias = np.zeros(0, dtype=np.float64)
        self._responses: dict[str, list] = {}

    def _features(self, messages: list[Message]) -> tuple[scipy.sparse.csr_matrix, np.ndarray]:
        return sentence_features(messages, float(self._config["dense_weight"]))

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        self._labels = sorted({m.get_full_intent() for m in examples})
        if len(self._labels) >= 2:
            targets = np.array([self._labels.index(m.get_full_intent()) for m in examples])
            sparse, dense = self._features(examples)
            w_sparse, w_dense, self._bias = fit_multinomial(
                sparse, dense, targets, len(self._labels), self._config["C"],
                self._config["max_iter"],
            )  # fmt: skip
            self._weights = np.vstack([w_sparse, w_dense])
        self._responses = dict(training_data.responses)
        self.persist()
        return self._resource

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(
                directory / self.FILE,
                labels=np.array(self._labels, dtype=str),
                weights=self._weights,
                bias=self._bias,
            )
            (directory / self.RESPONSES).write_text(
                json.dumps(self._responses, ensure_ascii=False), "utf-8"
            )

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        classifier = cls.create(config, model_storage, resource, execution_context)
        with model_storage.read_from(resource) as directory:
            stored = np.load(directory / cls.FILE)
            classifier._labels = [str(label) for label in stored["labels"]]
            classifier._weights, classifier._bias = stored["weights"], stored["bias"]
            classifier._responses = json.loads((directory / cls.RESPONSES).read_text("utf-8"))
        return classifier

    def _probabilities(self, messages: list[Message]) -> np.ndarray:
        if len(self._labels) < 2:
            return np.ones((len(messages), len(self._labels)))
        sparse, dense = self._features(messages)
        width = sparse.shape[1]
        scores = sparse @ self._weights[:width] + dense @ self._weights[width:] + self._bias
        # The multinomial model: a softmax over the classes' scores.
        scores = np.asarray(scores) - np.max(scores, axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def process(self, messages: list[Message]) -> list[Message]:
        readable = [m for m in messages if isinstance(m.get(TEXT), str)]
        if not readable or not self._labels:
            return messages
        featured = [m for m in readable if _has_sentence_features(m)]
        if featured:
            for message, probabilities in zip(featured, self._probabilities(featured), strict=True):
                self._set_prediction(message, probabilities)
        # A text of no tokens ("\r", zero-width characters) has no features: nothing is known of
        # it, so every intent is as likely (a retrieval intent's topics share its part), which the
        # FallbackClassifier answers as not understood.
        intents = [label.split(RESPONSE_IDENTIFIER_DELIMITER)[0] for label in self._labels]
        shares = Counter(intents)
        uniform = np.array([1 / (len(shares) * shares[intent]) for intent in intents])
        for message in readable:
            if not _has_sentence_features(message):
                self._set_prediction(message, uniform)
        return messages

    def _set_prediction(self, message: Message, probabilities: np.ndarray) -> None:
        intents: dict[str, float] = defaultdict(float)
        topics: list[tuple[str, float]] = []
        retrieval_intent = self._config["retrieval_intent"]
        for label, probability in zip(self._labels, probabilities, strict=True):
            intent = label.split(RESPONSE_IDENTIFIER_DELIMITER)[0]
            intents[intent] += float(probability)
            if intent == retrieval_intent and label != intent:
                topics.append((label, float(probability)))
        ranking = sorted(intents.items(), key=lambda item: -item[1])[:RANKING_LENGTH]
        ranked = [{INTENT_NAME_KEY: n, PREDICTED_CONFIDENCE_KEY: p} for n, p in ranking]
        message.set(INTENT, ranked[0], add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranked, add_to_output=True)
        if topics:
            self._set_topic(message, retrieval_intent, topics)

    def _set_topic(
        self, message: Message, retrieval_intent: str, topics: list[tuple[str, float]]
    ) -> None:
        # Within the retrieval intent, the topics' probabilities given that intent.
        total = sum(p for _, p in topics) or 1.0
        ranked = sorted(((label, p / total) for label, p in topics), key=lambda item: -item[1])
        best, confidence = ranked[0]
        template = intent_response_key_to_template_key(best)
        prediction = {
            RESPONSE_SELECTOR_PREDICTION_KEY: {
                RESPONSE_SELECTOR_RESPONSES_KEY: self._responses.get(template, [{TEXT: best}]),
                PREDICTED_CONFIDENCE_KEY: confidence,
                INTENT_RESPONSE_KEY: best,
                RESPONSE_SELECTOR_UTTER_ACTION_KEY: template,
            },
            RESPONSE_SELECTOR_RANKING_KEY: [
                {PREDICTED_CONFIDENCE_KEY: p, INTENT_RESPONSE_KEY: label}
                for label, p in ranked[:RANKING_LENGTH]
            ],
        }
        selector = dict(message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {})
        selector[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = [retrieval_intent]
        selector[retrieval_intent] = prediction
        message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selector, add_to_output=True)
