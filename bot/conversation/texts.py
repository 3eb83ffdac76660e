"""Texts the conversation layer composes itself, and the form's questions (everything else fixed
lives in domain.yml responses)."""

from __future__ import annotations

from bot.eligibility import FACT_SPECS
from bot.eligibility.facts import BOOL, CHOICE
from bot.eligibility.rules import text_parameters
from bot.i18n import LANGUAGES, Message, format_money, render

TEXTS: dict[str, dict[str, str | dict[str, str]]] = {
    "label.partner_id_active": {"de": "aktive PartnerID", "en": "active PartnerID"},
    "label.signing_authority": {"de": "Zeichnungsbefugnis", "en": "signing authority"},
    "label.first_line_support": {"de": "Support der ersten Ebene", "en": "first-line support"},
    "label.support_plan": {"de": "Supportplan", "en": "support plan"},
    "label.credit_check_passed": {"de": "Bonitätsprüfung bestanden", "en": "credit check passed"},
    "label.csp_revenue_usd": {
        "de": "CSP-Umsatz ({rule_window} Monate)",
        "en": "CSP revenue ({rule_window} months)",
    },
    "label.indirect_months": {
        "de": "Zeit als indirekter Wiederverkäufer",
        "en": "time as indirect reseller",
    },
    "label.billing_infrastructure": {
        "de": "Abrechnungsinfrastruktur",
        "en": "billing infrastructure",
    },
    "label.capabilities": {"de": "Infrastrukturfunktionen", "en": "infrastructure capabilities"},
    "label.managed_services": {"de": "Managed Services", "en": "managed services"},
    "label.partner_id": {"de": "PartnerID", "en": "PartnerID"},
    "label.is_direct_bill_partner": {
        "de": "bereits Partner mit direkter Abrechnung",
        "en": "already a direct bill partner",
    },
    "label.country": {"de": "Land", "en": "country"},
    "label.indirect_since": {
        "de": "indirekter Wiederverkäufer seit",
        "en": "indirect reseller since",
    },
    "value.yes": {"de": "ja", "en": "yes"},
    "value.no": {"de": "nein", "en": "no"},
    "value.dont_know": {"de": "unbekannt", "en": "not known"},
    "value.plan.none": {"de": "keiner", "en": "none"},
    "value.plan.asfp": {"de": "ASfP", "en": "ASfP"},
    "value.plan.psfp": {"de": "PSfP", "en": "PSfP"},
    "value.months": {
        "de": {"one": "{count} Monat", "other": "{count} Monate"},
        "en": {"one": "{count} month", "other": "{count} months"},
    },
    "fact.pair": {"de": "{label}: {value}", "en": "{label}: {value}"},
    "fact.change": {"de": "{label}: {new} (vorher {old})", "en": "{label}: {new} (was {old})"},
    "conv.noted": {"de": "Notiert – {items}.", "en": "Noted – {items}."},
    "conv.updated": {"de": "Aktualisiert – {items}.", "en": "Updated – {items}."},
    "conv.other_currency": {
        "de": "Sie haben {amount} genannt. Microsoft rechnet die Umsatzanforderung in US-Dollar: Wie hoch war Ihr CSP-Umsatz der letzten {rule_window} Monate in USD?",
        "en": "You gave {amount}. Microsoft counts the revenue requirement in US dollars: what was your CSP revenue over the last {rule_window} months in USD?",
    },
    "conv.invalid_quantity": {
        "de": "„{text}“ kann ich nicht als Angabe übernehmen – bitte prüfen Sie die Zahl.",
        "en": "I can't take “{text}” as a fact – please check the number.",
    },
    "conv.estimate_kept": {
        "de": "„{text}“ habe ich als {value} gezählt: Etwas mehr oder weniger ändert an der Anforderung ({threshold}) nichts.",
        "en": "I counted “{text}” as {value}: a little more or less would not change the requirement ({threshold}).",
    },
    "conv.estimate_at_threshold": {
        "de": "„{text}“ liegt zu nah an der Anforderung von {threshold}, um darüber zu entscheiden. Bitte nennen Sie mir den genauen Wert für „{label}“.",
        "en": "“{text}” is too close to the requirement of {threshold} to decide. Please give me the exact figure for “{label}”.",
    },
    "conv.tenure_contradiction": {
        "de": "„{since}“ wären {derived}, Sie schreiben aber auch „{stated}“ – das passt nicht zusammen, deshalb habe ich keines von beiden notiert. Seit wann genau sind Sie indirekter Wiederverkäufer?",
        "en": "“{since}” would be {derived}, but you also wrote “{stated}” – these don't match, so I have noted neither. Since when exactly have you been an indirect reseller?",
    },
    "conv.ambiguous_quantity": {
        "de": "„{text}“ ist mehrdeutig ({options}). Welcher Wert ist gemeint?",
        "en": "“{text}” is ambiguous ({options}). Which one do you mean?",
    },
    "conv.invalid_value": {
        "de": "Das kann ich so nicht übernehmen ({label}): {reason}",
        "en": "I can't use that ({label}): {reason}",
    },
    "conv.knockout": {
        "de": "Wichtig vorab – {items} Damit ist eine Registrierung als Partner mit direkter Abrechnung derzeit nicht möglich. Ich frage die übrigen Anforderungen trotzdem ab, damit Sie sehen, was sonst noch fehlt; mit „abbrechen“ beenden Sie die Prüfung.",
        "en": "Important up front – {items} That rules out registering as a direct bill partner for now. I'll still go through the other requirements so you can see what else is missing; say “stop” to end the check.",
    },
    "conv.knockout_item": {"de": "{title}: {detail}", "en": "{title}: {detail}"},
    "staff.only": {
        "de": "Gespeicherte Bewertungen anderer Partner kann nur das Support-Team abrufen. Ihre eigene Prüfung zeige ich Ihnen gern: Fragen Sie „Was fehlt mir noch?“",
        "en": "Only the support team can look up other partners' stored assessments. I'm happy to show your own check: ask “What do I still lack?”",
    },
    "staff.ask_partner_id": {
        "de": "Für welche PartnerID? Bitte nennen Sie sie, z. B. „letzte Bewertung für PartnerID 1234567“.",
        "en": "For which PartnerID? Please name it, e.g. “last assessment for PartnerID 1234567”.",
    },
    "staff.no_assessment": {
        "de": "Zu dieser PartnerID ist keine Bewertung gespeichert.",
        "en": "No assessment is stored for this PartnerID.",
    },
    # The form's questions (asked as action_ask_<fact> by actions.actions._AskForFact).
    "ask.indirect_months": {
        "de": "Wie lange wickeln Sie schon Transaktionen als indirekter Wiederverkäufer ab – in Monaten oder seit wann?",
        "en": "How long have you been transacting as an indirect reseller – in months, or since when?",
    },
    "ask.csp_revenue_usd": {
        "de": "Wie hoch war Ihr CSP-Cloudumsatz als indirekter Wiederverkäufer in den letzten {rule_window} Monaten (in USD)?",
        "en": "What was your CSP cloud revenue as an indirect reseller over the last {rule_window} months (in USD)?",
    },
    "ask.partner_id_active": {
        "de": "Haben Sie eine aktive Mitgliedschaft im Microsoft AI Cloud Partner Program und eine PartnerID für den Standort, in dem Sie verkaufen möchten?",
        "en": "Do you have an active membership in the Microsoft AI Cloud Partner Program and a PartnerID for the location where you want to sell?",
    },
    "ask.signing_authority": {
        "de": "Sind Sie befugt, im Namen Ihrer Organisation rechtliche Vereinbarungen zu akzeptieren und zu unterzeichnen?",
        "en": "Are you authorised to accept and sign legal agreements on behalf of your organisation?",
    },
    "ask.first_line_support": {
        "de": "Können Sie Ihren Kunden Cloud-Produktunterstützung der ersten Ebene bieten?",
        "en": "Can you give your customers first-line cloud product support?",
    },
    "ask.support_plan": {
        "de": "Haben Sie bereits einen Microsoft-Supportplan – Advanced Support for Partners (ASfP) oder Premier Support for Partners (PSfP)?",
        "en": "Do you already hold a Microsoft support plan – Advanced Support for Partners (ASfP) or Premier Support for Partners (PSfP)?",
    },
    "ask.credit_check_passed": {
        "de": "Hat Microsoft Ihnen per E-Mail bestätigt, dass Ihr Unternehmen die Bonitätsprüfung bestanden hat?",
        "en": "Has Microsoft e-mailed you that your company passed the credit check?",
    },
    "ask.billing_infrastructure": {
        "de": "Hat Ihre Organisation die Infrastruktur, um Kundenabrechnung und -bereitstellung selbst zu verwalten?",
        "en": "Does your organisation have the infrastructure to manage customer billing and provisioning itself?",
    },
    "ask.capabilities": {
        "de": "Erfüllen Sie die Mindestanforderungen an die Infrastruktur – Abrechnung, Bereitstellung, Kundensupport und Sicherheit?",
        "en": "Do you meet the minimum infrastructure capabilities – billing, provisioning, customer support and security?",
    },
    "ask.managed_services": {
        "de": "Wie viele verwaltete Dienste (Managed Services), IP-Dienste oder Kundenlösungsanwendungen bieten Sie an?",
        "en": "How many managed services, IP services or customer solution applications do you offer?",
    },
    "button.yes": {"de": "Ja", "en": "Yes"},
    "button.no": {"de": "Nein", "en": "No"},
    "button.no_plan": {"de": "Keinen", "en": "None"},
    "button.dont_know": {"de": "Weiß ich nicht", "en": "I don't know"},
    # Sent by a chat channel (Teams) when the assistant is added to a conversation.
    "teams.welcome": {
        "de": "Willkommen! Ich prüfe mit Ihnen, ob Ihr Unternehmen Microsofts Mindestanforderungen für die Registrierung als Partner mit direkter Abrechnung erfüllt, und sage Ihnen genau, was noch fehlt. Fragen Sie zum Beispiel „Kann ich mich als Partner mit direkter Abrechnung registrieren?“ oder „Wie viel Umsatz brauche ich?“",
        "en": "Welcome! I check with you whether your company meets Microsoft's minimum requirements for registering as a direct bill partner, and tell you exactly what is still missing. Ask me, for example, “Can I register as a direct bill partner?” or “How much revenue do I need?”",
    },
    "hint.yes_no": {
        "de": "Bitte antworten Sie mit Ja oder Nein (oder „weiß ich nicht“).",
        "en": "Please answer yes or no (or “I don't know”).",
    },
    "hint.support_plan": {
        "de": "Bitte nennen Sie ASfP, PSfP oder „keinen“ (oder „weiß ich nicht“).",
        "en": "Please say ASfP, PSfP or “none” (or “I don't know”).",
    },
    "hint.csp_revenue_usd": {
        "de": "Bitte nennen Sie den Betrag in US-Dollar, z. B. „350.000 USD“ oder „0,3 Mio.“ (oder „weiß ich nicht“).",
        "en": "Please give the amount in US dollars, e.g. “USD 350,000” or “0.3M” (or “I don't know”).",
    },
    "hint.indirect_months": {
        "de": "Bitte nennen Sie die Dauer, z. B. „14 Monate“, „anderthalb Jahre“ oder „seit März 2025“ (oder „weiß ich nicht“).",
        "en": "Please give the duration, e.g. “14 months”, “two years” or “since March 2025” (or “I don't know”).",
    },
    "hint.managed_services": {
        "de": "Bitte nennen Sie die Anzahl, z. B. „2“ oder „keine“ (oder „weiß ich nicht“).",
        "en": "Please give the number, e.g. “2” or “none” (or “I don't know”).",
    },
}


def render_text(message: Message, lang: str) -> str:
    return render(message, lang, TEXTS, text_parameters())


def response_slots() -> dict[str, str]:
    """The rule set's numbers as the slots that domain.yml's responses quote ("{rule_window}
    Monate", "{rule_min_revenue_de}"): Rasa fills a response from slots, and an amount reads
    differently in each language. Set at every session start."""
    params = text_parameters()
    return {
        **{f"rule_min_revenue_{lang}": format_money(params["rule_min_revenue"], lang)
           for lang in LANGUAGES},
        "rule_window": str(params["rule_window"]),
        "rule_min_months": str(params["rule_min_months"]),
    }  # fmt: skip


# The payloads are intents (and for the plan an entity) that the dialogue reads like typed answers.
_ANSWER_BUTTONS = {
    BOOL: (("button.yes", "/affirm"), ("button.no", "/deny")),
    CHOICE: (
        ("value.plan.asfp", '/inform{"support_plan": "asfp"}'),
        ("value.plan.psfp", '/inform{"support_plan": "psfp"}'),
        ("button.no_plan", "/deny"),
    ),
}


def _answers(fact: str) -> tuple[tuple[str, str], ...]:
    return (*_ANSWER_BUTTONS.get(FACT_SPECS[fact].kind, ()), ("button.dont_know", "/dont_know"))


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
