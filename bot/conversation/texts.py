"""The form's questions with their answer buttons, and the rule-set numbers that domain.yml's
responses quote (the texts themselves are in the catalog, bot/texts/conversation.yml)."""

from __future__ import annotations

from bot.conversation import intents
from bot.eligibility import FACT_SPECS
from bot.eligibility.facts import BOOL, CHOICE
from bot.eligibility.report import render_rule_changes
from bot.eligibility.rules import current_ruleset, newest_ruleset, text_parameters
from bot.i18n import LANGUAGES, Message, format_money
from bot.texts import render_text


def response_slots() -> dict[str, str]:
    """The rule set's numbers as the slots that domain.yml's responses quote ("{rule_window}
    Monate", "{rule_min_revenue_de}"): Rasa fills a response from slots, and an amount reads
    differently in each language. Set at every session start."""
    params = text_parameters()
    return {
        **{f"rule_min_revenue_{lang}": format_money(params["rule_min_revenue"], lang)
           for lang in LANGUAGES},
        **{f"rule_min_services_{lang}": render_text(params["rule_min_services"], lang)
           for lang in LANGUAGES},
        "rule_window": str(params["rule_window"]),
        "rule_min_months": str(params["rule_min_months"]),
        # "What changed in FY26?": the newest rule set in force against the one decided by.
        **{f"rule_changes_{lang}": render_rule_changes(current_ruleset(), newest_ruleset(), lang)
           for lang in LANGUAGES},
    }  # fmt: skip


# The payloads are intents (and for the plan an entity) that the dialogue reads like typed answers.
_ANSWER_BUTTONS = {
    BOOL: (
        ("button.yes", intents.payload(intents.AFFIRM)),
        ("button.no", intents.payload(intents.DENY)),
    ),
    CHOICE: (
        ("value.plan.asfp", intents.payload(intents.INFORM, support_plan="asfp")),
        ("value.plan.psfp", intents.payload(intents.INFORM, support_plan="psfp")),
        ("button.no_plan", intents.payload(intents.DENY)),
    ),
}


def _answers(fact: str) -> tuple[tuple[str, str], ...]:
    return (
        *_ANSWER_BUTTONS.get(FACT_SPECS[fact].kind, ()),
        ("button.dont_know", intents.payload(intents.DONT_KNOW)),
    )


def question(fact: str, lang: str) -> tuple[str, list[dict[str, str]]]:
    """The form's question for `fact` and its answer buttons, "don't know" always among them."""
    text = render_text(Message(f"ask.{fact}"), lang)
    buttons = [
        {"title": render_text(Message(key), lang), "payload": p} for key, p in _answers(fact)
    ]
    return text, buttons


def button_payloads(fact: str) -> dict[str, str]:
    """The payload of each answer button of `fact`'s question by its title, in every language: a
    partner who types a title ("PSfP", "Weiß ich nicht") means that button."""
    return {
        render_text(Message(key), lang): payload
        for key, payload in _answers(fact)
        for lang in LANGUAGES
    }
