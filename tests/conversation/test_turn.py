"""How one user turn changes the facts, and what the assistant says about it."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.conversation import intents
from bot.conversation.turn import facts_from_slots, interpret_turn
from bot.eligibility import DONT_KNOW, next_fact

TODAY = dt.date(2026, 11, 25)


def amount(value, currency="USD"):
    return {"entity": "amount", "value": value, "additional_info": {"currency": currency}}


def duration(months, since=None):
    info = {"since": since} if since else {}
    return {"entity": "duration", "value": months, "additional_info": info}


def count(value, named=False):
    # `named`: the message names what it counts ("2 Managed Services"), as the extractor marks it.
    return {"entity": "count", "value": value} | (
        {"additional_info": {"unit": "count"}} if named else {}
    )


def turn(intent=intents.INFORM, entities=(), text="", slots=None, requested=None, lang="en"):
    return interpret_turn(intent, list(entities), text, slots or {}, requested, lang, TODAY)


def test_several_facts_in_one_message_are_noted_in_german() -> None:
    result = turn(
        entities=[amount(350000), duration(14), count(2, named=True)],
        text="350.000 USD, 14 Monate, 2 Managed Services",
        lang="de",
    )
    assert result.changes == {
        "csp_revenue_usd": 350000,
        "indirect_months": 14,
        "managed_services": 2,
    }
    assert result.replies == [
        "Notiert – CSP-Umsatz (12 Monate): 350.000 USD; Zeit als indirekter Wiederverkäufer: 14 Monate; Managed Services: 2."
    ]


def test_a_later_statement_corrects_and_says_so() -> None:
    result = turn(entities=[amount(280000)], slots={"csp_revenue_usd": 350000})
    assert result.changes == {"csp_revenue_usd": 280000}
    assert "Updated – CSP revenue (12 months): USD 280,000 (was USD 350,000)." in result.replies
    # 280,000 is below the threshold: the knock-out is said at once.
    assert any(
        r.startswith("Important up front – Revenue requirement: USD 20,000 short")
        for r in result.replies
    )


def test_the_same_value_again_changes_nothing() -> None:
    assert turn(entities=[amount(350000)], slots={"csp_revenue_usd": 350000}).changes == {}


def test_another_currency_is_never_taken_as_usd() -> None:
    result = turn(entities=[amount(300000, "EUR")], lang="de")
    assert result.changes == {}
    assert result.replies == [
        "Sie haben 300.000 EUR genannt. Microsoft rechnet die Umsatzanforderung in US-Dollar: Wie hoch war Ihr CSP-Umsatz der letzten 12 Monate in USD?"
    ]


def test_flagged_quantities_are_questioned_not_stored() -> None:
    entity = {
        "entity": "invalid_quantity",
        "value": "-5000 USD",
        "additional_info": {"problem": "negative"},
    }
    result = turn(entities=[entity], requested="csp_revenue_usd")
    assert result.changes == {}
    assert result.replies == ["I can't take “-5000 USD” as a fact – please check the number."]
    ambiguous = {
        "entity": "invalid_quantity",
        "value": "300.000",
        "additional_info": {"problem": "ambiguous", "alternatives": [300, 300000]},
    }
    assert "ambiguous (300 / 300000)" in turn(entities=[ambiguous]).replies[0]


def test_values_out_of_range_get_a_clear_answer() -> None:
    result = turn(entities=[count(200000, named=True)], text="200000 managed services")
    assert result.changes == {}
    assert result.replies[0].startswith("I can't use that (managed services):")


def test_dont_know_answers_the_requested_fact_and_it_is_not_asked_again() -> None:
    result = turn(
        intent=intents.DONT_KNOW,
        text="keine Ahnung",
        requested="csp_revenue_usd",
        slots={"indirect_months": 14},
        lang="de",
    )
    assert result.changes == {"csp_revenue_usd": DONT_KNOW}
    assert result.replies == ["Notiert – CSP-Umsatz (12 Monate): unbekannt."]
    slots = {"indirect_months": 14, **result.changes}
    assert next_fact(facts_from_slots(slots, TODAY)) == "partner_id_active"


@pytest.mark.parametrize(("intent", "value"), [(intents.AFFIRM, True), (intents.DENY, False)])
def test_yes_and_no_answer_the_requested_yes_no_fact(intent: str, value: bool) -> None:
    assert turn(intent=intent, requested="signing_authority").changes == {
        "signing_authority": value
    }


def test_no_to_the_plan_question_means_no_plan() -> None:
    assert turn(intent=intents.DENY, requested="support_plan").changes == {"support_plan": "none"}


def test_a_bare_number_answers_the_numeric_question_asked() -> None:
    assert turn(entities=[count(12)], text="12", requested="indirect_months").changes == {
        "indirect_months": 12
    }
    assert turn(entities=[count(2)], text="2", requested="managed_services").changes == {
        "managed_services": 2
    }
    # Outside a question, a bare number means nothing by itself.
    assert turn(entities=[count(12)], text="12").changes == {}


def test_an_unusable_answer_gets_a_hint_but_a_question_back_does_not() -> None:
    hinted = turn(text="quite a lot", requested="csp_revenue_usd")
    assert hinted.changes == {} and "US dollars" in hinted.replies[0]
    assert turn(intent=intents.FAQ, text="what is ASfP?", requested="support_plan").replies == []


def test_a_new_duration_replaces_an_older_start_month() -> None:
    result = turn(
        entities=[duration(14)], slots={"indirect_since": "2026-03", "indirect_months": 8}
    )
    assert result.changes == {"indirect_months": 14, "indirect_since": None}
    since = turn(entities=[duration(20, since="2025-03")], text="since March 2025")
    assert since.changes == {"indirect_months": 20, "indirect_since": "2025-03"}


def test_has_and_lacks_entities_set_yes_no_facts() -> None:
    entities = [{"entity": "has", "value": "first_line_support"}, {"entity": "lacks", "value": "billing_infrastructure"},
                {"entity": "support_plan", "value": "psfp"}]  # fmt: skip
    result = turn(entities=entities)
    assert result.changes == {
        "first_line_support": True,
        "billing_infrastructure": False,
        "support_plan": "psfp",
    }


@pytest.mark.parametrize(
    "entity",
    [{"entity": "has", "value": "Support der ersten Ebene"}, {"entity": "lacks", "value": "partner_id"},
     {"entity": "support_plan", "value": "Premier Support"}, {"entity": "support_plan", "value": "gold"}],
)  # fmt: skip
def test_a_value_that_is_no_fact_key_or_plan_changes_nothing(entity: dict) -> None:
    assert turn(entities=[entity]).changes == {}


def test_a_start_month_is_shown_as_a_month_name() -> None:
    result = turn(entities=[duration(20, since="2025-03")], text="seit März 2025", lang="de")
    assert result.replies == [
        "Notiert – Zeit als indirekter Wiederverkäufer: 20 Monate; indirekter Wiederverkäufer seit: März 2025."
    ]


def _said(text: str, lang: str, requested: str | None = None, slots=None):
    """`text` through the rule-based quantity extractor's entities, then the turn."""
    from bot.nlu.components import QuantityExtractor
    from bot.nlu.quantities import extract_quantities

    extractor = QuantityExtractor()
    entities = [extractor.entity(q, lang) for q in extract_quantities(text, lang, TODAY)]
    return turn(entities=entities, text=text, slots=slots, requested=requested, lang=lang)


def span(low, high):
    """A span as the slots hold it."""
    return {"low": low, "high": high}


@pytest.mark.parametrize(
    ("lang", "text", "fact", "value"),
    [
        ("de", "Wir hatten gut 310.000 Dollar CSP-Umsatz", "csp_revenue_usd", span(310000, None)),
        ("de", "rund 1,1 Mio. USD Umsatz", "csp_revenue_usd", span(1072500, 1127500)),
        ("en", "a bit over 300k in CSP revenue", "csp_revenue_usd", span(300000, None)),
        ("en", "knapp 200k revenue", "csp_revenue_usd", span(190000, 200000)),  # below either way
        ("en", "less than 300k in revenue", "csp_revenue_usd", span(None, 299999.99)),  # excluded
        ("en", "since Q2 2024", "indirect_months", span(29, 31)),  # every month it allows
        ("de", "seit Mitte 2023 indirekt", "indirect_months", span(39, 42)),
        ("en", "about 20 months", "indirect_months", span(19, 21)),
        ("de", "unter 12 Monate", "indirect_months", span(None, 11)),
        ("en", "since Q4 2026", "indirect_months", span(0, 1)),  # still short
        ("en", "since early 2026", "indirect_months", span(7, 10)),
        ("de", "Wir haben 2 bis 4 Managed Services", "managed_services", span(2, 4)),
    ],
)
def test_an_estimate_on_one_side_of_the_rule_is_kept_as_its_span_and_said_back(
    lang, text, fact, value
):
    result = _said(text, lang)
    assert result.changes[fact] == value
    said = " ".join(result.replies)
    assert ("habe ich als" in said) if lang == "de" else ("I counted" in said)


@pytest.mark.parametrize(
    ("lang", "text", "said"),
    [
        ("de", "rund 1 Mio. USD", "„rund 1 Mio. USD“ habe ich als 975.000 USD bis 1.025.000 USD gezählt"),
        ("en", "rund 1 Mio. USD", "I counted “rund 1 Mio. USD” as USD 975,000 to USD 1,025,000"),
        ("en", "between 900k and 1.1M", "Noted – CSP revenue (12 months): USD 900,000 to USD 1,100,000."),
        ("de", "gut 310.000 Dollar", "Notiert – CSP-Umsatz (12 Monate): mindestens 310.000 USD."),
        ("en", "about 14 months", "Noted – time as indirect reseller: 13 to 15 months."),
        ("de", "unter 12 Monate", "Notiert – Zeit als indirekter Wiederverkäufer: höchstens 11 Monate."),
    ],
)  # fmt: skip
def test_a_span_is_said_back_as_a_span(lang, text, said):
    assert said in " ".join(_said(text, lang).replies)


def test_rund_1_mio_is_a_span_fact_met_by_the_seed_and_open_by_fy26():
    from bot.eligibility import evaluate
    from bot.eligibility.facts import Span

    result = _said("rund 1 Mio. USD", "de", requested="csp_revenue_usd")
    assert result.changes == {"csp_revenue_usd": {"low": 975000, "high": 1025000}}
    revenue = result.after.get("csp_revenue_usd")
    assert isinstance(revenue, Span)
    # The slot's JSON form reads back as the same span.
    assert facts_from_slots(result.changes, TODAY).get("csp_revenue_usd") == revenue
    verdict = evaluate(result.after)
    assert verdict.result("revenue").status == "met"
    assert verdict.comparison is not None
    assert verdict.comparison.result("revenue").status == "unknown"
    # Decided by the rule set the form asks for: not asked again.
    assert next_fact(result.after) != "csp_revenue_usd"


def test_a_later_exact_figure_replaces_the_span():
    slots = {"csp_revenue_usd": {"low": 975000, "high": 1025000}}
    result = _said("1.012.000 USD", "de", requested="csp_revenue_usd", slots=slots)
    assert result.changes == {"csp_revenue_usd": 1012000}
    assert (
        "Aktualisiert – CSP-Umsatz (12 Monate): 1.012.000 USD (vorher 975.000 USD bis 1.025.000 USD)."
        in result.replies
    )


@pytest.mark.parametrize(
    ("lang", "text", "fact"),
    [
        ("de", "Wir haben knapp 300.000 USD Umsatz gemacht", "csp_revenue_usd"),
        ("de", "etwa 300.000 USD Umsatz", "csp_revenue_usd"),
        ("en", "revenue between 250k and 350k", "csp_revenue_usd"),
        ("en", "since 2025", "indirect_months"),
        ("de", "seit ungefähr 12 Monaten", "indirect_months"),
        ("en", "more than 250k in revenue", "csp_revenue_usd"),
        ("en", "between 0 and 3 managed services", "managed_services"),
    ],
)
def test_an_estimate_across_the_rule_is_asked_for(lang, text, fact):
    result = _said(text, lang, requested=fact)
    assert fact not in result.changes
    said = " ".join(result.replies)
    want = "zu nah an der Anforderung" if lang == "de" else "too close to the requirement"
    assert want in said


def test_the_exact_figure_after_an_estimate_is_taken():
    asked = _said("knapp 300.000 USD", "de", requested="csp_revenue_usd")
    assert "csp_revenue_usd" not in asked.changes
    assert (
        _said("298.500 USD", "de", requested="csp_revenue_usd").changes["csp_revenue_usd"] == 298500
    )


@pytest.mark.parametrize(
    ("lang", "text", "asked"),
    [
        (
            "de",
            "Wir sind seit März 2025 indirekter Wiederverkäufer, also 8 Monate.",
            "Seit wann genau",
        ),
        ("en", "We started reselling in March 2025, so 8 months now.", "Since when exactly"),
        ("en", "We started reselling in March 2025, so about two years now.", "Since when exactly"),
    ],
)
def test_a_start_month_and_a_duration_that_disagree_are_asked_about(lang, text, asked):
    result = _said(text, lang)
    assert "indirect_months" not in result.changes and "indirect_since" not in result.changes
    [reply] = result.replies
    assert asked in reply


def test_a_start_month_and_a_duration_that_agree_are_noted():
    result = _said("Seit März 2025, also seit 20 Monaten.", "de")
    assert result.changes["indirect_since"] == "2025-03"


def test_only_a_counted_service_is_a_managed_service():
    assert _said("Wir betreuen 3 Kunden mit unseren Services.", "de").changes == {}
    assert _said("Wir haben 3 Managed Services.", "de").changes == {"managed_services": 3}
