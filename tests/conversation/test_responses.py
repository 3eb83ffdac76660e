"""Every response renders through Rasa's own response generator in both languages, in that language."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.conversation.texts import response_slots
from bot.nlu.language import detect

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def render(response: str, lang: str, channel: str) -> dict | None:
    # With the slots the session start sets: the rule set's numbers the FAQ answers quote.
    slots = {**response_slots(), "language": lang}
    tracker = DialogueStateTracker.from_events(
        "test", [SlotSet(name, value) for name, value in slots.items()], slots=DOMAIN.slots
    )
    generator = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
    return asyncio.run(generator.generate(response, tracker, channel))


@pytest.mark.parametrize("channel", ["rest", "widget", "teams"])
@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("response", sorted(DOMAIN.responses))
def test_response_renders_in_the_conversation_language(
    response: str, lang: str, channel: str
) -> None:
    message = render(response, lang, channel)
    assert (
        message is not None and (message.get("text") or "").strip()
    ), f"{response} is empty in {lang}"
    decided = detect(message["text"])
    assert (
        decided.language == lang
    ), f"{response} ({lang}) reads as {decided.language}: {message['text']!r}"
    for button in message.get("buttons") or []:
        assert button["title"].strip() and button["payload"].startswith("/")


def test_every_response_has_exactly_one_variant_per_language_and_no_fallback() -> None:
    for name, variants in DOMAIN.responses.items():
        languages = []
        for variant in variants:
            conditions = variant.get("condition") or []
            assert not variant.get(
                "channel"
            ), f"{name}: a channel-only variant beats the conditional ones"
            assert [c["name"] for c in conditions] == ["language"], f"{name}: unconditioned variant"
            languages.append(conditions[0]["value"])
        assert sorted(languages) == ["de", "en"], name


def test_numbers_in_responses_are_the_rule_sets_numbers() -> None:
    """The FAQ answers quote the thresholds; a new rule set must not leave them saying old numbers."""
    from decimal import Decimal

    from bot.eligibility import current_ruleset
    from bot.eligibility.rules import newest_ruleset
    from bot.i18n import Money, format_money

    rules = current_ruleset()
    months = {rules.min_indirect_months, rules.revenue_window_months}
    for name, variants in DOMAIN.responses.items():
        for variant in variants:
            lang = variant["condition"][0]["value"]
            text = render(name, lang, "rest")["text"]
            assert "None" not in text and "{" not in text, name
            # Only the answer on what a newer rule set changes quotes that one's numbers too.
            quoted = [rules, newest_ruleset()] if name == "utter_faq/rule_changes" else [rules]
            allowed = {format_money(Money(Decimal(r.min_csp_revenue_usd)), lang) for r in quoted}
            for amount in re.findall(r"[0-9][0-9.,]* USD|USD [0-9][0-9.,]*", text):
                assert amount in allowed, (name, amount)
            for count in re.findall(r"([0-9]+) (?:Monat|month)", text):
                assert int(count) in months, (name, count)
