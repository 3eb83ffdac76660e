"""Every text the engine produces, in German and English.

German follows Microsoft's German page (the seed): "Partner mit direkter Abrechnung",
"Bonitätsprüfung", "indirekter Wiederverkäufer", "Globaler Administrator", formal "Sie".
A variant may be split by plural category ("one"/"other") of its `count` parameter.
"""

from __future__ import annotations

from bot.eligibility.rules import RuleSet, text_parameters
from bot.i18n import Message, render

TEXTS: dict[str, dict[str, str | dict[str, str]]] = {
    # --- requirement details -------------------------------------------------------------
    "req.partner_id.met": {
        "de": "Aktive Mitgliedschaft im Microsoft AI Cloud Partner Program mit PartnerID für Ihren Standort.",
        "en": "Active membership in the Microsoft AI Cloud Partner Program with a PartnerID for your location.",
    },
    "req.partner_id.unmet": {
        "de": "Es fehlt eine aktive Mitgliedschaft im Microsoft AI Cloud Partner Program mit PartnerID für den Standort, in dem Sie verkaufen möchten.",
        "en": "Missing: an active membership in the Microsoft AI Cloud Partner Program with a PartnerID for the location where you want to sell.",
    },
    "req.partner_id.step": {
        "de": "Schließen Sie die Mitgliedschaft im Microsoft AI Cloud Partner Program in Partner Center ab (oder verlängern Sie sie) und legen Sie die PartnerID für Ihren Verkaufsstandort an.",
        "en": "Join (or renew) the Microsoft AI Cloud Partner Program in Partner Center and set up the PartnerID for the location where you sell.",
    },
    "req.partner_id.unknown": {
        "de": "Noch offen: ob Ihre Mitgliedschaft im Microsoft AI Cloud Partner Program aktiv ist und eine PartnerID für Ihren Standort besteht.",
        "en": "Still open: whether your Microsoft AI Cloud Partner Program membership is active with a PartnerID for your location.",
    },
    "req.endorsement.met": {
        "de": "Sie dürfen im Namen Ihrer Organisation rechtliche Vereinbarungen akzeptieren und unterzeichnen.",
        "en": "You have the authority to accept and sign legal agreements on behalf of your organisation.",
    },
    "req.endorsement.unmet": {
        "de": "Es fehlt die Befugnis, im Namen Ihrer Organisation rechtliche Vereinbarungen zu akzeptieren und zu unterzeichnen.",
        "en": "Missing: the authority to accept and sign legal agreements on behalf of your organisation.",
    },
    "req.endorsement.step": {
        "de": "Lassen Sie die Registrierung von einer zeichnungsberechtigten Person Ihrer Organisation durchführen (z. B. Geschäftsführung oder Prokura).",
        "en": "Have someone with signing authority for your organisation (for example a director or authorised officer) complete the registration.",
    },
    "req.endorsement.unknown": {
        "de": "Noch offen: ob Sie im Namen Ihrer Organisation rechtliche Vereinbarungen unterzeichnen dürfen.",
        "en": "Still open: whether you may sign legal agreements on behalf of your organisation.",
    },
    "req.support.met": {
        "de": "Sie bieten Support der ersten Ebene und haben {plan}.",
        "en": "You provide first-line support and hold {plan}.",
    },
    "req.support.no_first_line": {
        "de": "Es fehlt die Fähigkeit, Ihren Kunden Cloud-Produktunterstützung der ersten Ebene zu bieten.",
        "en": "Missing: the ability to give your customers first-line cloud product support.",
    },
    "req.support.step_first_line": {
        "de": "Bauen Sie Support der ersten Ebene für Ihre Kunden auf (Personal, Prozesse, Werkzeuge).",
        "en": "Set up first-line support for your customers (people, processes, tools).",
    },
    "req.support.no_plan": {
        "de": "Sie haben die Bonitätsprüfung bestanden, aber noch keinen Microsoft-Supportplan.",
        "en": "You passed the credit check but hold no Microsoft support plan yet.",
    },
    "req.support.step_buy_plan": {
        "de": "Erwerben Sie jetzt Advanced Support for Partners (ASfP) oder Premier Support for Partners (PSfP).",
        "en": "Buy Advanced Support for Partners (ASfP) or Premier Support for Partners (PSfP) now.",
    },
    "req.support.pending": {
        "de": "Noch kein Hindernis: Der Supportplan wird erst nach bestandener Bonitätsprüfung erworben.",
        "en": "Not a blocker yet: the support plan is bought only after the credit check is passed.",
    },
    "req.support.step_wait_for_credit_check": {
        "de": "Erwerben Sie ASfP oder PSfP erst, wenn Microsoft Ihnen per E-Mail die bestandene Bonitätsprüfung bestätigt hat – nicht vorher. Die Prüfung folgt auf Ihren Antrag und kann einige Tage dauern.",
        "en": "Buy ASfP or PSfP only once Microsoft's e-mail confirms that you passed the credit check – not before. The check follows your application and can take a few days.",
    },
    "req.support.unknown": {
        "de": "Noch offen: Ihr Support der ersten Ebene oder Ihr Microsoft-Supportplan.",
        "en": "Still open: your first-line support or your Microsoft support plan.",
    },
    "req.revenue.met": {
        "de": "{revenue} CSP-Cloudumsatz in den letzten {window} Monaten – mindestens {minimum} sind gefordert.",
        "en": "{revenue} CSP cloud revenue in the last {window} months – at least {minimum} required.",
    },
    "req.revenue.unmet": {
        "de": "Es fehlen {gap}: {revenue} CSP-Cloudumsatz in den letzten {window} Monaten, gefordert sind mindestens {minimum}.",
        "en": "{gap} short: {revenue} CSP cloud revenue in the last {window} months, at least {minimum} required.",
    },
    "req.revenue.step": {
        "de": "Steigern Sie Ihren CSP-Cloudumsatz als indirekter Wiederverkäufer auf mindestens {minimum} in {window} Monaten. Microsoft prüft die Zahl und fordert eventuell weitere Informationen an.",
        "en": "Grow your CSP cloud revenue as an indirect reseller to at least {minimum} over {window} months. Microsoft reviews the figure and may ask for more information.",
    },
    "req.revenue.unknown": {
        "de": "Noch offen: Ihr CSP-Cloudumsatz der letzten {rule_window} Monate als indirekter Wiederverkäufer.",
        "en": "Still open: your CSP cloud revenue of the last {rule_window} months as an indirect reseller.",
    },
    "req.csp_tenure.met": {
        "de": {
            "one": "{months} Monat als indirekter Wiederverkäufer – mindestens {minimum} sind gefordert.",
            "other": "{months} Monate als indirekter Wiederverkäufer – mindestens {minimum} sind gefordert.",
        },
        "en": {
            "one": "{months} month as an indirect reseller – at least {minimum} required.",
            "other": "{months} months as an indirect reseller – at least {minimum} required.",
        },
    },
    "req.csp_tenure.unmet": {
        "de": {
            "one": "Noch {missing} Monat als indirekter Wiederverkäufer nötig ({months} von {minimum}).",
            "other": "Noch {missing} Monate als indirekter Wiederverkäufer nötig ({months} von {minimum}).",
        },
        "en": {
            "one": "{missing} more month as an indirect reseller needed ({months} of {minimum}).",
            "other": "{missing} more months as an indirect reseller needed ({months} of {minimum}).",
        },
    },
    "req.csp_tenure.unmet_since": {
        "de": {
            "one": "Noch {missing} Monat als indirekter Wiederverkäufer nötig ({months} von {minimum}) – frühestens im {earliest}.",
            "other": "Noch {missing} Monate als indirekter Wiederverkäufer nötig ({months} von {minimum}) – frühestens im {earliest}.",
        },
        "en": {
            "one": "{missing} more month as an indirect reseller needed ({months} of {minimum}) – earliest in {earliest}.",
            "other": "{missing} more months as an indirect reseller needed ({months} of {minimum}) – earliest in {earliest}.",
        },
    },
    "req.csp_tenure.step": {
        "de": "Wickeln Sie weiter Transaktionen als indirekter Wiederverkäufer ab und prüfen Sie danach erneut.",
        "en": "Keep transacting as an indirect reseller and check again then.",
    },
    "req.csp_tenure.unknown": {
        "de": "Noch offen: wie lange Sie schon als indirekter Wiederverkäufer tätig sind.",
        "en": "Still open: how long you have been transacting as an indirect reseller.",
    },
    "req.accounts_receivable.met": {
        "de": "Ihre Organisation hat die Infrastruktur, um Kundenabrechnung und -bereitstellung zu verwalten.",
        "en": "Your organisation has the infrastructure to manage customer billing and provisioning.",
    },
    "req.accounts_receivable.unmet": {
        "de": "Es fehlt die Organisationsinfrastruktur zum Verwalten der Kundenabrechnung und -bereitstellung.",
        "en": "Missing: the organisational infrastructure to manage customer billing and provisioning.",
    },
    "req.accounts_receivable.step": {
        "de": "Richten Sie Prozesse und Systeme für Rechnungsstellung, Forderungsmanagement und Bereitstellung bei Ihren Kunden ein.",
        "en": "Set up processes and systems for invoicing your customers, collecting payments and provisioning.",
    },
    "req.accounts_receivable.unknown": {
        "de": "Noch offen: ob Ihre Organisation Kundenabrechnung und -bereitstellung selbst verwalten kann.",
        "en": "Still open: whether your organisation can manage customer billing and provisioning itself.",
    },
    "req.capabilities.met": {
        "de": "Die Mindestanforderungen an die Infrastruktur (Abrechnung, Bereitstellung, Kundensupport, Sicherheit) sind erfüllt; Microsoft prüft sie über Bewertungen von Drittanbietern.",
        "en": "The minimum infrastructure capabilities (billing, provisioning, customer support, security) are in place; Microsoft verifies them through third-party assessments.",
    },
    "req.capabilities.unmet": {
        "de": "Es fehlen Infrastrukturfunktionen: gefordert sind Abrechnung, Bereitstellung, Kundensupport und Sicherheit.",
        "en": "Missing infrastructure capabilities: billing, provisioning, customer support and security are all required.",
    },
    "req.capabilities.step": {
        "de": "Schließen Sie die Lücken bei Abrechnung, Bereitstellung, Kundensupport und Sicherheit; Microsoft lässt sie von Drittanbietern bewerten und jährlich neu bewerten.",
        "en": "Close the gaps in billing, provisioning, customer support and security; Microsoft has them assessed by a third party, and reassessed every year.",
    },
    "req.capabilities.unknown": {
        "de": "Noch offen: ob Abrechnung, Bereitstellung, Kundensupport und Sicherheit die Mindestanforderungen erfüllen.",
        "en": "Still open: whether billing, provisioning, customer support and security meet the minimum capabilities.",
    },
    "req.managed_services.met": {
        "de": {
            "one": "{count} verwalteter Dienst, IP-Dienst oder Kundenlösung vorhanden.",
            "other": "{count} verwaltete Dienste, IP-Dienste oder Kundenlösungen vorhanden.",
        },
        "en": {
            "one": "{count} managed service, IP service or customer solution in place.",
            "other": "{count} managed services, IP services or customer solutions in place.",
        },
    },
    "req.managed_services.unmet": {
        "de": {
            "one": "Es fehlt noch {count} verwalteter Dienst, IP-Dienst oder eine Kundenlösungsanwendung.",
            "other": "Es fehlen noch {count} verwaltete Dienste, IP-Dienste oder Kundenlösungsanwendungen.",
        },
        "en": {
            "one": "{count} more managed service, IP service or customer solution application needed.",
            "other": "{count} more managed services, IP services or customer solution applications needed.",
        },
    },
    "req.managed_services.step": {
        "de": "Bieten Sie mindestens einen verwalteten Dienst (laufende Betreuung einer Cloud-Lösung), einen IP-Dienst oder eine Kundenlösungsanwendung an.",
        "en": "Offer at least one managed service (ongoing hands-on care of a cloud solution), IP service or customer solution application.",
    },
    "req.managed_services.unknown": {
        "de": "Noch offen: wie viele verwaltete Dienste, IP-Dienste oder Kundenlösungen Sie anbieten.",
        "en": "Still open: how many managed services, IP services or customer solutions you offer.",
    },
    "plan.asfp": {
        "de": "Advanced Support for Partners (ASfP)",
        "en": "Advanced Support for Partners (ASfP)",
    },
    "plan.psfp": {
        "de": "Premier Support for Partners (PSfP)",
        "en": "Premier Support for Partners (PSfP)",
    },
    # --- where a partner finds out what it does not know -------------------------------------
    "step.find_out": {"de": "Klären Sie: {items}", "en": "Find out: {items}"},
    "list.1": {"de": "{item0}", "en": "{item0}"},
    "list.2": {"de": "{item0}; {item1}", "en": "{item0}; {item1}"},
    "list.3": {"de": "{item0}; {item1}; {item2}", "en": "{item0}; {item1}; {item2}"},
    "fact.partner_id_active.where": {
        "de": "den Status Ihrer Mitgliedschaft und Ihre PartnerIDs (in Partner Center unter Kontoeinstellungen, Identifikatoren).",
        "en": "your membership status and PartnerIDs (Partner Center, account settings, identifiers).",
    },
    "fact.signing_authority.where": {
        "de": "wer in Ihrer Organisation zeichnungsberechtigt ist (Handelsregister, Geschäftsführung, Rechtsabteilung).",
        "en": "who may sign for your organisation (company register, management, legal department).",
    },
    "fact.first_line_support.where": {
        "de": "ob Ihr Team Kundenanfragen zu Cloud-Produkten selbst annehmen und lösen kann (Supportleitung).",
        "en": "whether your team takes and resolves customers' cloud product issues itself (ask your support lead).",
    },
    "fact.support_plan.where": {
        "de": "ob Ihre Organisation ASfP oder PSfP hat (Partner Center, Supportpläne, oder Ihr Microsoft-Ansprechpartner).",
        "en": "whether your organisation holds ASfP or PSfP (Partner Center support plans, or your Microsoft contact).",
    },
    "fact.credit_check_passed.where": {
        "de": "ob Microsoft Ihnen die bestandene Bonitätsprüfung per E-Mail bestätigt hat.",
        "en": "whether Microsoft has e-mailed you that the credit check is passed.",
    },
    "fact.csp_revenue_usd.where": {
        "de": "Ihren CSP-Cloudumsatz der letzten {rule_window} Monate (Partner Center, Analysen, oder Ihr indirekter Anbieter).",
        "en": "your CSP cloud revenue of the last {rule_window} months (Partner Center analytics, or your indirect provider).",
    },
    "fact.indirect_months.where": {
        "de": "seit wann Sie als indirekter Wiederverkäufer Transaktionen abwickeln (erste Rechnung Ihres indirekten Anbieters).",
        "en": "since when you have transacted as an indirect reseller (your indirect provider's first invoice).",
    },
    "fact.billing_infrastructure.where": {
        "de": "ob Ihre Buchhaltung und IT Kundenabrechnung und -bereitstellung selbst abwickeln können.",
        "en": "whether your finance and IT teams can run customer billing and provisioning themselves.",
    },
    "fact.capabilities.where": {
        "de": "ob Abrechnung, Bereitstellung, Kundensupport und Sicherheit einer Bewertung durch Drittanbieter standhalten.",
        "en": "whether billing, provisioning, customer support and security would pass a third-party assessment.",
    },
    "fact.managed_services.where": {
        "de": "welche laufenden verwalteten Dienste, IP-Dienste oder Kundenlösungen Sie anbieten (Ihr Dienstleistungskatalog).",
        "en": "which ongoing managed services, IP services or customer solutions you offer (your service catalogue).",
    },
    # --- verdicts, steps, warnings ------------------------------------------------------------
    "status.eligible": {
        "de": "Sie erfüllen alle Mindestanforderungen für die Registrierung als Partner mit direkter Abrechnung.",
        "en": "You meet all minimum requirements to register as a direct bill partner.",
    },
    "status.not_eligible": {
        "de": "Sie erfüllen derzeit nicht alle Mindestanforderungen für die Registrierung als Partner mit direkter Abrechnung.",
        "en": "You do not meet all minimum requirements to register as a direct bill partner yet.",
    },
    "status.incomplete": {
        "de": "Noch keine abschließende Aussage möglich: Einige Angaben fehlen.",
        "en": "No final answer yet: some facts are still missing.",
    },
    "mark.met": {"de": "erfüllt", "en": "met"},
    "mark.unmet": {"de": "nicht erfüllt", "en": "not met"},
    "mark.unknown": {"de": "offen", "en": "unknown"},
    "mark.pending": {"de": "ausstehend", "en": "pending"},
    "heading.next_steps": {"de": "Nächste Schritte:", "en": "Next steps:"},
    "heading.missing": {"de": "Was Ihnen noch fehlt:", "en": "What you still lack:"},
    "heading.open": {"de": "Was noch offen ist:", "en": "What is still open:"},
    "heading.warnings": {"de": "Hinweise:", "en": "Warnings:"},
    "heading.rules": {"de": "Regelwerk: {version}", "en": "Rule set: {version}"},
    "heading.explanation": {"de": "Begründung:", "en": "Explanation:"},
    "process.apply": {
        "de": "Melden Sie sich als Globaler Administrator in Partner Center an und füllen Sie das Antragsformular für Partner mit direkter Abrechnung aus.",
        "en": "Sign in to Partner Center as Global Administrator and fill in the direct bill partner application form.",
    },
    "process.credit_check": {
        "de": "Microsoft prüft Ihre Geschäftsinformationen und Ihre Bonität; das kann einige Tage dauern. Sie erhalten eine E-Mail, wenn die Bonitätsprüfung bestanden ist.",
        "en": "Microsoft verifies your business information and runs a credit check, which can take a few days. You get an e-mail when the credit check is passed.",
    },
    "process.assessment": {
        "de": "Sobald Microsoft Umsatz und Tätigkeit als indirekter Wiederverkäufer bestätigt hat, meldet sich Microsoft, um die Bewertung durch einen Drittanbieter zu planen; sie wird jährlich wiederholt.",
        "en": "Once Microsoft has confirmed your revenue and indirect reseller tenure, it contacts you to schedule the third-party assessment, which is repeated every year.",
    },
    "process.check_again": {
        "de": "Prüfen Sie erneut, sobald sich etwas geändert hat – Microsoft entscheidet nach eigener Prüfung.",
        "en": "Check again once something has changed – Microsoft decides after its own review.",
    },
    "warning.plan_before_credit_check": {
        "de": "Sie haben einen Supportplan erworben, obwohl die Bonitätsprüfung noch nicht bestanden ist. Microsoft verlangt, den Plan erst nach der Bestätigungs-E-Mail zu erwerben – klären Sie mit Microsoft, ob Ihr Plan anerkannt wird.",
        "en": "You bought a support plan although the credit check is not passed yet. Microsoft asks you to buy the plan only after its confirmation e-mail – check with Microsoft whether your plan counts.",
    },
    "warning.existing_partner_at_risk": {
        "de": "Als aktueller Partner mit direkter Abrechnung müssen Sie die Mindestanforderungen weiter erfüllen. Andernfalls wird Ihr Zugriff auf die Funktionen der direkten Abrechnung schließlich eingeschränkt (z. B. keine neuen Käufe für Ihre Kunden). Sie können auch zum indirekten Wiederverkäufer wechseln; dafür sind mehrere Schritte nötig.",
        "en": "As a current direct bill partner you must keep meeting the minimum requirements. Otherwise your access to direct-billing functions is eventually restricted (for example, no new purchases for your customers). You may also choose to transition to an indirect reseller, which takes several steps.",
    },
    # --- errors in facts ----------------------------------------------------------------------
    "error.unknown_fact": {
        "de": "Unbekannte Angabe „{fact}“.",
        "en": "Unknown fact '{fact}'.",
    },
    "error.not_a_bool": {
        "de": "{fact}: erwartet wird true oder false, nicht {value}.",
        "en": "{fact}: expected true or false, got {value}.",
    },
    "error.not_a_choice": {
        "de": "{fact}: erwartet wird einer der Werte {choices}, nicht {value}.",
        "en": "{fact}: expected one of {choices}, got {value}.",
    },
    "error.not_a_number": {
        "de": "{fact}: erwartet wird eine Zahl, nicht {value}.",
        "en": "{fact}: expected a number, got {value}.",
    },
    "error.not_whole": {
        "de": "{fact}: erwartet wird eine ganze Zahl, nicht {value}.",
        "en": "{fact}: expected a whole number, got {value}.",
    },
    "error.below_minimum": {
        "de": "{fact}: {value} ist kleiner als {minimum} – bitte prüfen Sie den Wert.",
        "en": "{fact}: {value} is below {minimum} – please check the value.",
    },
    "error.above_maximum": {
        "de": "{fact}: {value} ist unplausibel groß (höchstens {maximum}) – bitte prüfen Sie den Wert.",
        "en": "{fact}: {value} is implausibly large (at most {maximum}) – please check the value.",
    },
    "error.not_digits": {
        "de": "{fact}: Eine PartnerID besteht nur aus Ziffern (höchstens {maximum}), nicht {value}.",
        "en": "{fact}: a PartnerID consists of digits only (at most {maximum}), got {value}.",
    },
    "error.not_a_country": {
        "de": "{fact}: {value} ist kein bekanntes Land (Ländercode wie DE oder Ländername).",
        "en": "{fact}: {value} is not a known country (a code such as DE, or a country name).",
    },
    "error.not_a_month": {
        "de": "{fact}: erwartet wird ein Monat im Format JJJJ-MM, nicht {value}.",
        "en": "{fact}: expected a month as YYYY-MM, got {value}.",
    },
    "error.month_in_future": {
        "de": "{fact}: {value} liegt in der Zukunft.",
        "en": "{fact}: {value} is in the future.",
    },
    "error.month_too_early": {
        "de": "{fact}: {value} liegt vor dem Jahr 2000 – bitte prüfen Sie den Wert.",
        "en": "{fact}: {value} is before the year 2000 – please check the value.",
    },
    "error.tenure_contradiction": {
        "de": "indirect_months: {months} Monate passen nicht zu indirect_since {since} ({derived} Monate) – welche Angabe stimmt?",
        "en": "indirect_months: {months} months contradicts indirect_since {since} ({derived} months) – which one is right?",
    },
}


def render_text(message: Message, lang: str, rules: RuleSet | None = None) -> str:
    """A text of the engine's catalog; the numbers it quotes are those of `rules` (a verdict's
    own rule set), else of the rule set in force today."""
    return render(message, lang, TEXTS, text_parameters(rules))
