"""Yes/no facts and the support plan as partners state them, in German and English."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nlu.evaluate import blind_sets, statement_f1
from bot.nlu.statements import extract_statements


def stated(text: str, lang: str) -> set[tuple[str, str]]:
    return {(s.entity, s.value) for s in extract_statements(text, lang)}


def has(*facts: str) -> set[tuple[str, str]]:
    return {("has", fact) for fact in facts}


def lacks(*facts: str) -> set[tuple[str, str]]:
    return {("lacks", fact) for fact in facts}


def plan(value: str) -> set[tuple[str, str]]:
    return {("support_plan", value)}


GERMAN = [
    ("Ich bin zeichnungsberechtigt", has("signing_authority")),
    ("Prokura hab ich", has("signing_authority")),
    ("Ich darf leider nichts unterschreiben", lacks("signing_authority")),
    ("Unsere PartnerID ist aktiv", has("partner_id_active")),
    (
        "Die Mitgliedschaft im AI Cloud Partner Program ist letzten Monat ausgelaufen",
        lacks("partner_id_active"),
    ),
    ("Unsere PartnerID lautet 1234567", set()),
    ("Den First-Level-Support stemmen wir selbst", has("first_line_support")),
    ("Einen Helpdesk gibt es bei uns nicht", lacks("first_line_support")),
    ("Den Support der ersten Ebene macht bisher unser Distributor", lacks("first_line_support")),
    ("Die Bonitätsprüfung haben wir bestanden", has("credit_check_passed")),
    ("Bonitaetspruefung laeuft noch", lacks("credit_check_passed")),
    ("Die Bonitätsprüfung ist abgelehnt worden", lacks("credit_check_passed")),
    (
        "Rechnungsstellung und Forderungsmanagement haben wir im Griff",
        has("billing_infrastructure"),
    ),
    ("Eine eigene Debitorenbuchhaltung fehlt uns noch", lacks("billing_infrastructure")),
    ("Die Capabilities erfüllen wir", has("capabilities")),
    ("Bei der Sicherheit gibt es noch Lücken", lacks("capabilities")),
    ("Wir sind bereits Partner mit direkter Abrechnung", has("is_direct_bill_partner")),
    ("Wir haben ASfP", plan("asfp")),
    ("Premier Support for Partners ist gebucht", plan("psfp")),
    ("Einen Supportplan haben wir noch nicht", plan("none")),
    ("Wir haben weder ASfP noch PSfP", plan("none")),
    ("Kein PSfP, sondern ASfP", plan("asfp")),
    ("Wir haben den Support Plan schon gekauft", set()),
    (
        "Keine Prokura, keine aktive PartnerID – aber 1st-Level-Support machen wir",
        lacks("signing_authority", "partner_id_active") | has("first_line_support"),
    ),
    ("Prokura und Helpdesk haben wir nicht", lacks("signing_authority", "first_line_support")),
    ("Wir haben Prokura und einen Helpdesk", has("signing_authority", "first_line_support")),
    ("Nicht nur First-Level-Support, auch Second Level machen wir", has("first_line_support")),
    (
        "Wir haben die Bonitätsprüfung bestanden, können wir jetzt PSfP kaufen?",
        has("credit_check_passed"),
    ),
    # Questions, doubts, plans and talk about terms state nothing.
    ("Was ist ASfP?", set()),
    ("bonitätsprüfung wie lange dauert das", set()),
    ("Brauchen wir einen Supportplan, wenn wir schon einen Helpdesk haben?", set()),
    ("Ich weiß nicht, ob unsere PartnerID noch aktiv ist", set()),
    ("Falls wir PSfP hätten, würde das reichen?", set()),
    ("Wir wollen Partner mit direkter Abrechnung werden", set()),
    ("Was bedeutet Debitoren?", set()),
    ("Hallo, ich melde mich wegen direkter Abrechnung", set()),
    ("Umsatz 350.000 USD, seit 14 Monaten indirekt", set()),
    # Unsure writers state nothing; "erst" with a time to come is not yet.
    ("Ich glaube, unsere PartnerID ist aktiv", set()),
    ("Wahrscheinlich haben wir PSfP", set()),
    ("Den Helpdesk richten wir erst im kommenden Monat ein", lacks("first_line_support")),
    ("Prokura bekomme ich erst in zwei Wochen", lacks("signing_authority")),
    ("Bis auf die Sicherheit erfüllen wir die Capabilities", lacks("capabilities")),
    ("Unsere Muttergesellschaft rechnet direkt mit Microsoft ab", set()),
    ("Wir bestellen die Lizenzen über einen Distributor", lacks("is_direct_bill_partner")),
    ("Eine Kundenhotline haben wir selbst", has("first_line_support")),
    ("Wir kaufen gerade PSfP, einen Supportplan haben wir noch keinen", plan("none")),
]

ENGLISH = [
    ("I think the membership is still active", set()),
    ("Probably we have ASfP", set()),
    ("Our sister company is already a direct bill partner", set()),
    ("We purchase everything through our distributor", lacks("is_direct_bill_partner")),
    ("All capabilities are in place except security", lacks("capabilities")),
    ("PartnerID: yes", has("partner_id_active")),
    ("We're buying ASfP now, no plan yet", plan("none")),
    ("I'm an authorized signatory", has("signing_authority")),
    ("I can't sign legal agreements for the company", lacks("signing_authority")),
    ("Yes, we signed up for ASfP last month", plan("asfp")),
    ("Our PartnerID is active", has("partner_id_active")),
    ("Our membership lapsed last year", lacks("partner_id_active")),
    ("Our partner ID is 1234567", set()),
    ("We run our own helpdesk for customers", has("first_line_support")),
    ("First-line support is done by our distributor", lacks("first_line_support")),
    ("We passed the credit check", has("credit_check_passed")),
    ("The credit check is still pending", lacks("credit_check_passed")),
    ("We failed the credit check", lacks("credit_check_passed")),
    ("Invoicing and accounts receivable are handled in-house", has("billing_infrastructure")),
    ("We don't have billing infrastructure of our own", lacks("billing_infrastructure")),
    ("We meet all the capabilities", has("capabilities")),
    ("Our IT security isn't up to the required level yet", lacks("capabilities")),
    ("We're already a direct bill partner", has("is_direct_bill_partner")),
    ("We have Premier Support", plan("psfp")),
    ("no support plan yet", plan("none")),
    ("Our PSfP expired", plan("none")),
    ("We have neither ASfP nor PSfP", plan("none")),
    (
        "We have ASfP but no first-line support of our own",
        plan("asfp") | lacks("first_line_support"),
    ),
    (
        "Signing authority and a helpdesk we don't have",
        lacks("signing_authority", "first_line_support"),
    ),
    ("Not only first level, we do second level support too", has("first_line_support")),
    ("We passed the credit check, can we buy PSfP now?", has("credit_check_passed")),
    ("What is ASfP?", set()),
    ("credit check how long does it take", set()),
    ("Do we need a support plan if we already have a helpdesk?", set()),
    ("I'm not sure whether our PartnerID is still active", set()),
    ("If we had PSfP, would that be enough?", set()),
    ("We want to become a direct bill partner", set()),
    ("accounts receivable, what does that mean?", set()),
    ("Hi, I have a question about direct billing", set()),
    ("I'm signing off, bye", set()),
    ("Revenue USD 350,000, indirect for 14 months", set()),
]


@pytest.mark.parametrize(("text", "expected"), GERMAN)
def test_german_statements(text: str, expected: set) -> None:
    assert stated(text, "de") == expected


@pytest.mark.parametrize(("text", "expected"), ENGLISH)
def test_english_statements(text: str, expected: set) -> None:
    assert stated(text, "en") == expected


def test_spans_point_at_the_words_that_name_the_fact() -> None:
    text = "Keine Prokura, aber einen Helpdesk haben wir"
    spans = {s.value: text[s.start : s.end] for s in extract_statements(text, "de")}
    assert spans == {"signing_authority": "Prokura", "first_line_support": "Helpdesk"}


def test_a_later_statement_of_the_same_fact_wins() -> None:
    assert stated("Prokura habe ich nicht. Doch, Prokura habe ich", "de") == has(
        "signing_authority"
    )


# Nine sets of 90-100 messages per language, each labelled by someone who had seen neither the
# rules nor the earlier sets; each file records its first score, taken before any rule was changed
# for it. The rules were then improved on sets 1-8; these floors guard those improvements. Set 9
# has not been improved on (the unseen measurement for the next round): its floor is just below its
# first score.
FLOOR = {
    "fact_statements_5": 0.95,
    "fact_statements_6": 0.95,
    "fact_statements_7": 0.95,
    "fact_statements_8": 0.95,
    "fact_statements_9": 0.88,
    "fact_statements_10": 0.94,
    "fact_statements_11": 0.82,
}


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("name", sorted(blind_sets("de")))
def test_blind_written_statements_are_read(name: str, lang: str) -> None:
    blind = blind_sets(lang)[name]
    assert statement_f1(blind["examples"], lang) >= FLOOR.get(name, 0.97)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400), st.sampled_from(["de", "en"]))
def test_any_text_gives_well_formed_statements(text: str, lang: str) -> None:
    statements = extract_statements(text, lang)
    assert len({s.value for s in statements if s.entity != "support_plan"}) == len(
        [s for s in statements if s.entity != "support_plan"]
    )
    for statement in statements:
        assert statement.entity in ("has", "lacks", "support_plan")
        assert text[statement.start : statement.end] == statement.text


def test_a_huge_message_is_read_whole() -> None:
    # Speed on such input is measured by `make bench` (bench/statements.py).
    text = "Wir haben keine Prokura, aber einen Helpdesk. " * 2000 + "Doch, Prokura habe ich."
    assert stated(text, "de") == has("signing_authority", "first_line_support")
    one_clause = "Prokura Helpdesk ASfP " * 3000 + "haben wir nicht"
    assert stated(one_clause, "de") == lacks("signing_authority", "first_line_support") | plan(
        "none"
    )


# Rules added in the round on blind set 6, each in wording of its own.
ROUND_6 = [
    ("de", "Soweit ich weiß, haben wir ASfP.", set()),
    ("de", "Laut unserer Buchhaltung ist die Bonitätsprüfung bestanden.", set()),
    ("de", "Zum Helpdesk kann ich nichts sagen.", set()),
    ("de", "Wir arbeiten als indirekter Reseller über Ingram.", lacks("is_direct_bill_partner")),
    ("de", "Wir sind seit drei Jahren indirekter CSP-Partner.", lacks("is_direct_bill_partner")),
    ("de", "Den Support für unsere Kunden machen wir selbst.", has("first_line_support")),
    ("de", "In meiner früheren Firma hatte ich Prokura.", set()),
    ("de", "Einen Supportplan haben wir nicht, PSfP ist fürs Frühjahr eingeplant.", plan("none")),
    ("de", "Bei der Bonitätsprüfung sind wir nicht durchgefallen.", has("credit_check_passed")),
    ("de", "Unsere Tochtergesellschaft hat ASfP.", set()),
    ("de", "Ich als Geschäftsführerin darf das.", has("signing_authority")),
    ("de", "Machen wir First-Level-Support? Ja, selbstverständlich.", has("first_line_support")),
    ("de", "Das kläre ich mit der Buchhaltung.", set()),
    ("en", "As far as I know our PartnerID is active.", set()),
    ("en", "According to our disti the credit check went through.", set()),
    (
        "en",
        "We sell indirectly, resell indirectly in Austria too.",
        lacks("is_direct_bill_partner"),
    ),
    ("en", "We moved to the indirect model last year.", lacks("is_direct_bill_partner")),
    ("en", "At my old company I had signing authority.", set()),
    ("en", "No plan so far, PSfP is budgeted for Q1.", plan("none")),
    ("en", "Our credit check was not rejected.", has("credit_check_passed")),
    ("en", "Our distributor is a direct bill partner.", set()),
    ("en", "I'm the managing director.", has("signing_authority")),
    ("en", "Do we offer first-line support? Yes, all of it.", has("first_line_support")),
    ("en", "I'll check that with accounting.", set()),
    ("en", "We're about to pass the capabilities assessment.", set()),
]


@pytest.mark.parametrize(("lang", "text", "want"), ROUND_6, ids=[t for _, t, _ in ROUND_6])
def test_round_6_rules(lang: str, text: str, want: set) -> None:
    assert stated(text, lang) == want


# Rules added in the round on blind set 7 and for the negations and plans of issue-style messages,
# each in wording of its own.
ROUND_7 = [
    ("de", "Einen Supportplan schließen wir erst nach der Bonitätsprüfung ab.", plan("none")),
    ("de", "Unsere Abrechnung bauen wir gerade erst auf.", lacks("billing_infrastructure")),
    ("de", "Niemand bei uns hat Prokura.", lacks("signing_authority")),
    ("de", "Seit gut drei Jahren sind wir indirekter Reseller.", lacks("is_direct_bill_partner")),
    ("de", "Wir rechnen bisher indirekt über Also ab.", lacks("is_direct_bill_partner")),
    ("de", "Bin Geschäftsführer, unterschreiben darf ich.", has("signing_authority")),
    ("de", "Ich bin zwar kein Vorstand, habe aber Prokura.", has("signing_authority")),
    ("de", "Wir haben drei Managed Services, darunter Security Monitoring.", set()),
    ("de", "Wir werden im Frühjahr ASfP bestellen.", set()),
    ("de", "Ab März übernehmen wir den Helpdesk selbst.", set()),
    ("de", "Wir haben ASfP vor der Bonitätsprüfung gekauft.", plan("asfp")),
    ("de", "Der Plan kommt nach der Prüfung, das ist mir klar.", set()),
    ("de", "Support machen wir selbst.", has("first_line_support")),
    ("de", "Unser Wettbewerber ist Direct-Bill-Partner und hat PSfP.", set()),
    (
        "de",
        "Den Helpdesk betreiben wir nicht selbst, ich denke aber, wir könnten das.",
        lacks("first_line_support"),
    ),
    ("de", "Wir überlegen noch, ob ASfP oder PSfP, haben aber keinen von beiden.", plan("none")),
    ("de", "Wir schwanken zwischen ASfP und PSfP.", set()),
    ("en", "Nobody here can sign legal agreements.", lacks("signing_authority")),
    ("en", "We're still setting up our own billing.", lacks("billing_infrastructure")),
    ("en", "We're an indirect reseller through Pax8.", lacks("is_direct_bill_partner")),
    ("en", "GF here - sorry, MD here, so the signature is mine.", has("signing_authority")),
    ("en", "I own the company.", has("signing_authority")),
    ("en", "As Managing Director I accept agreements for us.", has("signing_authority")),
    (
        "en",
        "We don't only do first-line support, we do second line too.",
        has("first_line_support"),
    ),
    ("en", "It's not like we don't have billing in place.", has("billing_infrastructure")),
    ("en", "We'll get PSfP next quarter.", set()),
    ("en", "No plan yet, we'll pick one later.", plan("none")),
    ("en", "We bought ASfP before the credit check.", plan("asfp")),
    ("en", "I understand the credit check comes first.", set()),
    ("en", "The partner next door is direct bill and has ASfP.", set()),
    (
        "en",
        "support we do in-house. no plan yet. enough?",
        has("first_line_support") | plan("none"),
    ),
    (
        "en",
        "We don't run a helpdesk ourselves, though I think we could.",
        lacks("first_line_support"),
    ),
    ("en", "We are considering ASfP or PSfP, right now we have none of them.", plan("none")),
    ("en", "We are deciding between ASfP and PSfP.", set()),
    (
        "de",
        "Unsere frühere Chefin hat alles unterschrieben; jetzt darf ich unterschreiben.",
        has("signing_authority"),
    ),
    (
        "de",
        "Falls es klappt, wechseln wir 2027 – bis dahin bleiben wir indirekter Wiederverkäufer.",
        lacks("is_direct_bill_partner"),
    ),
    (
        "de",
        "Den Helpdesk betreiben wir selbst – damit dürfte der Support passen.",
        has("first_line_support"),
    ),
    (
        "en",
        "If it works out we go direct next year; until then we remain an indirect reseller.",
        lacks("is_direct_bill_partner"),
    ),
    (
        "en",
        "Billing runs on our own platform, so accounts receivable should be fine.",
        has("billing_infrastructure"),
    ),
]


@pytest.mark.parametrize(("lang", "text", "want"), ROUND_7, ids=[t for _, t, _ in ROUND_7])
def test_round_7_rules(lang: str, text: str, want: set) -> None:
    assert stated(text, lang) == want


# Rules added in the round on blind set 8, each in wording of its own.
ROUND_8 = [
    (
        "de",
        "Es ist nicht so, dass wir keinen Helpdesk hätten – den gibt es seit 2019.",
        has("first_line_support"),
    ),
    ("en", "It's not that we lack a PartnerID; ours is active.", has("partner_id_active")),
    ("de", "Wir haben zwar ASfP gehabt, aber der ist abgelaufen.", plan("none")),
    ("de", "Eine PartnerID gibt es, aber die ist gesperrt.", lacks("partner_id_active")),
    ("en", "We have a partner ID but it's inactive right now.", lacks("partner_id_active")),
    ("de", "Die Bonitätsprüfung beantragen wir kommende Woche.", set()),
    ("en", "We hope to get through the credit check soon.", set()),
    ("de", "Unser Kunde hat PSfP.", set()),
    ("en", "One of our customers is a direct bill partner.", set()),
    (
        "de",
        "Bei der Bonitätsprüfung gab es keine Probleme, die ist bestanden.",
        has("credit_check_passed"),
    ),
    ("de", "Die vier Capabilities erfüllen wir nur teilweise.", lacks("capabilities")),
    ("en", "Our distributor told us our PartnerID is active.", set()),
    ("en", "Our first-line support capability is missing.", lacks("first_line_support")),
    ("en", "we run the helpdesk ourselves, nothing outsourced", has("first_line_support")),
    ("en", "ASfP or PSfP, it doesn't matter: we don't have either.", plan("none")),
]


@pytest.mark.parametrize(("lang", "text", "want"), ROUND_8, ids=[t for _, t, _ in ROUND_8])
def test_round_8_rules(lang: str, text: str, want: set) -> None:
    assert stated(text, lang) == want
