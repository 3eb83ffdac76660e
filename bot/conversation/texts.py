"""Texts the conversation layer composes itself (everything fixed lives in domain.yml responses)."""

from __future__ import annotations

from bot.i18n import Message, render

TEXTS: dict[str, dict[str, str | dict[str, str]]] = {
    "label.partner_id_active": {"de": "aktive PartnerID", "en": "active PartnerID"},
    "label.signing_authority": {"de": "Zeichnungsbefugnis", "en": "signing authority"},
    "label.first_line_support": {"de": "Support der ersten Ebene", "en": "first-line support"},
    "label.support_plan": {"de": "Supportplan", "en": "support plan"},
    "label.credit_check_passed": {"de": "Bonitätsprüfung bestanden", "en": "credit check passed"},
    "label.csp_revenue_usd": {"de": "CSP-Umsatz (12 Monate)", "en": "CSP revenue (12 months)"},
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
        "de": "Sie haben {amount} genannt. Microsoft rechnet die Umsatzanforderung in US-Dollar: Wie hoch war Ihr CSP-Umsatz der letzten 12 Monate in USD?",
        "en": "You gave {amount}. Microsoft counts the revenue requirement in US dollars: what was your CSP revenue over the last 12 months in USD?",
    },
    "conv.invalid_quantity": {
        "de": "„{text}“ kann ich nicht als Angabe übernehmen – bitte prüfen Sie die Zahl.",
        "en": "I can't take “{text}” as a fact – please check the number.",
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
    return render(message, lang, TEXTS)
