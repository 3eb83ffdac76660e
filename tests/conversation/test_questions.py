"""The form's questions: one `action_ask_<fact>` per asked fact, in the conversation's language, with
answer buttons; the domain asks through them and has no `utter_ask_<fact>` responses."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from actions.actions import ASK_ACTIONS
from bot.conversation.texts import question
from bot.eligibility import FACT_SPECS, QUESTION_ORDER, current_ruleset
from bot.nlu.importer import with_engine_facts
from bot.nlu.language import detect

ROOT = Path(__file__).resolve().parents[2]
# The domain Rasa trains on: domain.yml with the engine's facts (bot/nlu/importer.py).
DOMAIN = with_engine_facts(Domain.load(str(ROOT / "domain.yml"))).as_dict()
YES_NO = [f for f in QUESTION_ORDER if FACT_SPECS[f].kind == "bool"]


def test_the_form_asks_every_fact_through_its_own_action():
    assert DOMAIN["forms"]["eligibility_form"]["required_slots"] == list(QUESTION_ORDER)
    for fact in QUESTION_ORDER:
        assert f"action_ask_{fact}" in DOMAIN["actions"]
        assert f"utter_ask_{fact}" not in DOMAIN["responses"]


def test_the_action_server_registers_every_question():
    executor = ActionExecutor()
    executor.register_package("actions")
    assert {f"action_ask_{fact}" for fact in QUESTION_ORDER} <= set(executor.actions)
    assert not [name for name in executor.actions if name == "action_ask_"]


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("fact", QUESTION_ORDER)
def test_each_question_reads_in_the_conversation_language_and_offers_dont_know(fact, lang):
    text, buttons = question(fact, lang)
    assert text.endswith("?")
    assert detect(text).language == lang, text
    assert buttons[-1] == {
        "title": {"de": "Weiß ich nicht", "en": "I don't know"}[lang],
        "payload": "/dont_know",
    }


@pytest.mark.parametrize("fact", YES_NO)
def test_yes_no_questions_offer_yes_and_no(fact):
    assert [b["title"] for b in question(fact, "de")[1]] == ["Ja", "Nein", "Weiß ich nicht"]
    assert [b["payload"] for b in question(fact, "en")[1]] == ["/affirm", "/deny", "/dont_know"]


def test_the_support_plan_question_offers_the_plans_and_none():
    _, buttons = question("support_plan", "de")
    assert [b["title"] for b in buttons] == ["ASfP", "PSfP", "Keinen", "Weiß ich nicht"]
    assert buttons[0]["payload"] == '/inform{"support_plan": "asfp"}'
    assert buttons[2]["payload"] == "/deny"


def test_the_revenue_question_quotes_the_rule_sets_window():
    months = current_ruleset().revenue_window_months
    assert f"in den letzten {months} Monaten" in question("csp_revenue_usd", "de")[0]
    assert f"over the last {months} months" in question("csp_revenue_usd", "en")[0]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_ask_action_sends_the_question_with_its_buttons(lang):
    tracker = Tracker(
        sender_id="partner-1",
        slots={"language": lang},
        latest_message={},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": "eligibility_form"},
        latest_action_name="validate_eligibility_form",
    )
    dispatcher = CollectingDispatcher()
    action = ASK_ACTIONS["signing_authority"]()
    assert action.name() == "action_ask_signing_authority"
    assert asyncio.run(action.run(dispatcher, tracker, DOMAIN)) == []
    text, buttons = question("signing_authority", lang)
    (message,) = dispatcher.messages
    assert message["text"] == text
    assert message["buttons"] == buttons
