"""Rasa custom actions: thin adapters from the tracker to the shared engine in `bot/`."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ActiveLoop,
    EventType,
    FollowupAction,
    SessionStarted,
    SlotSet,
)
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT

from bot.channels.owners import WIDGET, owning_channel
from bot.channels.widget.sessions import FORGOTTEN
from bot.conversation import intents
from bot.conversation.texts import question, response_slots
from bot.conversation.turn import facts_from_slots, interpret_turn
from bot.eligibility import (
    FACT_SPECS,
    NOT_ELIGIBLE,
    current_ruleset,
    evaluate,
    next_fact,
    relevant_open_facts,
    render_gaps,
    render_report,
)
from bot.eligibility.rules import RuleSet, ruleset, ruleset_named
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, Message
from bot.storage import default_async_repository, is_staff
from bot.storage.report import render_assessment, render_forgotten
from bot.texts import render_text

logger = logging.getLogger(__name__)

ACTION_LISTEN = "action_listen"


def conversation_language(tracker: Tracker) -> str:
    language = tracker.get_slot("language")
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def fact_slots(tracker: Tracker) -> dict[str, Any]:
    return {key: tracker.get_slot(key) for key in FACT_SPECS}


# The rule set a verdict offered to check as well, and the one the partner asked to check as
# well: the form then also asks the facts that rule set still needs.
OFFERED, ALSO_CHECKED = "rules_offered", "rules_checked"


def _latest_intent(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""


def _accepted_offer(tracker: Tracker) -> str | None:
    """The offered rule set, when this message says yes to the offer."""
    offered = tracker.get_slot(OFFERED)
    return offered if offered and _latest_intent(tracker) == intents.AFFIRM else None


def also_checked(tracker: Tracker) -> RuleSet | None:
    version = tracker.get_slot(ALSO_CHECKED) or _accepted_offer(tracker)
    return ruleset(version) if version else None


async def record(write, *args: Any, **kwargs: Any) -> None:
    """Store what the assistant said or learned; a database outage must not break the conversation."""
    try:
        await write(*args, **kwargs)
    except Exception:
        logger.exception("could not store %s", getattr(write, "__name__", "a record"))


class ActionSessionStart(Action):
    """Rasa's session start (the slots carried over, as `carry_over_slots_to_new_session` asks),
    plus the rule set's numbers as the slots the FAQ answers quote: a new rule set changes no
    response by hand."""

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list[EventType]:
        # As Rasa's own: what slot events set, not the domain's initial values (a carried-over
        # initial `language` would override the channel's locale).
        latest = {
            e["name"]: e.get("value") for e in tracker.applied_events() if e["event"] == "slot"
        }
        latest.update(response_slots())
        carried = [SlotSet(key, value) for key, value in latest.items()]
        return [SessionStarted(), *carried, ActionExecuted(ACTION_LISTEN)]


class ActionValidateSlotMappings(Action):
    """Runs after every user message (Rasa's slot-mapping validation hook): facts stated at any
    time — before, during or outside the form, several at once — become slots here."""

    def name(self) -> str:
        return "action_validate_slot_mappings"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list[EventType]:
        message = tracker.latest_message or {}
        requested = tracker.get_slot("requested_slot") if tracker.active_loop_name else None
        turn = interpret_turn(
            intent=(message.get("intent") or {}).get("name") or "",
            entities=message.get("entities") or [],
            text=message.get("text") or "",
            slots=fact_slots(tracker),
            requested=requested if requested in FACT_SPECS else None,
            lang=conversation_language(tracker),
            today=dt.date.today(),
        )
        for reply in turn.replies:
            dispatcher.utter_message(text=reply)
        if turn.changes:
            await record(
                default_async_repository().record_fact_diff,
                tracker.sender_id, turn.before, turn.after, source_text=message.get("text"),
            )  # fmt: skip
        events = [SlotSet(fact, value) for fact, value in turn.changes.items()]
        # A message of the check naming a rule set ("auch nach FY26 prüfen") asks to check by it.
        named = ruleset_named(message.get("text") or "")
        intent = _latest_intent(tracker)
        if named is not None and intent in intents.CHECK_INTENTS and named != current_ruleset():
            events.append(SlotSet(ALSO_CHECKED, named.rules_version))
        if tracker.get_slot(OFFERED) and intent != intents.AFFIRM:  # an offer is answered at once
            events.append(SlotSet(OFFERED, None))
        return events


def _asked(tracker: Tracker) -> str | None:
    """The fact the form asks next: what the rule set decided by needs (an open fact, or the exact
    figure of a span it cannot decide), then the open facts of a rule set also checked. A span
    only that one cannot decide is left to its verdict (the requirement says it depends on the
    exact figure), so that "don't know" never replaces a span the verdict's own rule set decides."""
    facts = facts_from_slots(fact_slots(tracker))
    asked = next_fact(facts)
    other = also_checked(tracker)
    if asked is None and other is not None:
        asked = next(iter(relevant_open_facts(facts, other)), None)
    return asked


class ValidateEligibilityForm(FormValidationAction):
    """The form asks exactly what the engine's next_fact says: known, don't-know and irrelevant
    facts are never asked.

    The question is asked here, with the slot it asks for: Rasa's form runs this validation
    before every question it would ask (at activation, after each answer, and when it continues
    after an interruption), and asks nothing itself where the domain has no `action_ask_<slot>`
    or `utter_ask_<slot>`. That saves each form turn a second call to the action server, and the
    questions stay in the catalog (bot/texts/conversation.yml) rather than being `utter_ask_`
    responses, which Rasa's validator would report as unused since no story names them.
    """

    def name(self) -> str:
        return "validate_eligibility_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict,
    ) -> list[str]:
        return [asked] if (asked := _asked(tracker)) else []

    async def next_requested_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> EventType:
        # rasa-sdk's own skips a slot that holds a value; a span the rule set cannot decide holds
        # one and is asked all the same, for its exact figure.
        return SlotSet(REQUESTED_SLOT, _asked(tracker))

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list[EventType]:
        events = await super().run(dispatcher, tracker, domain)
        accepted = _accepted_offer(tracker)
        if accepted:
            events += [SlotSet(ALSO_CHECKED, accepted), SlotSet(OFFERED, None)]
        requested = next(
            (
                e["value"]
                for e in events
                if e.get("event") == "slot" and e["name"] == REQUESTED_SLOT
            ),
            None,
        )
        if requested:
            text, buttons = question(requested, conversation_language(tracker))
            dispatcher.utter_message(text=text, buttons=buttons)
            # A form that has asked waits for the answer: Rasa's rules predict exactly that, but
            # only after running every policy again (TED's network included) for it.
            events.append(FollowupAction(ACTION_LISTEN))
        return events


class ActionCheckEligibility(Action):
    """States the verdict (or, for "what do I still lack?", the gaps) with the payload of CONTRACT §3."""

    def name(self) -> str:
        return "action_check_eligibility"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list[EventType]:
        lang = conversation_language(tracker)
        verdict = evaluate(facts_from_slots(fact_slots(tracker)))
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        # "Are we eligible?" starts the check: the verdict now only where it is "no" already;
        # otherwise the form asks what it still needs, and the verdict follows.
        starting = intent == intents.ASK_ELIGIBILITY and not (tracker.active_loop or {}).get("name")
        if starting and verdict.status != NOT_ELIGIBLE and next_fact(verdict.facts) is not None:
            return []
        text = (
            render_gaps(verdict, lang)
            if intent == intents.ASK_MISSING
            else render_report(verdict, lang)
        )
        dispatcher.utter_message(text=text)
        dispatcher.utter_message(json_message=verdict.to_payload(lang))
        events: list[EventType] = []
        other = verdict.comparison
        if (
            other is not None
            and not tracker.get_slot(ALSO_CHECKED)
            and relevant_open_facts(verdict.facts, other.rules)
        ):
            offer = Message("conv.offer_other_rules", {"name": other.rules.name})
            # After the verdict card, as a question of its own: the partner answers it by typing.
            dispatcher.utter_message(text=render_text(offer, lang))
            events.append(SlotSet(OFFERED, other.rules.rules_version))
        await record(
            default_async_repository().record_assessment,
            tracker.sender_id, tracker.get_latest_input_channel(), lang, verdict,
        )  # fmt: skip
        return events


class ActionResetFacts(Action):
    """ "Start over": forget the facts and leave any form, but keep the conversation's language."""

    def name(self) -> str:
        return "action_reset_facts"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list[EventType]:
        return [ActiveLoop(None), SlotSet("requested_slot", None)] + [
            SlotSet(k, None) for k in (*FACT_SPECS, OFFERED, ALSO_CHECKED)
        ]


class ActionForgetConversation(Action):
    """ "Delete my data", after the partner confirmed: the conversation's tracker events, assessments
    and audit rows go; the answer says what was deleted. The tracker store then keeps nothing of
    this turn either (bot.storage.tracker_store)."""

    def name(self) -> str:
        return "action_forget_conversation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list[EventType]:
        lang = conversation_language(tracker)
        counts = await default_async_repository().forget(tracker.sender_id)
        dispatcher.utter_message(text=render_forgotten(tracker.sender_id, counts, lang))
        if owning_channel(tracker.sender_id) == WIDGET:
            # forget() revoked its tokens; this tells the widget to clear the browser's copy.
            dispatcher.utter_message(json_message={"type": FORGOTTEN})
        return [SlotSet(k, None) for k in (*FACT_SPECS, OFFERED, ALSO_CHECKED)]


class ActionStaffLookup(Action):
    """Support staff may ask for a partner's last assessment: only in their own Teams personal chat
    (tracker id "teams:<Entra object id>", listed in BOT_STAFF_IDS; see `is_staff`)."""

    def name(self) -> str:
        return "action_staff_lookup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list[EventType]:
        lang = conversation_language(tracker)
        # The channel of the message asking, not of the conversation's first: a REST caller
        # must not borrow a Teams conversation's identity.
        channel = tracker.get_latest_input_channel()
        if not is_staff(tracker.sender_id, input_channel=channel):
            dispatcher.utter_message(text=render_text(Message("staff.only"), lang))
            return []
        entities = (tracker.latest_message or {}).get("entities") or []
        partner_id = next((e["value"] for e in entities if e.get("entity") == "partner_id"), None)
        if partner_id is None:
            dispatcher.utter_message(text=render_text(Message("staff.ask_partner_id"), lang))
            return []
        assessment = await default_async_repository().last_assessment_for_partner(str(partner_id))
        if assessment is None:
            dispatcher.utter_message(text=render_text(Message("staff.no_assessment"), lang))
        else:
            dispatcher.utter_message(text=render_assessment(assessment, lang))
        return []
