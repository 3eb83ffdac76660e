"""The form's questions: asked by the form's validation action with the slot it requests, in the
conversation's language, with answer buttons; the domain has no `action_ask_<fact>` or
`utter_ask_<fact>` through which Rasa's form would ask a second time."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ValidateEligibilityForm
from bot.conversation import intents
from bot.conversation.texts import question
from bot.eligibility import DONT_KNOW, FACT_SPECS, QUESTION_ORDER, current_ruleset
from bot.nlu.importer import with_engine_facts
from bot.nlu.language import detect

ROOT = Path(__file__).resolve().parents[2]
# The domain Rasa trains on: domain.yml with the engine's facts (bot/nlu/importer.py).
DOMAIN = with_engine_facts(Domain.load(str(ROOT / "domain.yml"))).as_dict()
YES_NO = [f for f in QUESTION_ORDER if FACT_SPECS[f].kind == "bool"]


def test_the_form_covers_every_asked_fact_and_rasa_has_no_question_of_its_own_to_ask():
    assert DOMAIN["forms"]["eligibility_form"]["required_slots"] == list(QUESTION_ORDER)
    for fact in QUESTION_ORDER:
        assert f"action_ask_{fact}" not in DOMAIN["actions"]
        assert f"action_ask_eligibility_form_{fact}" not in DOMAIN["actions"]
        assert f"utter_ask_{fact}" not in DOMAIN["responses"]
        assert f"utter_ask_eligibility_form_{fact}" not in DOMAIN["responses"]


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("fact", QUESTION_ORDER)
def test_each_question_reads_in_the_conversation_language_and_offers_dont_know(fact, lang):
    text, buttons = question(fact, lang)
    assert text.endswith("?")
    assert detect(text).language == lang, text
    assert buttons[-1] == {
        "title": {"de": "Weiß ich nicht", "en": "I don't know"}[lang],
        "payload": intents.payload(intents.DONT_KNOW),
    }


@pytest.mark.parametrize("fact", YES_NO)
def test_yes_no_questions_offer_yes_and_no(fact):
    assert [b["title"] for b in question(fact, "de")[1]] == ["Ja", "Nein", "Weiß ich nicht"]
    yes, no, dont_know = (
        intents.payload(i) for i in (intents.AFFIRM, intents.DENY, intents.DONT_KNOW)
    )
    assert [b["payload"] for b in question(fact, "en")[1]] == [yes, no, dont_know]


def test_the_support_plan_question_offers_the_plans_and_none():
    _, buttons = question("support_plan", "de")
    assert [b["title"] for b in buttons] == ["ASfP", "PSfP", "Keinen", "Weiß ich nicht"]
    assert buttons[0]["payload"] == intents.payload(intents.INFORM, support_plan="asfp")
    assert buttons[2]["payload"] == intents.payload(intents.DENY)


def test_the_revenue_question_quotes_the_rule_sets_window():
    months = current_ruleset().revenue_window_months
    assert f"in den letzten {months} Monaten" in question("csp_revenue_usd", "de")[0]
    assert f"over the last {months} months" in question("csp_revenue_usd", "en")[0]


def _form_tracker(slots: dict, latest_action: str = "action_listen") -> Tracker:
    return Tracker(
        sender_id="partner-1",
        slots={"requested_slot": None, **slots},
        latest_message={"intent": {"name": intents.INFORM}, "entities": [], "text": ""},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": "eligibility_form"},
        latest_action_name=latest_action,
    )


def _validate(tracker: Tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateEligibilityForm().run(dispatcher, tracker, DOMAIN))
    return events, dispatcher.messages


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_validation_asks_the_slot_it_requests_with_its_buttons(lang):
    known = {"indirect_months": 14, "csp_revenue_usd": 350000, "partner_id_active": True}
    events, messages = _validate(_form_tracker({**known, "language": lang}))
    requested = [
        e["value"] for e in events if e["event"] == "slot" and e["name"] == "requested_slot"
    ]
    assert requested == ["signing_authority"]
    # Then it waits for the answer without Rasa predicting that again.
    assert events[-1] == {"event": "followup", "timestamp": None, "name": "action_listen"}
    text, buttons = question("signing_authority", lang)
    (message,) = messages
    assert message["text"] == text
    assert message["buttons"] == buttons


def test_coming_back_after_an_interruption_asks_again():
    # Rasa runs the validation with no new slots when the form continues after a FAQ answer.
    slots = {"indirect_months": 14, "requested_slot": "csp_revenue_usd", "language": "de"}
    _, messages = _validate(_form_tracker(slots, latest_action="utter_faq"))
    assert [m["text"] for m in messages] == [question("csp_revenue_usd", "de")[0]]


def test_nothing_is_asked_when_the_engine_needs_no_more_facts():
    known = {fact: DONT_KNOW for fact in QUESTION_ORDER}  # answered, if not known: never asked
    events, messages = _validate(_form_tracker({**known, "language": "en"}))
    assert {"event": "slot", "timestamp": None, "name": "requested_slot", "value": None} in events
    assert messages == []
