"""Partners as they write, over REST with the freshly trained model and the real servers.

Each class of message that a blind trial misread has a conversation here, in both languages. Where
the rules decide (facts with an eligibility question, negations, start months, form answers in
one's own words) the outcome is exact. Where the trained model decides (which question was asked),
the test sends every question of that kind from the blind-written intent set
(tests/nlu/blind/intents_1_*.yml: written by someone who saw neither the training data nor the
rules) and allows one miss per class: a model trained on another machine may differ in its last
digits, and the assertion must not rest on one lucky prediction.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
import yaml

from bot.conversation import intents
from tests.e2e.conftest import TOKEN, Assistant, http, texts, verdicts
from tests.e2e.test_conversations import asked, assert_language, new_sender, requested

ROOT = Path(__file__).resolve().parents[2]
BLIND = ROOT / "tests" / "nlu" / "blind"
LOCALES = {"de": "de-DE", "en": "en-GB"}


def slots(assistant: Assistant, sender: str) -> dict:
    return assistant.tracker(sender)["slots"]


def test_german_facts_negations_and_own_words_through_the_form(assistant: Assistant) -> None:
    sender = new_sender()
    replies = assistant.say(
        sender,
        "Hallo! Angefangen haben wir als indirekter Wiederverkäufer im Mai 2024, der CSP-Umsatz "
        "lag zuletzt bei 480.000 USD. Erfüllen wir die Voraussetzungen?",
    )
    assert_language(replies, "de")
    assert slots(assistant, sender)["indirect_since"] == "2024-05"
    assert slots(assistant, sender)["csp_revenue_usd"] == 480000
    assert asked(replies, "partner_id_active", "de")

    replies = assistant.say(sender, "jawohl")
    assert slots(assistant, sender)["partner_id_active"] is True
    assert asked(replies, "signing_authority", "de"), texts(replies)

    # The negation after the verb, the object first.
    replies = assistant.say(sender, "Eine Prokura besitze ich allerdings nicht.")
    assert slots(assistant, sender)["signing_authority"] is False
    assert "Wichtig vorab – Zustimmung" in texts(replies)
    assert asked(replies, "first_line_support", "de"), texts(replies)

    replies = assistant.say(sender, "logo")
    assert slots(assistant, sender)["first_line_support"] is True

    replies = assistant.say(sender, "PSfP ist vorhanden")
    assert slots(assistant, sender)["support_plan"] == "psfp"
    assert asked(replies, "billing_infrastructure", "de"), texts(replies)

    # Separable verb with "erst" and the step still to come: not built yet.
    replies = assistant.say(sender, "Unsere Abrechnung bauen wir gerade erst auf.")
    assert slots(assistant, sender)["billing_infrastructure"] is False
    assistant.say(sender, "Ja, alle vier")
    assert slots(assistant, sender)["capabilities"] is True

    replies = assistant.say(sender, "Managed Services bieten wir bisher keine an.")
    assert_language(replies, "de")
    [verdict] = verdicts(replies)
    assert verdict["facts"]["managed_services"] == 0
    assert verdict["status"] == "not_eligible"
    assert set(verdict["unmet"]) == {"endorsement", "accounts_receivable", "managed_services"}


def test_german_plan_only_after_the_credit_check_is_no_plan(assistant: Assistant) -> None:
    sender = new_sender()
    assistant.say(
        sender,
        "Wir sind seit zwei Jahren indirekter Wiederverkäufer mit 350.000 USD CSP-Umsatz. "
        "Einen Supportplan schließen wir erst nach der Bonitätsprüfung ab. Passt das?",
    )
    state = slots(assistant, sender)
    assert state["support_plan"] == "none" and state["credit_check_passed"] is None
    assert requested(assistant, sender) == "partner_id_active"


def test_english_facts_with_do_we_qualify_start_the_check(assistant: Assistant) -> None:
    sender = new_sender()
    replies = assistant.say(
        sender,
        "We began reselling through a distributor in May 2024 and our CSP revenue is $720k "
        "— do we qualify?",
    )
    assert_language(replies, "en")
    state = slots(assistant, sender)
    assert state["indirect_since"] == "2024-05" and state["csp_revenue_usd"] == 720000
    assert asked(replies, "partner_id_active", "en")

    for text, fact, value in [
        ("Yep, it's active", "partner_id_active", True),
        ("Sure, I'm authorised to sign.", "signing_authority", True),
        ("yes, we handle that", "first_line_support", True),
        ("We haven't bought a support plan yet", "support_plan", "none"),
        ("Billing runs on our own platform.", "billing_infrastructure", True),
        ("security isn't in place yet", "capabilities", False),
    ]:
        replies = assistant.say(sender, text)
        assert_language(replies, "en")
        assert slots(assistant, sender)[fact] == value, (text, texts(replies))
    assert "Important up front – Capabilities" in texts(replies)
    replies = assistant.say(sender, "we don't run any managed services so far")
    assert slots(assistant, sender)["managed_services"] == 0
    # No plan yet: whether it may be bought now depends on the credit check.
    assert asked(replies, "credit_check_passed", "en"), texts(replies)
    replies = assistant.say(sender, "still waiting on that one")
    assert slots(assistant, sender)["credit_check_passed"] is False
    [verdict] = verdicts(replies)
    assert verdict["facts"]["managed_services"] == 0
    assert verdict["status"] == "not_eligible"
    assert set(verdict["unmet"]) == {"capabilities", "managed_services"}


def test_english_correction_in_own_words_replaces_the_fact(assistant: Assistant) -> None:
    sender = new_sender()
    assistant.say(sender, "We've got 26 months and $720k behind us. Are we eligible?")
    assert slots(assistant, sender)["indirect_months"] == 26
    replies = assistant.say(sender, "Nobody here can sign legal agreements, that's our board.")
    assert slots(assistant, sender)["signing_authority"] is False
    assert slots(assistant, sender)["partner_id_active"] is None  # not read as an answer
    assert "Important up front – Endorsement" in texts(replies)


@functools.cache
def _blind_questions(lang: str) -> list[dict]:
    return yaml.safe_load((BLIND / f"intents_1_{lang}.yml").read_text("utf-8"))["examples"]


@functools.cache
def _answers(topic: str, lang: str) -> str:
    """The FAQ answer of `topic` in `lang`, as domain.yml gives it, with the rule set's numbers
    filled in as Rasa fills them from the slots the session start sets."""
    from rasa.core.nlg.interpolator import interpolate_text

    from bot.conversation.texts import response_slots

    domain = yaml.safe_load((ROOT / "domain.yml").read_text("utf-8"))
    for variant in domain["responses"][f"utter_{topic}"]:
        if variant["condition"][0]["value"] == lang:
            return interpolate_text(variant["text"], response_slots())
    raise KeyError(topic)


# The two kinds of question the blind trial found misread: a first message in a person's own
# words ("Wir sind ein Systemhaus aus Köln ... Was brauchen wir dafür?") and the application
# process ("Wie geht es nach dem Antrag weiter?").
@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize(
    "topic", [f"{intents.FAQ}/requirements", f"{intents.FAQ}/application_process"]
)
def test_blind_written_first_questions_get_their_answer(
    assistant: Assistant, topic: str, lang: str
) -> None:
    questions = [q["text"] for q in _blind_questions(lang) if q["intent"] == topic]
    assert len(questions) >= 8
    wrong = []
    for question in questions:
        # With the locale Teams and the widget send: "asfp vs psfp?" alone names no language.
        replies = assistant.say(new_sender(), question, {"locale": LOCALES[lang]})
        assert_language(replies, lang)
        if _answers(topic, lang) not in texts(replies):
            wrong.append((question, texts(replies)[:80]))
    assert len(wrong) <= 1, wrong


@pytest.mark.parametrize("lang", ["de", "en"])
def test_blind_written_questions_are_understood(assistant: Assistant, lang: str) -> None:
    # Intent and FAQ topic over the HTTP API, the way the conversation reads them.
    from bot.nlu.evaluate import _full_intent

    questions = _blind_questions(lang)
    wrong = []
    for question in questions:
        status, parse = http(
            "POST", f"{assistant.base}/model/parse?token={TOKEN}", {"text": question["text"]}
        )
        assert status == 200
        if _full_intent(parse) != question["intent"]:
            wrong.append((question["intent"], _full_intent(parse), question["text"]))
    # 112 questions per language; at most 6 % wrong (before the round on this class: ~10 %).
    assert len(wrong) <= 0.06 * len(questions), wrong
