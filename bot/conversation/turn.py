"""One user turn -> fact changes and the replies about them.

Rasa gives us the intent and the entities (from DIET and the quantity extractor); this module decides
what they mean for the facts, using the engine's validation, so that the actions stay thin.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bot.conversation import intents
from bot.eligibility import DONT_KNOW, FACT_SPECS, FactError, Facts, evaluate
from bot.eligibility.facts import (
    BOOL,
    CHOICE,
    COUNT,
    MONEY,
    MONTH,
    MONTHS,
    NUMERIC_KINDS,
    SUPPORT_PLANS,
    TENURE_SLACK_MONTHS,
    Span,
    distance,
    json_value,
    plural_count,
    shown_figure,
    validate_fact,
)
from bot.eligibility.requirements import numeric_threshold
from bot.eligibility.rules import current_ruleset
from bot.i18n import Message, Money, Month, check_language, format_money, format_month
from bot.texts import render_text

_BOOL_FACTS = {key for key, spec in FACT_SPECS.items() if spec.kind == BOOL}


@dataclass
class Turn:
    """What a user turn changed: new fact values (JSON form, for the slots) and replies, in order;
    the facts before and after it, validated once, for the verdict and the audit trail."""

    before: Facts
    after: Facts
    changes: dict[str, Any] = field(default_factory=dict)
    replies: list[str] = field(default_factory=list)


def facts_from_slots(slots: Mapping[str, Any], today: dt.date | None = None) -> Facts:
    """The facts held in the conversation's slots (values were validated when they were set)."""
    raw = {key: slots.get(key) for key in FACT_SPECS if slots.get(key) is not None}
    try:
        return Facts.from_mapping(raw, as_of=today)
    except FactError:
        # A start month that has aged into a contradiction: the start month wins, as in RULES.md.
        raw.pop("indirect_months", None)
        return Facts.from_mapping(raw, as_of=today)


def _hint_key(fact: str) -> str:
    kind = FACT_SPECS[fact].kind
    return {BOOL: "hint.yes_no", CHOICE: "hint.support_plan", MONEY: "hint.csp_revenue_usd",
            MONTHS: "hint.indirect_months", COUNT: "hint.managed_services"}.get(kind, "hint.yes_no")  # fmt: skip


def shown_value(fact: str, value: Any, lang: str) -> str:
    """A fact value as a partner reads it ("USD 350,000", "14 Monate", "ja")."""
    if value == DONT_KNOW:
        return render_text(Message("value.dont_know"), lang)
    kind = FACT_SPECS[fact].kind
    if kind in NUMERIC_KINDS and isinstance(value, Span | Mapping):
        # A span, or a slot's JSON form of one: read by the one codec of the facts.
        value = validate_fact(fact, value, dt.date.today())
    if isinstance(value, Span):
        if kind == MONEY:
            return render_text(shown_figure(value, Money), lang)
        if kind == MONTHS:
            months = {"span": shown_figure(value), "count": plural_count(value)}
            return render_text(Message("value.months_span", months), lang)
        return render_text(shown_figure(value), lang)
    if kind == BOOL:
        return render_text(Message("value.yes" if value else "value.no"), lang)
    if kind == CHOICE:
        return render_text(Message(f"value.plan.{value}"), lang)
    if kind == MONEY:
        return format_money(Money(Decimal(str(value))), lang)
    if kind == MONTHS:
        return render_text(Message("value.months", {"count": int(value)}), lang)
    if kind == MONTH:
        year, month = (int(part) for part in str(value).split("-")[:2])
        return format_month(Month(dt.date(year, month, 1)), lang)
    return str(value)


# The fact each entity of the NLU states: quantities by their kind (bot.nlu.quantities), the
# support plan by its name; the statements' "has"/"lacks" entities name their fact as the value.
ENTITY_FACTS = {
    "amount": "csp_revenue_usd",
    "duration": "indirect_months",
    "count": "managed_services",
    "partner_id": "partner_id",
    "support_plan": "support_plan",
}


def _estimate(
    name: str, value: Any, info: Mapping[str, Any], text: str | None
) -> tuple[str, Span | None, dict] | None:
    """An estimate, bound or span of a figure ("gut 310.000 Dollar", "knapp 300.000", "seit Q2
    2024"): (fact, the span it leaves, text parameters), the span where the rule set decided by
    decides it (every figure it allows meets the requirement, or none does), None where it crosses
    the threshold (then the partner is asked for the exact figure). The span is the fact: another
    rule set with another threshold decides it anew. None for an exact figure, or where the span
    is not about a rule's number."""
    kind = info.get("kind", name)
    hedge, bounds = info.get("hedge"), info.get("bounds")
    fact = ENTITY_FACTS.get(kind)
    if not hedge or not bounds or fact is None or info.get("currency", "USD") != "USD":
        return None
    money = FACT_SPECS[fact].kind == MONEY
    # A rule's number is money, months or managed services (named as counted: "2 bis 4 Managed
    # Services"; a bare range of numbers does not say what it counts).
    if FACT_SPECS[fact].kind not in NUMERIC_KINDS or (
        FACT_SPECS[fact].kind == COUNT and info.get("unit") != "count"
    ):
        return None
    try:
        threshold = numeric_threshold(fact, current_ruleset())
    except KeyError:  # no rule of the rule set decided by reads it (FY26: managed services)
        return None
    low, high = (None if b is None else Decimal(str(b)) for b in bounds)
    if hedge == "below" and high is not None:
        # "unter 12 Monate" excludes its figure; every other hedge may reach it.
        high -= Decimal("0.01") if money else 1
    if not money:
        low, high = (None if b is None else int(b) for b in (low, high))
    span = Span(low, high)
    decided = span if span.at_least(threshold) is not None else None
    return fact, decided, {"text": text or str(value), "fact": fact, "threshold": threshold,
                           "value": decided}  # fmt: skip


def _tenure_contradiction(durations: list[tuple[dict, Mapping[str, Any]]]) -> dict | None:
    """A start month and a duration in one message that disagree by more than the month of slack
    the engine allows ("seit März 2025, also 8 Monate"): their texts and figures."""
    started = [(e, i) for e, i in durations if i.get("since")]
    counted = [(e, i) for e, i in durations if not i.get("since")]
    if not started or not counted:
        return None
    (start, _), (count, _) = started[-1], counted[-1]
    if distance(count["value"], int(start["value"])) <= TENURE_SLACK_MONTHS:
        return None
    return {"since": start.get("text") or "", "derived": int(start["value"]),
            "stated": count.get("text") or str(count["value"])}  # fmt: skip


def _candidates(
    intent: str, entities: list[dict], requested: str | None, text: str
) -> tuple[dict, list]:
    """Fact candidates from entities and the intent, plus problems to tell the user about."""
    found: dict[str, Any] = {}
    problems: list[tuple[str, dict]] = []
    durations: list[tuple[dict, Mapping[str, Any]]] = []  # (entity, additional_info)
    for entity in entities:
        name, value = entity.get("entity"), entity.get("value")
        info = entity.get("additional_info") or {}
        estimate = _estimate(name, value, info, entity.get("text"))
        if estimate is not None:
            fact, decided, params = estimate
            if decided is None:
                problems.append(("conv.estimate_at_threshold", params))
            else:
                found[fact] = decided
                problems.append(("conv.estimate_kept", params))
                if fact == "indirect_months" and info.get("hedge") != "period":
                    durations.append(({**entity, "value": decided}, info))  # "about two years"
        elif name == "amount":
            currency = info.get("currency", "USD")
            if currency == "USD":
                found[ENTITY_FACTS[name]] = value
            else:
                problems.append(
                    ("conv.other_currency", {"amount": Money(Decimal(str(value)), currency)})
                )
        elif name == "duration":
            durations.append((entity, info))
            found[ENTITY_FACTS[name]] = value
            if info.get("since"):
                found["indirect_since"] = info["since"]
        elif name == "count":
            # What the message names as counted is managed services ("zwei Managed Services");
            # a bare number answers whichever numeric question is open.
            if info.get("unit") == "count":
                found.setdefault(ENTITY_FACTS[name], value)
            elif requested in ("indirect_months", "managed_services", "csp_revenue_usd"):
                found.setdefault(requested, value)
        elif name == "partner_id":
            found[ENTITY_FACTS[name]] = value
        elif name == "invalid_quantity":
            if info.get("problem") == "ambiguous" and info.get("alternatives"):
                options = " / ".join(str(a) for a in info["alternatives"])
                problems.append(("conv.ambiguous_quantity", {"text": value, "options": options}))
            else:
                problems.append(("conv.invalid_quantity", {"text": value}))
        # `bot.nlu.statements` names the fact or plan by its key.
        elif name == "support_plan" and value in SUPPORT_PLANS:
            found[ENTITY_FACTS[name]] = value
        elif name in ("has", "lacks") and value in _BOOL_FACTS:
            found[value] = name == "has"
    contradiction = _tenure_contradiction(durations)
    if contradiction:
        # RULES.md: a contradiction is asked, not resolved; neither figure is taken.
        found.pop("indirect_months", None)
        found.pop("indirect_since", None)
        problems = [
            (key, params) for key, params in problems
            if not (key == "conv.estimate_kept" and params["fact"] == "indirect_months")
        ]  # fmt: skip
        problems.append(("conv.tenure_contradiction", contradiction))
    if requested and requested not in found:
        if intent == intents.DONT_KNOW:
            found[requested] = DONT_KNOW
        elif intent in (intents.AFFIRM, intents.DENY) and FACT_SPECS[requested].kind == BOOL:
            found[requested] = intent == intents.AFFIRM
        elif intent == intents.DENY and requested == "support_plan":
            found[requested] = "none"
        elif intent == intents.DENY and requested == "managed_services":
            found[requested] = 0
    return found, problems


def interpret_turn(
    intent: str,
    entities: list[dict],
    text: str,
    slots: Mapping[str, Any],
    requested: str | None,
    lang: str,
    today: dt.date | None = None,
) -> Turn:
    """Decide the fact changes of one user turn and the replies that go with them."""
    check_language(lang)
    today = today or dt.date.today()
    before = facts_from_slots(slots, today)
    turn = Turn(before=before, after=before)
    found, problems = _candidates(intent, entities, requested, text or "")
    for key, params in problems:
        if key == "conv.tenure_contradiction":
            params = {**params, "derived": shown_value("indirect_months", params["derived"], lang)}
        elif "fact" in params:  # an estimate: its figures as the partner reads them
            fact = params["fact"]
            params = {
                "text": params["text"],
                "label": render_text(Message(f"label.{fact}"), lang),
                "threshold": shown_value(fact, params["threshold"], lang),
                "value": ""
                if params["value"] is None
                else shown_value(fact, params["value"], lang),
            }
        turn.replies.append(render_text(Message(key, params), lang))

    typed: dict[str, Any] = {}  # validated once; the slots take their JSON form
    for fact, value in found.items():
        if value == DONT_KNOW:
            typed[fact] = DONT_KNOW
            continue
        try:
            typed[fact] = validate_fact(fact, value, today)
        except FactError as error:
            label = render_text(Message(f"label.{fact}"), lang)
            reason = render_text(error.message, lang)
            turn.replies.append(
                render_text(Message("conv.invalid_value", {"label": label, "reason": reason}), lang)
            )
    # A newly stated duration replaces an older start month, and the other way round.
    if "indirect_months" in typed and "indirect_since" not in typed and slots.get("indirect_since"):
        typed["indirect_since"] = None
    valid = {fact: json_value(value) for fact, value in typed.items()}

    noted, updated = [], []
    for fact, value in valid.items():
        old = slots.get(fact)
        if value == old:
            continue
        turn.changes[fact] = value
        if value is None:
            continue
        label = render_text(Message(f"label.{fact}"), lang)
        new_shown = shown_value(fact, value, lang)
        if old is None:
            noted.append(
                render_text(Message("fact.pair", {"label": label, "value": new_shown}), lang)
            )
        else:
            old_shown = shown_value(fact, old, lang)
            updated.append(
                render_text(
                    Message("fact.change", {"label": label, "new": new_shown, "old": old_shown}),
                    lang,
                )
            )
    if noted:
        turn.replies.append(render_text(Message("conv.noted", {"items": "; ".join(noted)}), lang))
    if updated:
        turn.replies.append(
            render_text(Message("conv.updated", {"items": "; ".join(updated)}), lang)
        )

    answered = requested is None or requested in valid or intent not in intents.ANSWER_INTENTS
    if not answered and not problems and not turn.changes:
        turn.replies.append(render_text(Message(_hint_key(requested)), lang))
    if turn.changes:
        turn.after = before.updated({fact: typed[fact] for fact in turn.changes})
        turn.replies.extend(_knockouts(turn.before, turn.after, lang))
    return turn


def _knockouts(before_facts: Facts, after_facts: Facts, lang: str) -> list[str]:
    """Requirements this turn made unmet: said at once, with the offer to continue."""
    # Only this rule set's statuses matter here: no comparison with another one.
    before, after = evaluate(before_facts, compare=False), evaluate(after_facts, compare=False)
    items = [
        render_text(
            Message(
                "conv.knockout_item",
                {
                    "title": render_text(new.requirement.title, lang),
                    "detail": render_text(new.outcome.detail, lang, after.rules),
                },
            ),
            lang,
        )
        for old, new in zip(before.results, after.results, strict=True)
        if new.status == "unmet" and old.status != "unmet"
    ]
    return (
        [render_text(Message("conv.knockout", {"items": " ".join(items)}), lang)] if items else []
    )
