"""Replies read by the rules as the answer to the form's question, and "am I eligible?" with facts:
the same on every machine, whatever intent a trained model chose."""

from __future__ import annotations

import pytest
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.core.constants import REQUESTED_SLOT
from rasa.shared.core.events import ActiveLoop, SlotSet
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.conversation import intents
from bot.conversation.texts import question
from bot.eligibility import FACT_SPECS, QUESTION_ORDER
from bot.eligibility.facts import BOOL
from bot.i18n import LANGUAGES
from bot.nlu.answers import asks_eligibility, read_answer
from bot.nlu.components import CLASSIFIED_INTENT, LANGUAGE, FactStatementExtractor

YES_NO_FACTS = [fact for fact in QUESTION_ORDER if FACT_SPECS[fact].kind == BOOL]


def _read(text: str, lang: str, fact: str, quantities=()) -> tuple[str, set] | None:
    reading = read_answer(text, lang, fact, quantities)
    if reading is None:
        return None
    return reading.intent, {(s.entity, s.value) for s in reading.statements}


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Ja", "de"), ("ja.", "de"), ("Ja, den bieten wir", "de"), ("Ja, das darf ich", "de"),
        ("sicher", "de"), ("Klar doch", "de"), ("Natürlich", "de"), ("Genau", "de"),
        ("Können wir.", "de"), ("Haben wir", "de"), ("Bieten wir an", "de"), ("Kein Problem", "de"),
        ("Yes", "en"), ("yes, that we offer", "en"), ("Sure", "en"), ("Of course", "en"),
        ("Yes we do", "en"), ("We can", "en"), ("yep 👍", "en"), ("Absolutely!", "en"),
    ],
)  # fmt: skip
def test_a_plain_yes_answers_every_yes_no_question(text, lang):
    for fact in YES_NO_FACTS:
        assert _read(text, lang, fact) == (intents.AFFIRM, {("has", fact)}), (text, fact)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Nein", "de"), ("nö", "de"), ("Leider nicht", "de"), ("Noch nicht", "de"),
        ("Haben wir nicht", "de"), ("Natürlich nicht", "de"), ("Nein, das macht unser Distributor", "de"),
        ("No", "en"), ("nope", "en"), ("Not yet", "en"), ("We don't", "en"), ("Unfortunately not", "en"),
    ],
)  # fmt: skip
def test_a_plain_no_answers_every_yes_no_question(text, lang):
    for fact in YES_NO_FACTS:
        assert _read(text, lang, fact) == (intents.DENY, {("lacks", fact)}), (text, fact)


@pytest.mark.parametrize(
    ("text", "lang", "fact", "expected"),
    [
        # The fact's own negation rules: a credit check still running is not passed, support by
        # the distributor is not the partner's, an expired membership is not active.
        ("Läuft noch", "de", "credit_check_passed", (intents.DENY, {("lacks", "credit_check_passed")})),
        ("still pending", "en", "credit_check_passed", (intents.DENY, {("lacks", "credit_check_passed")})),
        ("Das macht unser Distributor", "de", "first_line_support", (intents.DENY, {("lacks", "first_line_support")})),
        ("Die ist abgelaufen", "de", "partner_id_active", (intents.DENY, {("lacks", "partner_id_active")})),
        # A reply that names the fact asked is a statement about it.
        ("Einen eigenen Helpdesk haben wir nicht", "de", "first_line_support", (intents.INFORM, {("lacks", "first_line_support")})),
        ("Prokura habe ich", "de", "signing_authority", (intents.INFORM, {("has", "signing_authority")})),
        # Only the words before another fact answer the question asked.
        ("Ja, und ASfP haben wir auch", "de", "first_line_support", (intents.AFFIRM, {("has", "first_line_support")})),
    ],
)  # fmt: skip
def test_the_facts_own_rules_decide_the_answer(text, lang, fact, expected):
    assert _read(text, lang, fact) == expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("PSfP", "de", (intents.INFORM, {("support_plan", "psfp")})),
        ("psfp", "en", (intents.INFORM, {("support_plan", "psfp")})),
        ("ASfP.", "de", (intents.INFORM, {("support_plan", "asfp")})),
        ("Wir haben Premier Support", "de", (intents.INFORM, {("support_plan", "psfp")})),
        ("Advanced Support for Partners", "en", (intents.INFORM, {("support_plan", "asfp")})),
        ("Keinen", "de", (intents.DENY, {("support_plan", "none")})),
        ("noch keinen", "de", (intents.DENY, {("support_plan", "none")})),
        ("Nein", "de", (intents.DENY, {("support_plan", "none")})),
        ("none yet", "en", (intents.DENY, {("support_plan", "none")})),
        ("None", "en", (intents.DENY, {("support_plan", "none")})),
        ("Nein, aber PSfP haben wir", "de", (intents.INFORM, {("support_plan", "psfp")})),
        ("weiß ich nicht", "de", (intents.DONT_KNOW, set())),
        # "Ja" does not say which plan: the classifier and the hint decide.
        ("Ja", "de", None),
    ],
)
def test_the_support_plan_by_name_none_or_not_known(text, lang, expected):
    assert _read(text, lang, "support_plan") == expected


@pytest.mark.parametrize("fact", QUESTION_ORDER)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_button_title_typed_out_is_that_button(fact, lang):
    # "PSfP" typed to the question whose buttons offer [ASfP] [PSfP] [Keinen] [Weiß ich nicht].
    _, buttons = question(fact, lang)
    for button in buttons:
        reading = read_answer(button["title"], lang, fact)
        assert reading is not None, button
        intent = button["payload"].lstrip("/").split("{")[0]
        assert reading.intent == intent, button
        if "support_plan" in button["payload"]:
            plan = button["payload"].split('"support_plan": "')[1].split('"')[0]
            assert {(s.entity, s.value) for s in reading.statements} == {("support_plan", plan)}
        if FACT_SPECS[fact].kind == BOOL and intent in (intents.AFFIRM, intents.DENY):
            entity = "has" if intent == intents.AFFIRM else "lacks"
            assert {(s.entity, s.value) for s in reading.statements} == {(entity, fact)}


@pytest.mark.parametrize(
    ("text", "lang"),
    [("Weiß ich nicht", "de"), ("weiss nicht", "de"), ("Keine Ahnung", "de"), ("Ich bin mir nicht sicher", "de"),
     ("I don't know", "en"), ("no idea", "en"), ("not sure", "en"), ("dunno", "en")],
)  # fmt: skip
def test_not_knowing_answers_every_question(text, lang):
    for fact in QUESTION_ORDER:
        assert _read(text, lang, fact) == (intents.DONT_KNOW, set()), (text, fact)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Was ist ASfP?", "de"), ("Ja?", "de"), ("Wie lange dauert die Bonitätsprüfung?", "de"),
        ("ok", "de"), ("Vielleicht", "de"), ("Kann sein", "de"), ("Wir planen das", "de"),
        ("Guten Tag", "de"), ("abbrechen", "de"), ("auf Deutsch bitte", "de"),
        ("What do I still lack?", "en"), ("maybe", "en"), ("I think so", "en"), ("stop", "en"),  # not an intent: the text typed
        ("in English please", "en"), ("", "en"), ("<b>yes</b>" * 200, "en"),
    ],
)  # fmt: skip
def test_questions_doubts_and_other_requests_are_no_answer(text, lang):
    for fact in QUESTION_ORDER:
        assert read_answer(text, lang, fact) is None, (text, fact)


def test_the_quantity_asked_for_answers_its_question():
    # The values come from the QuantityExtractor; found in the reply, they make it the answer.
    assert _read("Etwa 280.000 USD", "de", "csp_revenue_usd", {"amount"}) == (intents.INFORM, set())
    assert _read("seit März 2025", "de", "indirect_months", {"duration"}) == (intents.INFORM, set())
    assert _read("zwei", "de", "managed_services", {"count"}) == (intents.INFORM, set())
    assert _read("14", "en", "indirect_months", {"count"}) == (intents.INFORM, set())
    assert _read("keine", "de", "managed_services") == (intents.DENY, set())
    # A quantity of another kind, or none, or a question, is no answer.
    assert read_answer("Ja, 350.000 USD", "de", "csp_revenue_usd") is None
    assert read_answer("14 Monate", "de", "csp_revenue_usd", {"duration"}) is None
    assert read_answer("Zählen 280.000 USD?", "de", "csp_revenue_usd", {"amount"}) is None


@pytest.mark.parametrize(
    "text",
    [
        "We have been an indirect reseller for 14 months and made USD 350,000 in CSP revenue. Are we eligible?",
        "Guten Tag, können wir uns als Partner mit direkter Abrechnung registrieren?",
        "Wir haben 350.000 USD Umsatz, reicht das?",
        "Can I register as a direct bill partner?",
        "Do we qualify with 14 months?",
        "Sind wir damit berechtigt?",
        "Erfüllen wir die Anforderungen?",
        "Kommen wir mit 14 Monaten dafür in Frage?",
        "Seit 2023 indirekt, Umsatz 410.000 USD. Passt das so?",
        "Genügt das für die Registrierung?",
        "26 months as an indirect reseller, USD 500k revenue. Would that work?",
    ],
)
def test_eligibility_questions(text):
    assert asks_eligibility(text)


@pytest.mark.parametrize(
    "text",
    [
        "Wie können wir uns registrieren?",
        "What do we need to register?",
        "How can I register as a direct bill partner?",
        "When can we apply?",
        "Welche Anforderungen gibt es?",
        "We can register next year.",
        "Passt es Ihnen, wenn ich morgen anrufe?",
    ],
)
def test_how_and_when_questions_are_no_eligibility_questions(text):
    assert not asks_eligibility(text)


# --- in the pipeline: the component with the conversation's tracker -------------------------------


def _form_tracker(requested: str) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        "partner",
        [ActiveLoop("eligibility_form"), SlotSet(REQUESTED_SLOT, requested)],
        slots=[AnySlot(REQUESTED_SLOT, mappings=[])],
    )


def _classified(text: str, intent: str, lang: str, confidence: float = 0.9) -> Message:
    # What DIET hands on: its intent and ranking; the LanguageDetector's processing language.
    ranking = [
        {"name": intent, "confidence": confidence},
        {"name": intents.FAQ, "confidence": 0.05},
    ]
    message = Message(data={TEXT: text, INTENT: ranking[0], INTENT_RANKING_KEY: ranking})
    message.set(LANGUAGE, lang)
    return message


def _found(message: Message) -> set:
    return {(e["entity"], e["value"]) for e in message.get(ENTITIES, [])}


@pytest.mark.parametrize(
    ("text", "lang", "classified", "requested", "intent", "entities"),
    [
        ("Ja, den bieten wir", "de", intents.FAQ, "first_line_support", intents.AFFIRM, {("has", "first_line_support")}),
        ("Ja, den bieten wir", "de", intents.INFORM, "first_line_support", intents.AFFIRM, {("has", "first_line_support")}),
        ("yes, that we offer", "en", intents.OUT_OF_SCOPE, "first_line_support", intents.AFFIRM, {("has", "first_line_support")}),
        ("PSfP", "en", intents.DONT_KNOW, "support_plan", intents.INFORM, {("support_plan", "psfp")}),
        ("none yet", "en", intents.GREET, "support_plan", intents.DENY, {("support_plan", "none")}),
        ("keinen", "de", intents.INFORM, "support_plan", intents.DENY, {("support_plan", "none")}),
        ("Weiß ich nicht", "de", intents.DENY, "capabilities", intents.DONT_KNOW, set()),
        ("Läuft noch", "de", intents.AFFIRM, "credit_check_passed", intents.DENY, {("lacks", "credit_check_passed")}),
        # Not a yes to the question asked: a correction of another fact.
        ("Sorry, correction: our CSP revenue was only 280k", "en", intents.INFORM, "partner_id_active", intents.INFORM, set()),
    ],
)  # fmt: skip
def test_during_the_form_the_answer_decides_whatever_the_classifier_chose(
    text, lang, classified, requested, intent, entities
):
    message = _classified(text, classified, lang)
    FactStatementExtractor().process([message], tracker=_form_tracker(requested))
    assert message.get(INTENT)["name"] == intent
    assert _found(message) == entities
    if classified != intent:
        assert message.get(CLASSIFIED_INTENT)["name"] == classified
    # The FallbackClassifier after it sees a decided, unambiguous intent, even where the
    # classifier's own top two were close.
    fallback = FallbackClassifier({"threshold": 0.3, "ambiguity_threshold": 0.05})
    fallback.process([message])
    assert message.get(INTENT)["name"] == intent


def test_outside_the_form_a_reply_keeps_the_classifiers_intent():
    message = _classified("Ja, den bieten wir", intents.FAQ, "de")
    FactStatementExtractor().process([message], tracker=DialogueStateTracker("partner", []))
    assert message.get(INTENT)["name"] == intents.FAQ
    assert message.get(CLASSIFIED_INTENT) is None


def test_a_reply_the_rules_cannot_read_keeps_the_classifiers_intent():
    message = _classified("Kann sein", intents.AFFIRM, "de")
    FactStatementExtractor().process([message], tracker=_form_tracker("capabilities"))
    assert message.get(INTENT)["name"] == intents.AFFIRM
    assert _found(message) == set()


def test_an_eligibility_question_with_facts_starts_the_check_whatever_the_classifier_chose():
    text = "We have been an indirect reseller for 14 months and made USD 350,000 in CSP revenue. Are we eligible?"
    message = _classified(text, intents.FAQ, "en")
    message.set(
        ENTITIES, [{"entity": "amount", "value": 350000}, {"entity": "duration", "value": 14}]
    )
    FactStatementExtractor().process([message], tracker=DialogueStateTracker("partner", []))
    assert message.get(INTENT)["name"] == intents.ASK_ELIGIBILITY
    # Read in full, not as a question about the rules: "indirect reseller" today.
    assert ("lacks", "is_direct_bill_partner") in _found(message)


def test_an_eligibility_question_without_facts_is_left_to_the_classifier():
    message = _classified("Can I register as a direct bill partner?", intents.FAQ, "en")
    FactStatementExtractor().process([message], tracker=None)
    assert message.get(INTENT)["name"] == intents.FAQ


@pytest.mark.parametrize("classified", sorted(intents.CHECK_INTENTS | {intents.STAFF_LOOKUP}))
def test_intents_that_start_or_report_the_check_are_kept(classified):
    message = _classified("Wir haben 350.000 USD Umsatz, reicht das?", classified, "de")
    message.set(ENTITIES, [{"entity": "amount", "value": 350000}])
    FactStatementExtractor().process([message], tracker=None)
    assert message.get(INTENT)["name"] == classified


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Na klar", intents.AFFIRM),
        ("Aber sicher", intents.AFFIRM),
        ("Aber sicher nicht", intents.DENY),
        ("na ja", None),
    ],
)
def test_a_particle_before_yes(text: str, intent: str | None) -> None:
    reading = read_answer(text, "de", "first_line_support")
    assert (reading.intent if reading else None) == intent


def test_still_waiting_answers_the_credit_check_question() -> None:
    for text, lang in [("still waiting on that one", "en"), ("Wir warten noch darauf", "de")]:
        assert _read(text, lang, "credit_check_passed") == (
            intents.DENY,
            {("lacks", "credit_check_passed")},
        ), text


@pytest.mark.parametrize(
    ("text", "lang"),
    [("Nobody here can sign legal agreements.", "en"), ("Niemand hier darf unterschreiben.", "de")],
)
def test_a_statement_about_another_fact_is_no_answer_to_the_question_asked(text, lang) -> None:
    # The negation belongs to the signing authority, not to the PartnerID asked about.
    reading = _read(text, lang, "partner_id_active")
    assert reading is None or ("lacks", "partner_id_active") not in reading[1]
