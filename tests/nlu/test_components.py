"""The NLU graph components, run through Rasa itself (no mocks): messages, training data, and a
small real model trained with the project's config.yml on a bilingual fixture."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.core.constants import SESSION_START_METADATA_SLOT
from rasa.shared.core.events import Restarted, SlotSet
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import (
    ENTITIES,
    FEATURE_TYPE_SENTENCE,
    INTENT,
    INTENT_RESPONSE_KEY,
    RESPONSE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.conversation import intents
from bot.nlu.components import (
    LANGUAGE,
    LANGUAGE_DECISION,
    BilingualSpacyTokenizer,
    LanguageDetector,
    QuantityExtractor,
    SentenceEmbeddingFeaturizer,
)
from bot.nlu.embeddings import EMBEDDED_CHARACTERS

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _detector(**config) -> LanguageDetector:
    return LanguageDetector.create(config, None, None, None)


def _tokenizer(**config) -> BilingualSpacyTokenizer:
    return BilingualSpacyTokenizer.create(config, None, None, None)


def _message(text: str, metadata: dict | None = None) -> Message:
    # The shape rasa's NLUMessageConverter gives every incoming user message.
    return Message(data={TEXT: text, "message_id": "1", "metadata": metadata})


def _run(text: str, metadata: dict | None = None, *components) -> Message:
    message = _message(text, metadata)
    for component in components or (_detector(), _tokenizer()):
        component.process([message])
    return message


def _language_entities(message: Message) -> list[dict]:
    return [e for e in message.get(ENTITIES, []) if e["entity"] == "language"]


def _lemmas(message: Message, attribute: str = TEXT) -> dict[str, str]:
    return {t.text: t.lemma for t in message.get(TOKENS_NAMES[attribute])}


# --- registration --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "types", "trainable"),
    [
        (
            "bot.nlu.components.LanguageDetector",
            {
                DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER,
                DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
            },
            False,
        ),
        (
            "bot.nlu.components.BilingualSpacyTokenizer",
            {DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER},
            False,
        ),
        # Trained only to standardise the embedding (mean and spread of the training data).
        (
            "bot.nlu.components.SentenceEmbeddingFeaturizer",
            {DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER},
            True,
        ),
        (
            "bot.nlu.components.QuantityExtractor",
            {DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR},
            False,
        ),
        (
            "bot.nlu.components.FactStatementExtractor",
            {DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR},
            False,
        ),
        (
            "bot.nlu.classifier.LinearIntentClassifier",
            {DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER},
            True,
        ),
    ],
)
def test_components_are_registered_under_the_names_config_yml_uses(path, types, trainable):
    registered = DefaultV1Recipe._from_registry(path)
    assert registered.types == types
    assert registered.is_trainable == trainable
    pipeline = [c["name"] for c in yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]]
    assert path in pipeline


def test_language_detector_runs_first_and_the_tokenizer_second():
    pipeline = [c["name"] for c in yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]]
    assert pipeline[:2] == [
        "bot.nlu.components.LanguageDetector",
        "bot.nlu.components.BilingualSpacyTokenizer",
    ]
    classifier = pipeline.index("bot.nlu.classifier.LinearIntentClassifier")
    assert pipeline.index("bot.nlu.components.QuantityExtractor") < classifier
    assert pipeline.index("bot.nlu.components.SentenceEmbeddingFeaturizer") < classifier
    # The statement extractor reads the intent, and its answer readings stand against the
    # FallbackClassifier.
    statements = pipeline.index("bot.nlu.components.FactStatementExtractor")
    assert classifier < statements < pipeline.index("FallbackClassifier")


# --- SentenceEmbeddingFeaturizer -----------------------------------------------------------------


ENCODER_DIMENSIONS = {"multilingual-e5-small": 384, "use-multilingual-v3": 512}


def _featurizer(
    encoder: str = "multilingual-e5-small", tmp_path: Path | None = None
) -> SentenceEmbeddingFeaturizer:
    storage = LocalModelStorage(tmp_path) if tmp_path else None
    return SentenceEmbeddingFeaturizer.create(
        {"encoder": encoder, "alias": encoder},
        storage,
        Resource("embed"),
        ExecutionContext(GraphSchema({}), node_name="embed"),
    )


def _sentence_features(message: Message, encoder: str) -> np.ndarray:
    sentence = [
        f for f in message.features if f.type == FEATURE_TYPE_SENTENCE and f.attribute == TEXT
    ]
    assert len(sentence) == 1
    # The alias names the features, so the classifier can tell two featurizers' outputs apart.
    assert sentence[0].origin == encoder
    assert sentence[0].features.shape == (1, ENCODER_DIMENSIONS[encoder])
    return sentence[0].features[0]


def _embedding(text: str, encoder: str = "multilingual-e5-small", featurizer=None) -> np.ndarray:
    # An untrained featurizer passes the raw (unit-length) vector on.
    message = _message(text)
    (featurizer or _featurizer(encoder)).process([message])
    return _sentence_features(message, encoder)


def test_an_unknown_encoder_is_refused_by_name():
    with pytest.raises(InvalidConfigException, match="use-multilingual-v3"):
        _featurizer("word2vec")


@pytest.mark.parametrize("encoder", ENCODER_DIMENSIONS)
def test_the_embedding_puts_a_question_near_its_translation_and_far_from_other_topics(encoder):
    duration_de = _embedding("Wie lange dauert die Bonitätsprüfung?", encoder)
    duration_en = _embedding("How long does the credit check take?", encoder)
    greeting = _embedding("Hallo zusammen!", encoder)
    revenue = _embedding("Wie viel Umsatz brauchen wir für die direkte Abrechnung?", encoder)
    assert duration_de @ duration_en > duration_de @ greeting
    assert duration_de @ duration_en > duration_de @ revenue
    np.testing.assert_allclose(np.linalg.norm(duration_de), 1.0, rtol=1e-3)


@pytest.mark.parametrize("encoder", ENCODER_DIMENSIONS)
@pytest.mark.parametrize(
    "text",
    ["", "   ", "😀" * 50, "<b>Hallo</b><script>x</script>", intents.payload(intents.AFFIRM)],
)
def test_every_text_gets_an_embedding_even_empty_emoji_html_and_button_payloads(text, encoder):
    # The classifier needs the same features for every text it reads.
    assert np.isfinite(_embedding(text, encoder)).all()


@pytest.mark.parametrize("encoder", ENCODER_DIMENSIONS)
def test_a_huge_message_is_embedded_by_its_beginning(encoder):
    beginning = "Wie lange dauert die Bonitätsprüfung bei Microsoft? " * 60
    assert len(beginning) > EMBEDDED_CHARACTERS
    np.testing.assert_array_equal(
        _embedding(beginning + "Hello " * 20_000, encoder), _embedding(beginning, encoder)
    )


@pytest.mark.parametrize("encoder", ENCODER_DIMENSIONS)
def test_an_encoder_remembers_vectors_by_digest_within_its_bound(encoder, monkeypatch):
    from bot.nlu import embeddings

    sentence_encoder = embeddings.sentence_encoder(encoder)
    first = sentence_encoder.encode(["Wie lange dauert die Bonitätsprüfung?", "ok", "ok"])
    np.testing.assert_array_equal(first[1], first[2])
    again = sentence_encoder.encode(["ok", "Wie lange dauert die Bonitätsprüfung?"])
    np.testing.assert_array_equal(again, first[[1, 0]])
    # It keeps digests, never the partners' texts, and no more than its bound.
    assert all(isinstance(key, bytes) for key in sentence_encoder._remembered)
    monkeypatch.setattr(embeddings, "REMEMBERED_VECTORS", 3)
    sentence_encoder.encode([f"Nachricht {n}" for n in range(10)])
    assert len(sentence_encoder._remembered) == 3
    assert sentence_encoder.encode([]).shape == (0, ENCODER_DIMENSIONS[encoder])


TRAINING_TEXTS = [
    "Was ist ein PSfP?",
    "What is an accounts receivable?",
    "ok",
    "Wie lange dauert die Bonitätsprüfung?",
    "We have 14 months as indirect reseller",
    "Hallo",
]


@pytest.mark.parametrize("encoder", ENCODER_DIMENSIONS)
def test_training_standardises_each_dimension_and_the_loaded_model_does_the_same(tmp_path, encoder):
    examples = [Message(data={TEXT: t, INTENT: intents.FAQ}) for t in TRAINING_TEXTS]
    training_data = TrainingData(training_examples=examples)
    featurizer = _featurizer(encoder, tmp_path)
    resource = featurizer.train(training_data)
    featurizer.process_training_data(training_data)

    standardised = np.stack([_sentence_features(m, encoder) for m in examples])
    np.testing.assert_allclose(standardised.mean(axis=0), 0.0, atol=1e-4)
    np.testing.assert_allclose(standardised.std(axis=0), 1.0, atol=1e-3)

    # What a trained model does at prediction: load the stored mean and spread.
    loaded = SentenceEmbeddingFeaturizer.load(
        {"encoder": encoder, "alias": encoder}, LocalModelStorage(tmp_path), resource,
        ExecutionContext(GraphSchema({}), node_name="embed"),
    )  # fmt: skip
    for text, row in zip(TRAINING_TEXTS, standardised, strict=True):
        # Batched and single embeddings differ only in float rounding.
        np.testing.assert_allclose(_embedding(text, encoder, loaded), row, atol=2e-2)


# --- LanguageDetector ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wie viel Umsatz brauchen wir für Direct Bill?", "de"),
        ("Wir sind seit 14 Monaten indirekter Reseller", "de"),
        ("How much revenue do we need for direct bill?", "en"),
        ("We have been an indirect reseller for 14 months", "en"),
    ],
)
def test_a_confident_message_emits_the_language_entity(text, expected):
    message = _run(text, None, _detector())
    [entity] = _language_entities(message)
    assert entity["value"] == expected
    assert (entity["start"], entity["end"]) == (0, len(text))
    assert entity["extractor"] == "LanguageDetector"
    assert entity["additional_info"] == {"switch_requested": False, "source": "text"}
    assert message.get(LANGUAGE) == expected
    decision = message.get(LANGUAGE_DECISION)
    assert decision["confident"] and decision["source"] == "text"
    # The decision is part of the parse data (so actions can read it) and JSON-safe.
    output = message.as_dict(only_output_properties=True)
    assert json.loads(json.dumps(output[LANGUAGE_DECISION])) == decision


@pytest.mark.parametrize(
    ("text", "expected"),
    [("auf Deutsch bitte", "de"), ("Englisch bitte", "en"), ("switch to German", "de")],
)
def test_a_switch_request_emits_the_requested_language(text, expected):
    message = _run(text, {"locale": "en-US" if expected == "de" else "de-DE"}, _detector())
    [entity] = _language_entities(message)
    assert entity["value"] == expected
    assert entity["additional_info"] == {"switch_requested": True, "source": "switch"}
    assert message.get(LANGUAGE) == expected


@pytest.mark.parametrize("text", ["ok", "ja", "PSfP", "12", "350k", "👍", "thx"])
def test_an_ambiguous_message_emits_nothing_so_the_slot_keeps_its_value(text):
    message = _run(text, None, _detector())
    assert _language_entities(message) == []
    assert message.get(LANGUAGE_DECISION)["confident"] is False


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ({"locale": "de-DE"}, "de"),
        ({"locale": "en-US"}, "en"),
        ({"language": "de"}, "de"),
        ({"locale": "fr-FR"}, None),
        ({}, None),
        (None, None),
    ],
)
def test_the_channel_locale_decides_while_the_conversation_has_no_language(metadata, expected):
    message = _run("ok", metadata, _detector())
    decision = message.get(LANGUAGE_DECISION)
    assert decision["language"] == expected
    assert decision["source"] == ("locale" if expected else "none")
    # The locale sets the conversation language once ...
    assert [e["value"] for e in _language_entities(message)] == ([expected] if expected else [])
    if expected:
        assert _language_entities(message)[0]["additional_info"]["source"] == "locale"
    # ... and the message is processed in some language: the locale's, else English.
    assert message.get(LANGUAGE) == (expected or "en")


def test_the_locale_can_be_limited_to_the_processing_language():
    message = _run("ok", {"locale": "de-DE"}, _detector(locale_sets_language=False))
    assert _language_entities(message) == []
    assert message.get(LANGUAGE) == "de"


def _tracker(*events, slots=()) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("partner", list(events), slots=list(slots))


def _detect(text: str, tracker: DialogueStateTracker, metadata: dict | None = None) -> Message:
    message = _message(text, metadata)
    _detector().process([message], tracker=tracker)
    return message


def test_the_conversation_language_from_the_tracker_beats_the_locale():
    # A German Teams user who asked for English stays in English after "ok".
    message = _detect("ok", _tracker(SlotSet("language", "en")), {"locale": "de-DE"})
    assert _language_entities(message) == []
    assert message.get(LANGUAGE_DECISION)["source"] == "current"
    assert message.get(LANGUAGE) == "en"


def test_a_restart_forgets_the_conversation_language():
    tracker = _tracker(SlotSet("language", "en"), Restarted())
    message = _detect("ok", tracker, {"locale": "de-DE"})
    assert [e["value"] for e in _language_entities(message)] == ["de"]


def test_the_session_start_metadata_provides_the_locale():
    slot = AnySlot(SESSION_START_METADATA_SLOT, mappings=[])
    tracker = _tracker(SlotSet(SESSION_START_METADATA_SLOT, {"locale": "de-CH"}), slots=[slot])
    message = _detect("👍", tracker)
    assert message.get(LANGUAGE_DECISION)["locale"] == "de"
    assert [e["value"] for e in _language_entities(message)] == ["de"]


def test_a_clear_message_still_switches_a_set_conversation_language():
    message = _detect(
        "We have been an indirect reseller for 14 months", _tracker(SlotSet("language", "de"))
    )
    assert [e["value"] for e in _language_entities(message)] == ["en"]


def test_a_request_to_change_the_language_toggles_the_conversation_language():
    message = _detect("Sprache ändern", _tracker(SlotSet("language", "de")))
    [entity] = _language_entities(message)
    assert entity["value"] == "en"
    assert entity["additional_info"] == {"switch_requested": True, "source": "switch"}
    # Without a tracker the target is unknown: recorded in the parse data, no entity.
    message = _run("Sprache ändern", None, _detector())
    assert _language_entities(message) == []
    assert message.get(LANGUAGE_DECISION)["switch_requested"] is True


def test_the_locale_does_not_override_a_clear_message():
    message = _run("What are the requirements?", {"locale": "de-DE"}, _detector())
    assert [e["value"] for e in _language_entities(message)] == ["en"]


def test_configurable_locale_keys():
    message = _run("ok", {"userLocale": "de-AT"}, _detector(locale_keys=["userLocale"]))
    assert message.get(LANGUAGE_DECISION)["source"] == "locale"
    assert message.get(LANGUAGE) == "de"


def test_intent_payloads_are_left_to_the_regex_message_handler():
    message = _run(intents.payload(intents.SWITCH_LANGUAGE, language="de"), None, _detector())
    assert message.get(ENTITIES) is None
    assert message.get(LANGUAGE_DECISION) is None


def test_existing_entities_are_kept():
    message = _message("Wir haben 350.000 USD Umsatz gemacht")
    message.set(ENTITIES, [{"entity": "x", "value": "y", "start": 0, "end": 3}])
    _detector().process([message])
    assert [e["entity"] for e in message.get(ENTITIES)] == ["x", "language"]


def test_training_data_gets_the_processing_language_but_no_entities():
    examples = [
        Message(data={TEXT: "Welche Anforderungen muss ich erfüllen?", INTENT: "ask"}),
        Message(data={TEXT: "Which requirements do I have to meet?", INTENT: "ask"}),
        Message(data={TEXT: "ok", INTENT: intents.AFFIRM}),
    ]
    _detector().process_training_data(TrainingData(examples))
    assert [m.get(LANGUAGE) for m in examples] == ["de", "en", "en"]
    assert all(m.get(ENTITIES) is None for m in examples)


# --- BilingualSpacyTokenizer ---------------------------------------------------------------------


def test_german_tokens_carry_german_lemmas():
    text = "Welche Anforderungen gelten nach 14 Monaten für unsere Umsätze?"
    message = _run(text)
    tokens = message.get(TOKENS_NAMES[TEXT])
    assert [t.text for t in tokens] == [
        "Welche",
        "Anforderungen",
        "gelten",
        "nach",
        "14",
        "Monaten",
        "für",
        "unsere",
        "Umsätze",
        "?",
    ]
    assert all(text[t.start : t.end] == t.text for t in tokens)
    lemmas = _lemmas(message)
    assert lemmas["Anforderungen"] == "Anforderung"
    assert lemmas["Monaten"] == "Monat"
    assert lemmas["Umsätze"] == "Umsatz"


def test_english_tokens_carry_english_lemmas():
    text = "Requirements after 14 months: partners have sold licenses"
    message = _run(text)
    tokens = message.get(TOKENS_NAMES[TEXT])
    assert all(text[t.start : t.end] == t.text for t in tokens)
    lemmas = _lemmas(message)
    assert lemmas["Requirements"] == "requirement"  # capitalised at the start, still found
    assert lemmas["months"] == "month"
    assert lemmas["partners"] == "partner"
    assert lemmas["sold"] == "sell"
    assert lemmas["licenses"] == "license"


def test_lower_case_german_nouns_are_lemmatised():
    lemmas = _lemmas(_run("wie hoch müssen die umsätze und anforderungen sein"))
    assert lemmas["umsätze"] == "Umsatz"
    assert lemmas["anforderungen"] == "Anforderung"


def test_the_detected_language_chooses_the_lemmatizer():
    # The same word, processed as German and as English.
    german = _message("Kunden")
    german.set(LANGUAGE, "de")
    english = _message("Kunden")
    english.set(LANGUAGE, "en")
    _tokenizer().process([german, english])
    assert _lemmas(german)["Kunden"] == "Kunde"
    assert _lemmas(english)["Kunden"] == "Kunden"


def test_the_locale_chooses_the_lemmatizer_for_an_ambiguous_message():
    assert _run("Kunden?", {"locale": "de-DE"}).get(LANGUAGE) == "de"
    assert _lemmas(_run("Kunden?", {"locale": "de-DE"}))["Kunden"] == "Kunde"
    assert _run("Kunden?", {"locale": "en-GB"}).get(LANGUAGE) == "en"


def test_without_the_detector_the_tokenizer_decides_itself():
    message = _run("Welche Anforderungen gelten?", None, _tokenizer())
    assert _lemmas(message)["Anforderungen"] == "Anforderung"


def test_token_pattern_is_applied():
    message = _run(
        "Wir bieten First-Level-Support",
        None,
        _detector(),
        _tokenizer(token_pattern=r"(?u)\b\w+\b"),
    )
    assert [t.text for t in message.get(TOKENS_NAMES[TEXT])] == [
        "Wir",
        "bieten",
        "First",
        "Level",
        "Support",
    ]


def _training_data() -> TrainingData:
    return TrainingData(
        [
            Message(
                data={
                    TEXT: "How much revenue do partners need?",
                    INTENT: intents.FAQ,
                    INTENT_RESPONSE_KEY: f"{intents.FAQ}/revenue_minimum",
                    RESPONSE: "Sie brauchen mindestens 300.000 USD Umsatz in zwölf Monaten.",
                }
            ),
            Message(data={TEXT: "Wir haben die Anforderungen erfüllt", INTENT: "inform_facts"}),
        ]
    )


@pytest.mark.parametrize(
    ("flag", "intent_tokens"),
    [(True, ["inform", "facts"]), (False, ["inform_facts"])],  # not an intent: "inform_facts"
)
def test_training_data_and_intent_splitting(flag, intent_tokens):
    data = _training_data()
    _detector().process_training_data(data)
    _tokenizer(intent_tokenization_flag=flag, intent_split_symbol="_").process_training_data(data)
    faq, inform = data.training_examples
    assert [t.text for t in inform.get(TOKENS_NAMES[INTENT])] == intent_tokens
    assert _lemmas(inform)["Anforderungen"] == "Anforderung"
    # The bot's response is German although the user text is English: each attribute in its own.
    assert _lemmas(faq)["partners"] == "partner"
    assert _lemmas(faq, RESPONSE)["Monaten"] == "Monat"
    response_key_tokens = [t.text for t in faq.get(TOKENS_NAMES[INTENT_RESPONSE_KEY])]
    assert response_key_tokens == (
        [intents.FAQ, "revenue", "minimum"] if flag else [intents.FAQ, "revenue_minimum"]
    )


def test_the_spacy_pipelines_are_loaded_once():
    first, second = _tokenizer(), _tokenizer()
    assert first._pipelines["de"] is second._pipelines["de"]
    assert first._pipelines["de"].lang == "de" and first._pipelines["en"].lang == "en"


# --- QuantityExtractor ---------------------------------------------------------------------------


def _quantities():
    return pytest.importorskip("bot.nlu.quantities")


def _quantity_entities(message: Message) -> list[dict]:
    return [e for e in message.get(ENTITIES, []) if e["extractor"] == "QuantityExtractor"]


def _expected_entity(quantity) -> tuple[str, object]:
    """Entity name and value the extractor promises, written out independently of its code."""
    if quantity.problem:
        return "invalid_quantity", quantity.text
    if quantity.kind == "partner_id":
        return "partner_id", quantity.digits
    return quantity.kind, quantity.value


QUANTITY_MESSAGES = [
    ("Wir haben 350.000 USD Umsatz gemacht", "de"),
    ("Unser Umsatz liegt bei 0,3 Mio. Dollar", "de"),
    ("Wir sind seit 14 Monaten indirekter Reseller", "de"),
    ("Unsere PartnerID ist 1234567", "de"),
    ("Wir betreiben 3 Managed Services", "de"),
    ("Our revenue was $420,000 last year", "en"),
    ("We made 310k in the trailing twelve months", "en"),
    ("We have been reselling for two years", "en"),
    ("Our partner ID is 7654321", "en"),
    ("Wir haben 280.000 EUR Umsatz", "de"),
    ("We have EUR 280,000 in revenue", "en"),
    ("Wir haben -5 Monate", "de"),
]


@pytest.mark.parametrize(("text", "lang"), QUANTITY_MESSAGES)
def test_quantity_entities_follow_the_extracted_quantities(text, lang):
    quantities = _quantities()
    message = _run(text, None, _detector(), _tokenizer(), QuantityExtractor.create({}, *[None] * 3))
    assert message.get(LANGUAGE) == lang
    found = quantities.extract_quantities(text, lang, dt.date.today())
    entities = _quantity_entities(message)
    assert len(entities) == len(found)
    for quantity, entity in zip(found, entities, strict=True):
        name, value = _expected_entity(quantity)
        assert entity["entity"] == name
        if name in ("amount", "duration", "count"):
            assert float(entity["value"]) == pytest.approx(float(value))
        else:
            assert entity["value"] == value
        assert (entity["start"], entity["end"]) == (quantity.start, quantity.end)
        assert entity["text"] == text[quantity.start : quantity.end]
        assert entity["confidence_entity"] == 1.0
        assert entity["additional_info"]["lang"] == lang
        if quantity.problem:
            assert entity["additional_info"]["kind"] == quantity.kind
            assert entity["additional_info"]["problem"]
        if quantity.currency:
            assert entity["additional_info"]["currency"] == quantity.currency
        if quantity.since:
            assert entity["additional_info"]["since"] == quantity.since.strftime("%Y-%m")
        # Values are plain JSON: they go into trackers, slots and the action server.
        assert json.loads(json.dumps(entity)) == entity
        if entity["entity"] in ("duration", "count"):
            assert type(entity["value"]) is int
        if entity["entity"] == "partner_id":
            assert isinstance(entity["value"], str) and entity["value"].isdigit()


@pytest.mark.parametrize(
    ("text", "entity", "value", "currency"),
    [
        ("Wir haben 350.000 USD Umsatz gemacht", "amount", 350000, "USD"),
        ("Our revenue was $420,000 last year", "amount", 420000, "USD"),
        ("Wir sind seit 14 Monaten indirekter Reseller", "duration", 14, None),
        ("Unsere PartnerID ist 1234567", "partner_id", "1234567", None),
    ],
)
def test_quantity_examples_from_the_rules(text, entity, value, currency):
    _quantities()
    message = _run(text, None, _detector(), _tokenizer(), QuantityExtractor.create({}, *[None] * 3))
    matching = [e for e in _quantity_entities(message) if e["entity"] == entity]
    assert [e["value"] for e in matching] == [value]
    assert type(matching[0]["value"]) is type(value)
    assert matching[0]["additional_info"].get("currency") == currency


def test_quantity_extractor_skips_intent_payloads():
    _quantities()
    payload = intents.payload(intents.INFORM, amount=5)
    message = _run(payload, None, QuantityExtractor.create({}, *[None] * 3))
    assert message.get(ENTITIES) is None


# --- a real model, trained and loaded through Rasa -----------------------------------------------


@pytest.fixture(scope="module")
def agent(tmp_path_factory):
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    _quantities()  # the project's pipeline contains the QuantityExtractor
    work = tmp_path_factory.mktemp("nlu_model")
    with pytest.MonkeyPatch.context() as env:
        # Keep Rasa's training cache out of the repository.
        env.setenv("RASA_CACHE_DIRECTORY", str(work / "cache"))
        model = train_nlu(
            str(ROOT / "config.yml"),
            str(FIXTURES / "nlu.yml"),
            str(work / "models"),
            fixed_model_name="bilingual",
        )
    assert model is not None
    return Agent.load(model)


def _parse(
    agent, text: str, metadata: dict | None = None, tracker: DialogueStateTracker | None = None
) -> dict:
    from rasa.core.channels.channel import UserMessage

    # Through the processor, as a channel would: metadata and the conversation's tracker reach
    # the graph exactly as in production.
    message = UserMessage(text, metadata=metadata, sender_id="partner")
    return asyncio.run(agent.processor.parse_message(message, tracker))


def _entities(parse_data: dict, name: str) -> list:
    return [e["value"] for e in parse_data["entities"] if e["entity"] == name]


def test_trained_model_emits_language_and_quantities(agent):
    german = _parse(agent, "Wir haben 350.000 USD Umsatz gemacht")
    assert _entities(german, "language") == ["de"]
    assert _entities(german, "amount") == [350000]
    assert german["language_decision"]["language"] == "de"

    english = _parse(agent, "We have been an indirect reseller for 14 months")
    assert _entities(english, "language") == ["en"]
    assert _entities(english, "duration") == [14]

    assert _entities(_parse(agent, "auf Deutsch bitte"), "language") == ["de"]
    assert _entities(_parse(agent, "in English please"), "language") == ["en"]


def test_trained_model_leaves_the_language_open_for_short_replies(agent):
    for text in ("ok", "ja", "PSfP", "👍"):
        parsed = _parse(agent, text)
        assert _entities(parsed, "language") == []
        assert parsed["intent"]["name"]  # classified all the same


def test_trained_model_uses_the_channel_locale(agent):
    parsed = _parse(agent, "ok", {"locale": "de-DE"})
    assert parsed["language_decision"]["source"] == "locale"
    assert _entities(parsed, "language") == ["de"]
    # Once the conversation has a language, the locale no longer matters.
    parsed = _parse(agent, "ok", {"locale": "de-DE"}, _tracker(SlotSet("language", "en")))
    assert parsed["language_decision"]["source"] == "current"
    assert _entities(parsed, "language") == []
    # Agent.parse_message (and /model/parse) send no metadata at all.
    plain = asyncio.run(agent.parse_message("ok"))
    assert plain["language_decision"]["source"] == "none"
    assert _entities(plain, "language") == []


def test_trained_model_reads_numbers_in_the_conversation_language(agent):
    # Rasa hands the conversation's tracker to the LanguageDetector: a bare "350.000" in a
    # German conversation is read the German way by the QuantityExtractor.
    german = _parse(agent, "350.000", tracker=_tracker(SlotSet("language", "de")))
    assert german["language_decision"]["source"] == "current"
    english = _parse(agent, "350.000", tracker=_tracker(SlotSet("language", "en")))
    assert english["language_decision"]["source"] == "current"
    today = dt.date.today()
    quantities = _quantities()
    for parsed, lang in ((german, "de"), (english, "en")):
        expected = quantities.extract_quantities("350.000", lang, today)
        names = [_expected_entity(q)[0] for q in expected]
        found = [e for e in parsed["entities"] if e["extractor"] == "QuantityExtractor"]
        assert [e["entity"] for e in found] == names
        assert all(e["additional_info"]["lang"] == lang for e in found)


def test_trained_model_runs_the_whole_pipeline_in_both_languages(agent):
    # A model trained on a tiny fixture: this checks the pipeline, not the classifier.
    expected = {
        intents.GREET, intents.AFFIRM, intents.DENY, intents.INFORM, intents.ASK_ELIGIBILITY,
        intents.SWITCH_LANGUAGE, intents.FAQ,
    }  # fmt: skip
    for text in ("Guten Morgen, welche Anforderungen gelten?", "Good morning, which rules apply?"):
        parsed = _parse(agent, text)
        assert {i["name"] for i in parsed["intent_ranking"]} >= expected - {intents.NLU_FALLBACK}
        assert intents.FAQ in parsed["response_selector"]
        # Token spans come from our tokenizer: whitespace-free and inside the text.
        spans = parsed["text_tokens"]
        assert spans and all(text[a:b].strip() == text[a:b] != "" for a, b in spans)


def test_trained_model_states_yes_no_facts_and_the_plan_in_both_languages(agent):
    # A tiny fixture teaches no reliable intent, and the extractor reads the intent (FAQ questions
    # keep fewer statements): compare with what the rules give for the intent the model chose.
    from bot.nlu.components import FactStatementExtractor

    for text, lang in (
        ("Keine Prokura, aber einen eigenen Helpdesk und ASfP haben wir", "de"),
        ("Our membership lapsed and the credit check is still pending", "en"),
    ):
        parsed = _parse(agent, text)
        found = {
            (e["entity"], e["value"])
            for e in parsed["entities"]
            if e["extractor"] == "FactStatementExtractor"
        }
        intent = parsed["intent"]["name"]
        expected = {
            (s.entity, s.value) for s in FactStatementExtractor()._statements(text, lang, intent)
        }
        if intent in intents.NOT_ONES_OWN_FACTS:
            expected = set()
        assert found == expected
    german = FactStatementExtractor()._statements(
        "Keine Prokura, aber einen eigenen Helpdesk und ASfP haben wir", "de", intents.INFORM
    )
    assert {(s.entity, s.value) for s in german} == {
        ("lacks", "signing_authority"),
        ("has", "first_line_support"),
        ("support_plan", "asfp"),
    }


def test_facts_in_a_staff_lookup_are_not_the_users_own():
    from bot.nlu.components import FactStatementExtractor

    message = Message(
        data={
            "text": "Letzte Bewertung für PartnerID 1234567, die ist aktiv",
            "intent": {"name": intents.STAFF_LOOKUP},
        }
    )
    FactStatementExtractor().process([message])
    assert message.get("entities", []) == []
    message = Message(data={"text": "Die PartnerID ist aktiv", "intent": {"name": intents.INFORM}})
    FactStatementExtractor().process([message])
    assert [(e["entity"], e["value"]) for e in message.get("entities")] == [
        ("has", "partner_id_active")
    ]


def test_a_faq_question_states_only_what_it_says_about_the_asker():
    from bot.nlu.components import FactStatementExtractor

    question = Message(data={"text": "asfp erklärung", "intent": {"name": intents.FAQ}})
    about_us = Message(
        data={
            "text": "Unser Disti macht bisher den Kundensupport, müssen wir das übernehmen?",
            "intent": {"name": intents.FAQ},
        }
    )
    FactStatementExtractor().process([question, about_us])
    assert question.get("entities", []) == []
    assert [(e["entity"], e["value"]) for e in about_us.get("entities")] == [
        ("lacks", "first_line_support")
    ]
