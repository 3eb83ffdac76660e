"""Whole conversations over REST with the real servers and the trained model, in both languages."""

from __future__ import annotations

import uuid

from bot.conversation import intents
from bot.conversation.texts import question
from bot.nlu.language import detect
from tests.e2e.conftest import (
    MODEL_DECIDED,
    TOKEN,
    Assistant,
    ask,
    http,
    texts,
    training_intents,
    verdicts,
)


def test_phrasings_left_to_the_model_are_training_examples() -> None:
    examples = training_intents()
    for text, intent in MODEL_DECIDED.items():
        assert examples.get(text) == intent, text


def new_sender() -> str:
    return "e2e-" + uuid.uuid4().hex[:12]


def assert_language(messages: list[dict], lang: str) -> None:
    for message in messages:
        text = message.get("text") or ""
        decided = detect(text)
        if decided.confident:
            assert decided.language == lang, text
        if message.get("custom"):
            assert message["custom"]["language"] == lang


def requested(assistant: Assistant, sender: str) -> str | None:
    return assistant.tracker(sender)["slots"].get("requested_slot")


def asked(messages: list[dict], fact: str, lang: str) -> bool:
    """Whether the last message is the form's question for `fact`, with its buttons."""
    text, buttons = question(fact, lang)
    last = messages[-1] if messages else {}
    return last.get("text") == text and last.get("buttons") == buttons


def test_german_form_happy_path_ends_in_the_verdict(assistant: Assistant) -> None:
    # Every step is decided by the rules, not by the trained model's intent: an eligibility
    # question with a fact starts the check, and each reply is read as the answer to the
    # question asked (bot.nlu.answers). So it holds for any model trained from this data.
    sender = new_sender()
    replies = assistant.say(
        sender,
        "Guten Tag, wir sind seit 14 Monaten indirekter Wiederverkäufer. "
        "Können wir uns als Partner mit direkter Abrechnung registrieren?",
    )
    assert_language(replies, "de")
    assert requested(assistant, sender) == "csp_revenue_usd"
    assert asked(replies, "csp_revenue_usd", "de")
    answers = [
        ("Unser CSP-Umsatz lag bei 350.000 USD", "CSP-Umsatz (12 Monate): 350.000 USD", "partner_id_active"),
        ("Ja", "aktive PartnerID: ja", "signing_authority"),
        ("Ja, das darf ich", "Zeichnungsbefugnis: ja", "first_line_support"),
        ("Ja, den bieten wir", "Support der ersten Ebene: ja", "support_plan"),
        # The button's title typed out is that button.
        ("PSfP", "Supportplan: PSfP", "billing_infrastructure"),
        ("sicher", "Abrechnungsinfrastruktur: ja", "capabilities"),
        (intents.payload(intents.AFFIRM), "Infrastrukturfunktionen: ja", "managed_services"),
    ]  # fmt: skip
    for text, noted, next_slot in answers:
        replies = assistant.say(sender, text)
        assert_language(replies, "de")
        # Noted, then the next question: nothing else (no FAQ answer, no hint).
        assert [m.get("text") for m in replies[:-1]] == [f"Notiert – {noted}."], (text, replies)
        assert asked(replies, next_slot, "de"), (text, texts(replies))
        assert requested(assistant, sender) == next_slot, (text, texts(replies))
    replies = assistant.say(sender, "Zwei Managed Services")
    assert_language(replies, "de")
    [verdict] = verdicts(replies)
    assert verdict["status"] == "eligible" and verdict["language"] == "de"
    assert (
        verdict["facts"]["csp_revenue_usd"] == 350000 and verdict["facts"]["managed_services"] == 2
    )
    assert verdict["facts"]["support_plan"] == "psfp"
    assert "Sie erfüllen alle Mindestanforderungen" in texts(replies)


def test_english_replies_typed_as_answers(assistant: Assistant) -> None:
    # The partner types the buttons' titles and plain answers; each is the answer to the
    # question asked, never "not known" for a plan it names.
    sender = new_sender()
    assistant.say(
        sender,
        "We have been an indirect reseller for 14 months with USD 350,000 in CSP revenue. Can we register?",
    )
    for text, noted in [
        ("Yes", "active PartnerID: yes"),
        ("yes, that is me", "signing authority: yes"),
        ("yes, that we offer", "first-line support: yes"),
        ("PSfP", "support plan: PSfP"),
        ("I don't know", "billing infrastructure: not known"),
        ("No", "infrastructure capabilities: no"),
    ]:
        replies = assistant.say(sender, text)
        assert_language(replies, "en")
        assert f"Noted – {noted}." in texts(replies), (text, texts(replies))
    assert requested(assistant, sender) == "managed_services"
    replies = assistant.say(sender, "none")
    [verdict] = verdicts(replies)
    assert verdict["facts"]["managed_services"] == 0
    assert verdict["status"] == "not_eligible"
    assert set(verdict["unmet"]) == {"capabilities", "managed_services"}
    assert verdict["unknown"] == ["accounts_receivable"]


def test_english_facts_up_front_correction_stop_and_what_is_missing(assistant: Assistant) -> None:
    sender = new_sender()
    replies = assistant.say(
        sender,
        "We have been an indirect reseller for 14 months and made USD 350,000 in CSP revenue. Are we eligible?",
    )
    assert_language(replies, "en")
    # Tenure and revenue are known: they are not asked again.
    assert requested(assistant, sender) == "partner_id_active"
    assert asked(replies, "partner_id_active", "en")
    # The correction is taken whichever intent the model gives it (a FAQ answer may come too).
    replies = assistant.say(sender, "Sorry, correction: our CSP revenue was only 280k")
    assert "Updated – CSP revenue (12 months): USD 280,000 (was USD 350,000)." in texts(replies)
    assert "USD 20,000 short" in texts(replies)  # the knock-out is said at once
    assert assistant.tracker(sender)["slots"]["partner_id_active"] is None  # not read as a yes
    replies = assistant.say(sender, ask("stop"))  # not an intent: the text typed
    assert not (assistant.tracker(sender).get("active_loop") or {}).get("name")
    assert "we'll stop here" in texts(replies)
    replies = assistant.say(sender, ask("What do I still lack?"))
    [verdict] = verdicts(replies)
    assert verdict["status"] == "not_eligible" and "revenue" in verdict["unmet"]
    assert "What you still lack:" in texts(replies)
    assert_language(replies, "en")


def test_question_during_the_form_is_answered_and_the_form_resumes(assistant: Assistant) -> None:
    sender = new_sender()
    assistant.say(sender, ask("Can I register as a direct bill partner?"))
    assert requested(assistant, sender) == "indirect_months"
    replies = assistant.say(sender, ask("What's the difference between ASfP and PSfP?"))
    assert "Premier Support for Partners" in texts(replies)
    assert requested(assistant, sender) == "indirect_months"


def test_language_switch_and_knock_out(assistant: Assistant) -> None:
    sender = new_sender()
    replies = assistant.say(sender, "Wir sind erst seit 8 Monaten indirekter Wiederverkäufer")
    assert_language(replies, "de")
    assert "Noch 4 Monate" in texts(replies)
    replies = assistant.say(sender, ask("in English please"))
    assert "English" in texts(replies)
    assert assistant.tracker(sender)["slots"]["language"] == "en"


def test_the_http_api_needs_the_token(assistant: Assistant) -> None:
    sender = new_sender()
    assistant.say(sender, "Hello there, what are the requirements for direct bill partners?")
    assert http("GET", f"{assistant.base}/conversations/{sender}/tracker")[0] in (401, 403)
    assert http("GET", f"{assistant.base}/conversations/{sender}/tracker?token=wrong")[0] in (
        401,
        403,
    )
    assert http("GET", f"{assistant.base}/conversations/{sender}/tracker?token={TOKEN}")[0] == 200


def test_german_facts_and_passt_das_start_the_check(assistant: Assistant) -> None:
    # "Passt das?" after stated facts asks whether they suffice: the check starts with them.
    sender = new_sender()
    replies = assistant.say(
        sender,
        "Wir sind seit 20 Monaten indirekter Wiederverkäufer und haben 410.000 USD CSP-Umsatz "
        "gemacht. Passt das?",
    )
    assert_language(replies, "de")
    slots = assistant.tracker(sender)["slots"]
    assert slots["indirect_months"] == 20 and slots["csp_revenue_usd"] == 410000
    assert requested(assistant, sender) == "partner_id_active"
    assert asked(replies, "partner_id_active", "de")


def _fewest_months_since(year: int, last_month: int) -> int:
    import datetime as dt

    from bot.eligibility.facts import months_between

    return months_between(dt.date(year, last_month, 1), dt.date.today())


def _months_since(year: int, first_month: int, last_month: int) -> dict:
    """The span of months a start somewhere in those months leaves, as the slot holds it."""
    return {
        "low": _fewest_months_since(year, last_month),
        "high": _fewest_months_since(year, first_month),
    }


def test_german_estimates_are_counted_or_asked_for(assistant: Assistant) -> None:
    # Decided by the quantity rules and the rule set's thresholds, whatever intent the model chose.
    sender = new_sender()
    replies = assistant.say(
        sender,
        "Wir hatten gut 310.000 Dollar CSP-Umsatz und sind seit Mitte 2023 indirekter "
        "Wiederverkäufer. Passt das?",
    )
    assert_language(replies, "de")
    slots = assistant.tracker(sender)["slots"]
    assert slots["csp_revenue_usd"] == {"low": 310000, "high": None}
    assert slots["indirect_months"] == _months_since(2023, 5, 8)  # Mitte = May to August
    assert "„gut 310.000 Dollar“ habe ich als mindestens 310.000 USD gezählt" in texts(replies)

    sender = new_sender()
    replies = assistant.say(sender, "Wir haben knapp 300.000 USD Umsatz gemacht.")
    assert assistant.tracker(sender)["slots"].get("csp_revenue_usd") is None
    assert "zu nah an der Anforderung von 300.000 USD" in texts(replies)
    replies = assistant.say(sender, "Genau waren es 298.400 USD.")
    assert assistant.tracker(sender)["slots"]["csp_revenue_usd"] == 298400


def test_english_estimates_are_counted_or_asked_for(assistant: Assistant) -> None:
    sender = new_sender()
    replies = assistant.say(
        sender,
        "We've been an indirect reseller since Q2 2024 and made a bit over 300k in CSP "
        "revenue. Are we eligible?",
    )
    assert_language(replies, "en")
    slots = assistant.tracker(sender)["slots"]
    assert slots["csp_revenue_usd"] == {"low": 300000, "high": None}
    assert slots["indirect_months"] == _months_since(2024, 4, 6)
    assert "I counted “a bit over 300k” as at least USD 300,000" in texts(replies)

    sender = new_sender()
    replies = assistant.say(sender, "We made roughly $300,000 in CSP revenue.")
    assert assistant.tracker(sender)["slots"].get("csp_revenue_usd") is None
    assert "too close to the requirement of USD 300,000" in texts(replies)


def test_a_start_month_and_a_duration_that_disagree_are_asked_about(assistant: Assistant) -> None:
    sender = new_sender()
    replies = assistant.say(
        sender, "Wir sind seit März 2025 indirekter Wiederverkäufer, also 8 Monate."
    )
    assert_language(replies, "de")
    slots = assistant.tracker(sender)["slots"]
    assert slots["indirect_months"] is None and slots["indirect_since"] is None
    assert "das passt nicht zusammen" in texts(replies)
    replies = assistant.say(sender, "Seit März 2025.")
    assert assistant.tracker(sender)["slots"]["indirect_since"] == "2025-03"
