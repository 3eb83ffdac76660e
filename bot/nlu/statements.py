"""Yes/no facts and the support plan a partner states about itself, in German or English.

"Keine Prokura, aber First-Level-Support machen wir selbst" -> lacks signing_authority, has
first_line_support. The vocabulary is closed (seven yes/no facts, three plans), while whether a
fact is affirmed depends on negation scope ("kein", "nicht mehr", "expired", "still pending"),
which ~200 annotated examples per language did not teach DIET reliably (held-out entity F1 ~0.65).
No maintained library does negation scope for German and English chat text; hence these rules:
each fact is named by its words, and a clause's negation cues decide has or lacks.

Sentences that ask, doubt or suppose ("Brauchen wir ASfP?", "Ich weiß nicht, ob ...", "if we had
PSfP") state nothing. The component in `bot.nlu.components` also reads the intent: in a message
classified as a FAQ it keeps only `statements_in_question`, and staff lookups state nothing.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from bot.nlu.runs import blank_long_runs

HAS, LACKS, SUPPORT_PLAN = "has", "lacks", "support_plan"

# Umlauts may be typed as "ue"/"ae"/"oe" or dropped: "Bonitaetspruefung", "Bonitatsprufung".
_U, _A, _O = "(?:ü|ue|u)", "(?:ä|ae|a)", "(?:ö|oe|o)"

# Words that name each fact, most specific first: where two patterns overlap, the earlier one
# wins ("Partner mit direkter Abrechnung" is the direct bill status, not billing infrastructure).
_FACT_PATTERNS: list[tuple[str, str]] = [
    (
        "is_direct_bill_partner",
        # "Direct Bill" alone is the topic of the whole conversation; the status needs "partner" or a verb.
        r"direct[- ]?bill(?:ing)?[- ]?partner\w*|direkt[- ]?(?:abrechnungs?|rechnungs?)[- ]?partner\w*"
        r"|partner\w* mit direkter abrechnung|(?:rechnen|abrechnen)\w* (?:\w+ ){0,5}direkt\w*"
        r"|direkt (?:\w+ ){0,3}ab(?:rechnen|gerechnet|zurechnen)\b|\bbill\w* (?:\w+ ){0,2}directly|directly bill\w*"
        # "wir sind schon Direct Bill", "we've been direct bill since 2020"
        r"|\b(?:bin|sind|ist|am|are|is|been|'re|'m)\s+(?:\w+\s+){0,2}?(?P<name>direct[- ]?bill)\b"
        r"|(?P<name2>direct[- ]?bill)\s+(?:sind|bin|ist|are|seit|since)\b|direkte[rn]? partner|direkt abrechnende\w* partner\w*"
        # "wir sind nicht mehr direkt", "we're not direct any more"
        r"|\b(?:sind|bin|are|'re|am)\s+(?:\w+\s+){0,3}?(?P<name3>direkt|direct)(?=\s*(?:[,.;!)]|$|any ?more|mehr))",
    ),
    (
        "credit_check_passed",
        rf"bonit{_A}t\w*|credit[- ]?(?:check|chek|cheque|vetting|review|assessment|screening)\w*|\bpass\w* (?:the )?credit\b"
        rf"|kreditpr{_U}f\w*|kreditw{_U}rdig\w*|creditworth\w*",
    ),
    (
        "first_line_support",
        r"front[- ]?line[- ]?support|(?:first|1st|erst\w*)[- ]?(?:level|line|ebene)\w*(?:[- ]?support\w*)?"
        r"(?:\s+capabilit(?:y|ies)|\s+f(?:ä|ae)higkeit\w*)?|level[- ]?(?:1|one|eins)\b"
        r"|tier[- ]?(?:1|one)[- ]?support|help[- ]?desk(?![- ]?(?:agent|rolle|role))\w*|service[- ]?desk\w*|support[- ]?desk\w*"
        r"|erstsupport\w*|kundensupport\w*|customer support|support der ersten ebene|\bl1\b[- ]?(?:support)?"
        r"|support[- ]?team\w*|supportteam\w*|service[- ]?team\w*|(?:support|kunden|customer)[- ]?hotline\w*"
        r"|support f(?:ü|ue)r (?:unsere |die |alle |unsere eigenen )?kunden|support (?:for|to) (?:our |all our )?customers"
        # Support done by the partner itself: "Support machen wir selbst", "support we do in-house".
        r"|\bsupport\b(?=\s+(?:machen|leisten|(?:ü|ue)bernehmen|erledigen|do|handle|provide)\s+(?:wir|we)\s+(?:\w+\s+)?(?:selbst|selber|im haus|inhouse|in-house|ourselves)\b)"
        r"|\bsupport\b(?=\s+(?:we do|we handle|is done|is handled)\s+(?:\w+\s+)?(?:ourselves|in-house|in house)\b)"
        r"|\b(?:machen|leisten|do|handle|provide) (?:wir )?(?:den |the |all |our )?(?P<name>support)\b(?=\s+(?:\w+\s+)?(?:selbst|selber|ourselves|in-house|inhouse)\b)",
    ),
    (
        "partner_id_active",
        r"partner[- ]?id\w*|mpn[- ]?(?:id|mitgliedschaft|membership)?\w*|(?:ai )?cloud partner program\w*"
        r"|partner[- ]?program\w*|partnerprogramm\w*|mitgliedschaft\w*|membership\w*|mitglied\w*|\bmember\w*",
    ),
    (
        "signing_authority",
        r"zeichnungs\w*|\bzeichnen\b|unterschr\w*|unterzeichn\w*|\bsign(?!(?:ed|ing|s)? (?:up|off|in|out)\b)(?:ing|atory|atories|ed|er|ature)?\b"
        r"|prokur\w*|vertretungs\w*|vollmacht\w*|\w*befugnis\w*|\w*befugt\w*|signing authorit\w*|authori[sz]\w* (?:to sign|signator\w*)|authori[sz]\w*|authorit(?:y|ies)\b"
        r"|power of attorney|legally bind\w*|rechtsverbindlich\w*|rechtlich\w* vereinbarung\w*|legal agreement\w*"
        # The writer as managing director: "ich als Geschäftsführer", "I'm the managing director".
        r"|\b(?:ich als |bin ich (?:als |der )?|ich bin (?:der |als )?|bin |i'm (?:the |its )?|i am (?:the |its )?|am (?:the |its )|as (?:the )?)"
        r"(?:neue[rn]? |new |sole |only |alleinige[rn]? )?"
        r"(?P<name>gesch(?:ä|ae)ftsf(?:ü|ue)hrer\w*|\bgf\b|managing director|director|\bmd\b|ceo|inhaber\w*|owner)"
        # "MD here", "GF hier", "I own the company"
        r"|^\W*(?P<name2>gf|md|ceo|gesch(?:ä|ae)ftsf(?:ü|ue)hrer\w*|managing director)\s+(?:hier|here)\b"
        r"|\bi (?P<name3>own) (?:the|this|our|my) (?:company|business|firm)\b",
    ),
    (
        "capabilities",
        # "Security Monitoring", "Sicherheitsdienste": a service offered, not the capability.
        rf"capabilit\w*|infrastrukturfunktion\w*|sicherheitsfunktion\w*"
        r"|\bsicherheit(?!s?(?:monitoring|dienst|l(?:ö|oe)sung|produkt|service|paket|audit|berat))\w*"
        r"|security(?![- ]?(?:monitoring|services?|operations|products?|solutions?|packages?|consulting|audits?))"
        rf"|f{_A}higkeit\w*|infrastructure (?:and security )?functions?"
        r"|(?:drittanbieter|third[- ]party)[- ]?(?:assessment|bewertung|pr(?:ü|ue)fung)\w*",
    ),
    (
        "billing_infrastructure",
        r"\w*abrechnung\w*|accounts? receivable\w*|(?-i:\bAR\b)"
        r"|\bto bill\b|\bbill (?:our |the |all |every |each )?customers?\b|billing\w*|\brechnungs\w*|\brechnungen|debitor\w*|receivable\w*|invoic\w*"
        r"|fakturier\w*|faktura\w*|(?<!an)forderung\w*|provisioning|bereitstellung\w*|inkasso|mahnwesen|dunning"
        r"|(?<!aus der )(?<!mit der )(?<!in der )(?<!bei der )buchhaltung\w*"
        r"|(?<!from )(?<!from the )(?<!with )(?<!with the )(?<!with our )accounting",
    ),
]
# "Wir sind (noch) indirekter Reseller": not a direct bill partner today.
_INDIRECT_TODAY = (
    "indirect_today",
    rf"\b(?:bin|sind|ist|are|'re|am|is|been)\s+(?:\w+\s+){{0,4}}?(?P<name>indirekte[rn]? (?:csp[- ])?(?:reseller|wiederverk{_A}ufer|h{_A}ndler|partner)"
    r"|indirect (?:csp )?(?:reseller|partner)|tier[- ]?2[- ](?:reseller|partner)|indirekt\b|indirect\b)"
    # "Seit 2022 indirekter Reseller", "indirect reseller since 2021"
    rf"|(?:seit|since)\s+(?:\S+\s+){{0,3}}?(?P<name5>indirekte[rn]? (?:csp[- ])?(?:reseller|wiederverk{_A}ufer|h{_A}ndler)|indirect (?:csp )?reseller)"
    rf"|(?P<name6>indirekte[rn]? (?:csp[- ])?(?:reseller|wiederverk{_A}ufer|h{_A}ndler)|indirect (?:csp )?reseller)\s+(?:seit|since)\b"
    # "als indirekter Reseller", "bleiben wir indirekter Reseller", "as an indirect CSP partner"
    rf"|\b(?:als|bleiben wir|bleiben|nur|still|as an?|remain)\s+(?:ein\s+|an?\s+)?(?P<name8>indirekte[rn]? (?:csp[- ])?(?:reseller|wiederverk{_A}ufer|h{_A}ndler|partner)"
    r"|indirect (?:csp )?(?:reseller|partner))"
    r"|(?:auf|zu|zum|ins) (?P<name2>indirekt\w*)(?: \w+)? gewechselt|(?:switched|moved|changed) (?:back )?to (?:the )?(?P<name3>indirect)"
    r"|\bresell\w* (?P<name9>indirectly)\b|\bverkaufen (?:\w+ ){0,3}(?P<name10>indirekt)\b"
    # "reseller through Pax8", "rechnen indirekt über TD Synnex ab", "we buy indirectly"
    rf"|(?P<name11>indirekte[rn]? (?:csp[- ])?(?:reseller|wiederverk{_A}ufer|h{_A}ndler)|indirect (?:csp )?reseller)\s+(?:through|via|with|{_U}ber|bei)\b"
    r"|\b(?:rechnen|buy|purchase|kaufen|beziehen|bill)\w*\s+(?:\w+\s+){0,2}?(?P<name12>indirekt|indirectly)\b"
    rf"|\bstatus\W+(?P<name4>indirekte[rn]? (?:reseller|wiederverk{_A}ufer|h{_A}ndler)|indirect (?:reseller|partner))"
    # Buying through an indirect provider is being an indirect reseller: "We buy all our licenses
    # through an indirect provider", "Wir beziehen alles über unseren Distributor".
    rf"|\b(?:buy|purchase|source|order|resell|kauf|bezieh|beziehe|bestell)\w*\s+(?:\w+\s+){{0,4}}?(?:through|via|from|{_U}ber|bei)\s+"
    r"(?:an?\s+|our\s+|the\s+|unsere[nm]?\s+|eine[nm]?\s+|de[mn]\s+)?(?P<name7>indirect provider|indirekten anbieter|distribut\w*|disti)\b",
)
# The conversation's topic ("direkte Abrechnung", "direct billing") is neither the direct bill
# status nor billing infrastructure; matched right after the status so that it claims its words.
_TOPIC = ("topic", r"direkte[rn]? abrechnung|direct[- ]?bill(?:ing)?\b|direktabrechnung\w*")
_PLAN_PATTERNS: list[tuple[str, str]] = [
    ("asfp", r"asfp\w*|advanced[- ]?support\w*"),
    ("psfp", r"psfp\w*|premier[- ]?support\w*|premier\b"),
    # A plan without its name: only its absence is a fact ("kein Supportplan").
    (
        "plan",
        r"support[- ]?plan\w*|supportvertrag\w*|support contract|partner support plan|\bplans?\b|\bplan\b",
    ),
]

# "the infrastructure to bill customers directly" is billing infrastructure, not the status.
_BILLING_INFRASTRUCTURE = (
    "billing_infrastructure",
    r"infrastruct\w* (?:\w+ ){0,2}to bill(?: \w+){0,2}|\w*infrastruktur\w* (?:\w+ ){0,3}(?:abrechnung|abzurechnen)\w*"
    r"|billing infrastructure|bill and provision\w*",
)
# The seed defines the capabilities as billing, provisioning, customer support and security: the
# four named together are that requirement, not three separate facts.
_FOUR_CAPABILITIES = (
    "capabilities",
    r"(?:abrechnung|billing)\W+(?:\w+\W+){0,3}?(?:bereitstellung|provisioning)\W+(?:\w+\W+){0,3}?"
    r"(?:kunden)?(?:customer )?support\w*\W+(?:\w+\W+){0,3}?(?:sicherheit|security)",
)
# Microsoft's FY26 requirements: named before the capabilities so that "Security Score" and
# "Sicherheitsbewertung" are the score, not security as a capability.
_SECURITY_SCORE = (
    "security_score_complete",
    r"secure[- ]?score\w*|security[- ]?score\w*|sicherheits[- ]?(?:bewertung|score)\w*"
    r"|partner center[- ]security requirements?",
)
_SOLUTIONS_PARTNER = (
    "solutions_partner_designation",
    r"solutions?[- ]?partner(?:[- ](?:designation|bezeichnung|status|for [\w ]{3,40}?(?=\W|$)))?\w*"
    r"|(?:partner[- ])?designation\w*|partner[- ]?bezeichnung\w*",
)
_ALL = [
    (key, re.compile(pattern, re.IGNORECASE))
    for key, pattern in [
        _SECURITY_SCORE,
        _SOLUTIONS_PARTNER,
        _FOUR_CAPABILITIES,
        _BILLING_INFRASTRUCTURE,
        _FACT_PATTERNS[0],
        _INDIRECT_TODAY,
        _TOPIC,
        *_FACT_PATTERNS[1:],
        *_PLAN_PATTERNS,
    ]
]
_PLANS = {"asfp", "psfp", "plan"}

# Negation, clause by clause. "nicht nur"/"not only" and "kein Problem"/"no problem" negate nothing.
_NOT_NEGATING = re.compile(
    r"\bnicht nur\b|\bnicht blo(?:ß|ss)\b|\bnot only\b|\bnot just\b|n't (?:just|only)\b"
    r"|\bnot (?:like|as if|as though) (?:we|i)\b[^.,;!?]*?(?:n't|\bnot\b|\bno\b)|\bkein(?:e|en)? (?:problem\w*|thema|sorge\w*|frage)\b"
    r"|\bno (?:problem|worries|doubt|question)\b|\b(?:gone|went|got) thr(?:ough|u)\b"
    # No third party doing it means the partner does it: "ohne Distributor", "no disti involved".
    r"|\b(?:no|nothing|nichts|kein\w*|ohne|without)\s+(?:\w+\s+)?(?:disti|distribut\w*|dienstleister|third[- ]party|outsourc\w*|ausgelagert)\w*",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    rf"\bkein\w*|\bnicht\b|\bnichts\b|\bnix\b|\bnie(?:mals)?\b|\bohne\b|\bweder\b|\bfehl\w*|\bnoch aus\b|\bsteht aus\b"
    rf"|\babgelaufen\b|\bausgelaufen\b|\bauslaufen\b|\binaktiv\w*|\bdeaktiviert\b|\bgek{_U}ndigt\b"
    rf"|\bgesperrt\b|\bdurchgefallen\b|\babgelehnt\b|\bentzogen\b|\bverloren\b|\bungültig\b|\bungueltig\b"
    r"|\bno\b|\bnot\b|n't\b|n’t\b|\bnever\b|\bwithout\b|\bneither\b|\bnor\b|\bnone\b|\black\w*|\bmissing\b"
    r"|\bexpired?\b|\blapsed\b|\binactive\b|\bdeactivated\b|\bcancel+ed\b|\bfailed\b|\bfail\b"
    r"|\brejected\b|\bdeclined\b|\bdenied\b|\bsuspended\b|\brevoked\b|\binvalid\b|\bdont\b|\bdoesnt\b|\bcant\b"
    # Needing it, gaps in it, or someone else doing it: the partner does not have it.
    rf"|\bbrauche\w*|\bben{_O}tig\w*|\bneed\w*|\bl{_U}cke\w*|\bhapert\b|\bgaps?\b|\bm{_A}ngel\w*|\bshortcoming\w*"
    r"|\blapse\w*|\bdistribut\w*|\bdisti\b|\bexterne[nrs]? (?:firma|dienstleister|partner|anbieter)\b"
    r"|\bexternal (?:firm|company|provider|partner)\b|\bdienstleister\b|\boutsourc\w*|\bausgelagert\b|\bnich\b"
    rf"|\bsteuerb{_U}ro\b|\bnegativ\w*|\bnein\b|❌|✗|✘|\bweg\b|\bnicht durch\b|\bran out\b|\brun out\b|\bdropped\b"
    r"|\blost\b|\bgone\b|\bended\b|\bno longer\b|\bnicht mehr\b|\bincomplete\b|\bunvollst(?:ä|ae)ndig\b"
    r"|\binsufficient\b|\bunzureichend\b|\bn(?:ö|oe)\b|\bnee\b|\bnope\b|\bnah\b|✖|\bhakt\b"
    # Still being built: "Sicherheit ist bei uns noch eine Baustelle", "security is a work in progress",
    # "die Abrechnung bauen wir gerade erst auf", "we're still setting up billing".
    r"|\bbaustelle\b|\bwork in progress\b|\bim aufbau\b|\bwird (?:gerade |noch |erst )*aufgebaut\b"
    r"|\bbauen\b[^.,;!?]{0,40}?\b(?:gerade|erst|noch)\b[^.,;!?]{0,30}?\bauf\b"
    r"|\b(?:still|currently|only just|just now) (?:building|setting up|putting together)\b|\bbeing (?:built|set up)\b"
    # Nobody does it: "Niemand bei uns darf unterschreiben", "no one here can sign".
    r"|\bniemand\b|\bnobody\b|\bno[- ]one\b",
    re.IGNORECASE,
)
# Not passed yet is not passed: "die Bonitätsprüfung läuft noch", "credit check pending".
_PENDING = re.compile(
    r"\bl(?:ä|ae|a)uft\b|\bwarte\w*|\bausstehend\w*|\boffen\b|\bbeantragt\b|\bin bearbeitung\b|\bin pr(?:ü|ue|u)fung\b"
    r"|\bnoch nicht\b|\bpending\b|\brunning\b|\bwaiting\b|\bin progress\b|\bunder review\b|\boutstanding\b"
    r"|\bopen\b|\bapplied\b|\bsubmitted\b|\byet\b|\bongoing\b|\bstill\b|\bnoch\b|\bdauert\b|\bgoing on\b|\btaking\b",
    re.IGNORECASE,
)
_PENDING_FACTS = {"credit_check_passed"}
_EXPLICIT_NEGATION = re.compile(
    r"\bkein\w*|\bnicht\b|\bnot\b|n't\b|\bno longer\b|\bnever\b", re.IGNORECASE
)
# An assessment still to come: "Capabilities assessment still outstanding".
_NOT_YET_ASSESSED = re.compile(
    r"\boutstanding\b|\bpending\b|\bausstehend\w*|\bsteht\b.*\baus\b|\bnot yet\b|\bnoch nicht\b|\bscheduled\b"
    r"|\bgeplant\b|\bterminiert\b|\bin progress\b|\bl(?:ä|ae)uft noch\b|\boffen\b|\bopen\b",
    re.IGNORECASE,
)
# "den First-Level-Support hat ein Partner von uns übernommen": someone else does it.
_SOMEONE_ELSE = re.compile(
    r"\b(?:(?:ü|ue)bernimmt|(?:ü|ue)bernommen|takes care of|taken care of|handled by|done by|provided by"
    r"|signed by|run by|macht (?:das|der|die|unser)|erledigt (?:das|der|die|unser)"
    r"|nur (?:der|die|unser\w*)|only (?:the|our|my)|(?:der|unser|the|my|our) (?:chef|boss|ceo|coo)"
    r"|gesch(?:ä|ae)ftsf(?:ü|ue)hr\w*|vorstand|muss (?:der|die)|has to|have to)\b",
    re.IGNORECASE,
)
# The capabilities are all four or nothing: "Außer Security decken wir alle ab" lacks them.
_EXCEPT = re.compile(
    r"\bau(?:ß|ss)er\b|\bexcept\b|\bapart from\b|\bbis auf\b|\bteilweise\b|\bzum teil\b|\bpartly\b|\bpartially\b",
    re.IGNORECASE,
)
# Buying a plan is not holding it yet: "jetzt kaufen wir ASfP – bisher haben wir noch keinen Plan".
_BUYING = re.compile(
    r"\b(?:kaufen|bestellen|buchen|erwerben) wir\b|\bwir (?:kaufen|bestellen|buchen|erwerben)\b"
    r"|\b(?:we(?:'re| are)|i'm|i am) (?:buying|ordering|purchasing|getting)\b"
    r"|\b(?:werden|wird)\b[^.!?\n]{0,40}?\b(?:kaufen|bestellen|buchen|erwerben|abschlie(?:ß|ss)en|holen)\b"
    r"|\b(?:ein)?geplant\b|\bvorgesehen\b|\bscheduled\b|\bplanned\b|\bbooked for\b|\bbudget\w*",
    re.IGNORECASE,
)
# Another company's status is not the partner's: "Unsere Schwesterfirma ist schon Direct Bill Partner".
_OTHER_COMPANY = re.compile(
    r"\b(?:schwester|mutter|tochter)(?:firma|gesellschaft|unternehmen|konzern)\w*|\bkonzernmutter\b"
    r"|\bnachbar\w*|\b(?:konkurrent|wettbewerber|mitbewerber|competitor)\w*|\bdown the road\b|\bnext door\b"
    # A customer as the subject: "Unser Kunde, die Müller GmbH, hat Premier Support".
    r"|^\W*(?:unser\w*|ein\w*|der|die|our|the|a|one of our)\s+(?:kunde|kundin|customer|client)s?\b"
    r"|\b(?:parent|sister|daughter) (?:company|firm|organi[sz]ation)\b|\bsubsidiar\w*|\baffiliate\w*",
    re.IGNORECASE,
)
# A double denial opening a sentence affirms what it names, up to a dash or semicolon.
_NOT_THAT = re.compile(
    r"^\W*(?:es ist\s+)?nicht\s+(?:so,?\s*)?(?:dass|als ob)\b|^\W*(?:it'?s|it is)\s+not\s+(?:that|like|as if)\b"
    r"|^\W*not that\b",
    re.IGNORECASE,
)
_PART_END = re.compile(r"\s+[–—-]\s+|\s*[–—;]\s*")
# "..., aber die ist seit Oktober inaktiv", "but it's been suspended": the thing just named.
_BUT_IT = re.compile(
    r"^\W*(?:aber|jedoch|but|however)\s+(?:die|der|das|sie|er|es|it|that|this|they)\b",
    re.IGNORECASE,
)
# A conclusion the writer draws at the end: "– damit ...", ", so the capabilities ...".
_CONCLUSION = re.compile(
    r"(?:[–—;,]|\s-\s)\s*(?:damit|also|daher|deshalb|somit|so|therefore|hence|thus)\b[^,;–—]*$",
    re.IGNORECASE,
)
# A condition up to a dash or semicolon governs only its part of the sentence.
_CONDITION_THEN = re.compile(
    r"^\W*(?:wenn|falls|sobald|sofern|if|once|as soon as|unless)\b[^;–—]*?(?:\s+[–—-]\s+|;\s*)",
    re.IGNORECASE,
)
# "none of them" denies what the sentence named before: "Wir überlegen, ob ASfP oder PSfP, haben
# aber keinen von beiden".
_NONE_OF_THEM = re.compile(
    r"\b(?:kein(?:e[ns]?)?|keins) (?:von (?:beiden|ihnen|den beiden)|davon)\b|\bnone of (?:them|those|these|the two)\b"
    r"|\bneither (?:of them|one)\b|n't (?:have |hold |own |got )?either\b|\bnot (?:have )?either\b",
    re.IGNORECASE,
)
# "Unser Nachbar-Systemhaus ... und hat PSfP": its later clauses too, until the partner speaks of itself.
_WE_SUBJECT = re.compile(r"\b(?:wir|ich|we|i|we're|i'm|we've|i've)\b", re.IGNORECASE)
# What could be, after "I think": "ich denke aber, dass wir das könnten", "though I think we could".
_HYPOTHETICAL = re.compile(
    r"\bk(?:ö|oe)nnte\w*|\bw(?:ü|ue)rde\w*|\bcould\b|\bwould\b|\bmight\b", re.IGNORECASE
)
# "Our distributor is a direct bill partner": the provider's status, not the partner's.
_PROVIDER_AS_SUBJECT = re.compile(
    r"^\W*(?:unser\w*|der|die|our|the)\s+(?:indirekte[rn]?\s+|indirect\s+)?(?:distribut\w*|disti|provider|anbieter)\b",
    re.IGNORECASE,
)
# Signing is the writer's own authority: "bei uns unterschreibt die Geschäftsführung" is someone else.
_MYSELF = re.compile(r"\b(?:ich|mir|mich|bin|i|i'm|me|myself)\b", re.IGNORECASE)
_OURSELVES = re.compile(
    r"\b(?:wir|uns|unser\w*|eigene\w*|selbst|selber|inhouse|in-house|we|us|our|own|ourselves|ich|myself)\b",
    re.IGNORECASE,
)
# A clause that asks, doubts or supposes states no fact. Question words are per language: German
# "was"/"wer" are English words too.
_NOT_A_STATEMENT = {
    "de": re.compile(
        r"\?|\bob\b|\bwenn\b|\bfalls\b|\bsobald\b|\bsofern\b|\bw(?:ü|ue)rde\w*|\bh(?:ä|ae)tte\w*|\bvielleicht\b|\beventuell\b"
        r"|\bwei(?:ß|ss)\b|\bnicht sicher\b|\bunsicher\b|\bkeine ahnung\b|\bunklar\b|\bkenne\w*|\bbegriff\w*"
        r"|\b(?:was|wie|wer|wen|wem|wann|welch\w*|warum|wieso|weshalb|wo|wof(?:ü|ue)r|woran|wodurch|womit)\b"
        r"|\bfinde\w*|\bverwechsl\w*|\blese\b|\bgelesen\b|\bgeh(?:ö|oe)rt\b|\bnichts sagen\b|\bnicht sagen\b",
        re.IGNORECASE,
    ),
    "en": re.compile(
        # "who"/"which" in mid-clause are relative ("the one who can sign"); "how long" asks.
        r"\?|\bwhether\b|\bif\b|\bonce\b|\bunless\b|\bwould\b|\bmaybe\b|\bperhaps\b|\bnot sure\b|\bunsure\b|\bno idea\b"
        r"|\bknows?\b|\bunclear\b|\bterm\b|\b(?:what|how|why|where)\b|\bwhat's\b|^\W*(?:who|whom|whose|which|when)\b"
        r"|\bfind\b|\bconfus\w*|\bmix(?:ed)? up\b|\bseeing\b|\bread about\b|\bheard\b|\bcan(?:'t|not) say\b",
        re.IGNORECASE,
    ),
}
# Talk about a requirement ("debitoren anforderung") states nothing unless it says it is met.
_REQUIREMENT_TALK = re.compile(
    r"\b(?:vorr?aussetzung|anforderung|kriterien|(?:ü|ue)bersicht|requirement|prerequisite|criteria|overview)\w*",
    re.IGNORECASE,
)
_MEETS = re.compile(
    r"\b(?:erf(?:ü|ue)ll|schaff|hab|hat|sind|meet|fulfil|satisf|have|has|are|is|were|was)\w*|n't\b",
    re.IGNORECASE,
)
# A sentence asks throughout when it opens with a question word or a modal verb ("muss man ...",
# "do we need ..."), talks about what a term means or how two compare, or ends in "?" without
# opening with its subject ("Deckt PSfP ... ab?"); in "Wir haben ASfP, reicht das?" only the last
# clause asks.
_ASKS_THROUGHOUT = {
    "de": re.compile(
        r"^\W*(?:(?:und|also|okay|ok|gut)\W+)?(?:was|wie|wer|wen|wem|wann|welch\w*|warum|wieso|weshalb|wo|wof(?:ü|ue)r|woran|in welch\w*"
        r"|muss|m(?:ü|ue)ssen|kann|k(?:ö|oe)nnen|darf|d(?:ü|ue)rfen|soll\w*|brauch\w*|ben(?:ö|oe)tig\w*)\b"
        r"|^\W*erkl(?:ä|ae)r\w*|\berkl(?:ä|ae)r(?:e|en|t)?\s+(?:mir|uns|bitte|mal|sie)\b|\bbedeut\w*|\bhei(?:ß|ss)t\b"
        r"|\bgemeint\b|\bunterschied\w*|\babk(?:ü|ue)rzung\w*|\bvs\b|\bversus\b"
        r"|\bnicht (?:ganz )?sicher\b|\bunsicher\b|\bwei(?:ß|ss) (?:ich )?nicht\b"
        # Checking one's understanding of a rule: "Ohne L1-Support keine direkte Abrechnung, stimmt das?"
        r"|\b(?:stimmt das|richtig|korrekt|oder|seh ich das richtig)\s*\?+\s*$"
        # Conditions suppose ("Wenn wir die Bonitätsprüfung bestehen, kaufen wir PSfP").
        r"|^\W*(?:wenn|falls|sobald|sofern|angenommen|gesetzt den fall)\b",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"^\W*(?:(?:so|and|ok|okay|right)\W+)?(?:what\w*|how|who|whom|whose|when|which|why|where|in what"
        r"|do|does|did|can|could|must|should|need|may|is|are|am|will)\b"
        r"|\bexplain\w*|\bmeans?\b|\bmeaning\b|\bdifference\b|\bstand for\b|\babbreviation\w*"
        r"|\bvs\b|\bversus\b|^\W*(?:if|once|as soon as|unless|suppose|supposing|assuming|say)\b|\bwhich (?:is|one|plan|of)\b"
        r"|\bnot (?:entirely |quite |100% )?(?:sure|certain)\b|\bunsure\b|\bdon'?t know\b"
        r"|\b(?:is that (?:right|correct|true|so)|right|correct|am i right|have i got that right)\s*\?+\s*$",
        re.IGNORECASE,
    ),
}
# A later clause that opens with a verb and its subject asks ("..., brauchen wir da eine PartnerID",
# "..., does that need its own partner id"); "und darf Verträge unterschreiben" states.
_ASKING_CLAUSE = {
    "de": re.compile(
        r"^\W*(?:muss|m(?:ü|ue)ssen|kann|k(?:ö|oe)nnen|darf|d(?:ü|ue)rfen|soll\w*|brauch\w*|ben(?:ö|oe)tig\w*"
        r"|ist|sind|gibt|gilt|z(?:ä|ae)hl\w*|reicht)\s+(?:wir|ich|man|sie|es|das|er|uns)\b",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"^\W*(?:do|does|did|can|could|must|should|is|are|will|would)\s+(?:we|i|you|it|that|this|they|one)\b",
        re.IGNORECASE,
    ),
}
# A question that opens with its verb asks in all its clauses ("Schaut sich Microsoft unsere
# Bonität an, bevor ...?"); in "Credit check passed, no plan yet – should we buy ASfP?" only the last.
_OPENS_WITH_VERB = {
    "de": re.compile(
        r"^\W*(?:muss|m(?:ü|ue)ssen|kann|k(?:ö|oe)nnen|darf|d(?:ü|ue)rfen|soll\w*|brauch\w*|ben(?:ö|oe)tig\w*|habe|haben"
        r"|hat|ist|sind|bin|gibt|gilt|gelten|z(?:ä|ae)hl\w*|reicht|l(?:ä|ae)uft|schaut|pr(?:ü|ue)ft|deckt|geht|wird|werden"
        r"|lohnt|bekomm\w*|kriegen|stimmt|passt|akzeptiert|verlangt|verifiziert|(?:ü|ue)berpr(?:ü|ue)ft|checkt|braucht|m(?:ü|ue)sste\w*|k(?:ö|oe)nnte\w*|d(?:ü|ue)rfte\w*)\b",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"^\W*(?:do|does|did|can|could|must|should|need|may|is|are|am|will|would|have|has|was|were|shall)\b",
        re.IGNORECASE,
    ),
}
# ... and a clause about a plan or a need ("wir wollen ASfP kaufen", "we need PSfP") neither.
_NOT_YET_A_FACT = re.compile(
    r"\bwollen\b|\bwill\b|\bm(?:ö|oe)chte\w*|\bplanen\b|\bvorhaben\b|\bwerden\s*[.!]*$|\bbecome\b|\bbecoming\b"
    r"|\bwant\w*|\bplan(?:ning)? to\b|\bgoing to\b|'ll\b|’ll\b|\bintend\w*|\bwould like\b|\b'd like\b"
    r"|\b(?:ü|ue)berleg\w*|\bk(?:ü|ue)nftig\w*|\bzuk(?:ü|ue)nftig\w*|\bdemn(?:ä|ae)chst\b|\bsp(?:ä|ae)ter\b"
    r"|\bthinking (?:about|of)\b|\bconsider\w*|\bin (?:the )?future\b|\bnext (?:week|month|quarter|year)\b"
    r"|\b(?:n(?:ä|ae)chst|kommend)\w*\s+(?:woche|monat|quartal|jahr)\b|\bhop(?:e|es|ing)\b|\bhoffe\w*"
    # What was once so ("Wir waren mal Direct-Bill-Partner", "we used to have PSfP") is not so now.
    r"|\b(?:waren|war|hatten|hatte|were|was|had)\b[^.!?\n]{0,80}?\b(?:mal|fr(?:ü|ue)her|ehemals|einmal|formerly|previously|at one point)\b"
    r"|\b(?:fr(?:ü|ue)her\w*|ehemalig\w*|ehemals|damals|formerly|previously|former)\b[^.!?\n]{0,80}?\b(?:waren|war|hatten|hatte|hat|haben|were|was|had|has|have)\b"
    r"|\b(?:previous|former|last|old) (?:job|employer|company|role|position)\b"
    r"|\b(?:fr(?:ü|ue)her\w*|ehemalig\w*|vorherig\w*|alte[nmr]?) (?:arbeitgeber|firma|job|stelle|position)\w*"
    r"|\babout to\b|\bim begriff\b|\bschwank\w*|\b(?:decid|choos|pick)\w* between\b|\b(?:entscheid|w(?:ä|ae)hl)\w* (?:uns )?zwischen\b"
    # A start still to come: "Ab Januar machen wir den Support selbst", "starting next month".
    r"|^\W*(?:ab|starting|from|as of)\s+(?:(?:dem\s+)?(?:n(?:ä|ae)chste|kommende)\w*\s+\w+|next\s+\w+|januar|februar|m(?:ä|ae)rz"
    r"|april|mai|juni|juli|august|september|oktober|november|dezember|january|february|march|may|june|july|october|december)\b"
    r"|\bused to\b|\bbevor\b|\bbefore\b(?!\s+(?:the|our|an?)\b)|\blater\b|\bdecided\b|\bentschieden\b|\bbeschlossen\b",
    re.IGNORECASE,
)
# "erst" with a time to come means not yet: "Den Helpdesk bauen wir erst nächstes Jahr auf",
# "die Unterlagen reichen wir erst morgen ein" -- unlike a plan alone, which states nothing.
_NOT_UNTIL = re.compile(
    r"\berst\b[^.!?\n]{0,60}?\b(?:sp(?:ä|ae)ter|morgen|(?:n(?:ä|ae)chste|kommende)\w*\s+(?:woche|monat|jahr|quartal)"
    r"|im\s+(?:laufe|lauf)\b|in\s+(?:ein\w*|zwei|drei|\d+)\s+(?:tag|woche|monat|jahr)\w*|ab\s+\w+"
    # "... schließen wir erst nach der Bonitätsprüfung ab": after a step still to come.
    r"|nach\s+(?:de[mnr]|einer?|unsere[mr]|bestandener)\b)\b",
    re.IGNORECASE,
)
# A writer who says they are unsure states nothing in that sentence ("Ich glaube, der Chef hat
# Prokura", "Vermutlich ist die Bonitätsprüfung schon durch", "I think our credit check went through").
_UNSURE = {
    "de": re.compile(
        r"\b(?:ich\s+(?:glaube|denke|schätze|schaetze|vermute)|(?:glaube|denke|schätze|schaetze|vermute)\s+ich"
        r"|wahrscheinlich|vermutlich|angeblich|m(?:ö|oe)glicherweise|anscheinend"
        # Hearsay and a cautious "should be": "Soweit ich weiß, ...", "Laut unserem Distributor ...",
        # "damit dürften die Capabilities erfüllt sein".
        r"|soweit ich wei(?:ß|ss)|meines wissens|laut (?:unsere[mnr]?|de[mr]|ihre[mr]?)|d(?:ü|ue)rfte(?:n)?"
        # Restating a rule: "Der Supportplan kommt erst danach, das ist mir klar."
        r"|(?:ist|war) mir (?:schon )?klar|ich verstehe|verstehe ich"
        r"|(?:hat|haben) (?:uns|mir) (?:\w+ )?gesagt|sagt,|meint,|sagt(?:e)? (?:uns|mir))\b",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"\b(?:i\s+(?:think|believe|guess|suppose|reckon)|probably|presumably|possibly|apparently|supposedly"
        r"|as far as i (?:know|can tell)|afaik|according to|to my knowledge"
        r"|should (?:be|all be) (?:fine|ok|okay|met|covered|good|in place)|i understand|i get (?:it|that)"
        # What someone else says: "our distributor told us ...", "my boss says ...".
        r"|(?:told|tells) (?:us|me)|(?:says|said) (?:that |we |we're )|(?:heard|hear) (?:that|we))\b",
        re.IGNORECASE,
    ),
}
_ID_WORDS = re.compile(r"partner[- ]?id|mpn", re.IGNORECASE)
_STATUS = re.compile(
    r"\baktiv\w*|\bactive\b|\bg(?:ü|ue|u)ltig\b|\bvalid\b|\bl(?:ä|ae|a)uft\b|\bverl(?:ä|ae|a)ngert\b|\brenewed\b"
    r"|\bhab\w*|\bhat\b|\bhave\b|\bhas\b|'ve\b|\bgot\b|\bsind\b|\bbin\b|\bare\b|'re\b|\bam\b|\bbesitz\w*|\bvorhanden\b|\bin place\b|\bgood standing\b",
    re.IGNORECASE,
)
# A sentence ends at a line break, at ! or ?, and at a full stop before a capital or the end
# ("v. a. bei", "z. B.", "520.000 USD" do not end one) -- or, as chat is typed, before a small
# letter when the word before it is no abbreviation ("billing too. no support plan").
_ABBREVIATIONS = "bzw usw inkl ggf evtl bspw zzgl etc mio mrd vgl ggü abs approx incl resp max min ltd inc corp dept"
_NOT_AN_END_BEFORE_SMALL = "".join(rf"(?<!\b{word}\.)" for word in _ABBREVIATIONS.split())
_SENTENCES = re.compile(
    r"(?:[^.!?\n]|\.+(?!\s+[A-ZÄÖÜ]|\s*$|\s*\n)"
    rf"(?!(?<=[a-zäöüß]{{3}}\.){_NOT_AN_END_BEFORE_SMALL}\s+[a-zäöü]))+[.!?]*"
)


# "Ob wir First-Level-Support leisten? Klar, ...", "Do we provide first-line support? Of course":
# the writer's own question about a fact, answered by the next sentence.
_ASKS_ABOUT_US = re.compile(
    r"^\W*(?:ob wir|haben wir|machen wir|leisten wir|bieten wir|sind wir|do we|are we|have we|did we)\b",
    re.IGNORECASE,
)


def sentences(text: str) -> list[str]:
    """The sentences of a message, as the statement rules split them."""
    return [match.group() for match in _SENTENCES.finditer(text or "")]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where each of `sentences(text)` starts and ends in `text`."""
    return [match.span() for match in _SENTENCES.finditer(text or "")]


# Clauses: negation reaches up to a comma, semicolon, dash or a coordinating word.
# Whitespace before a break is matched only from its first character: tried from every character
# of a long run of spaces, the search would take quadratic time.
_CLAUSE_BREAK = re.compile(
    r"(?<=[✔✓✅☑✖✗✘❌])\s*|(?:(?<!\s)\s*)?[,;:–—]\s*|(?<!\s)\s+-\s+|(?<!\s)\s+(?:aber|jedoch|sondern|und|sowie|plus|but|however|whereas|while|and|außerdem|ausserdem)\s+",
    re.IGNORECASE,
)
_CONTRAST = re.compile(r"\W*(?:aber|jedoch|sondern|but|however|whereas|while)\b", re.IGNORECASE)
_INFINITIVE = re.compile(
    r"\bzu\s+\w+\W*$|\b(?:ab|an|auf|aus|ein|mit|nach|vor|zur(?:ü|ue)ck|weiter|um|her|hin)zu\w+en\W*$",
    re.IGNORECASE,
)
# What is left of a clause that only names facts ("Prokura und Helpdesk haben wir nicht").
_FILLER = re.compile(
    r"\b(?:der|die|das|den|dem|des|ein\w*|unser\w*|eigene\w*|auch|the|a|an|our|own|also|too|ja|yes|ok)\b|[^\w]+",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Statement:
    """One stated fact: entity `has`/`lacks` with a fact key, or `support_plan` with a plan."""

    entity: str
    value: str
    start: int
    end: int
    text: str
    # The clause that decided it (its negation scope).
    clause: str = ""


@dataclass
class _Mention:
    key: str
    start: int
    end: int


def _mentions(text: str, offset: int) -> list[_Mention]:
    found: list[_Mention] = []
    taken = bytearray(len(text))  # characters already claimed by an earlier pattern
    for key, pattern in _ALL:
        for match in pattern.finditer(text):
            # A pattern may need context that is not the fact's name: its group "name" is.
            group = next((name for name, value in match.groupdict().items() if value), 0)
            start, end = match.start(group), match.end(group)
            if any(taken[start:end]):
                continue
            taken[start:end] = b"\x01" * (end - start)
            found.append(_Mention(key, start + offset, end + offset))
    return sorted(found, key=lambda m: m.start)


# A failure denied is a pass: "Durchgefallen sind wir nicht", "the credit check wasn't rejected".
_FAILURE_DENIED = re.compile(
    r"\b(?:durchgefallen|abgelehnt|failed|rejected|declined|denied)\b[^.,;!?]{0,40}?(?:\bnicht\b|\bnot\b|n't\b)"
    r"|(?:\bnicht\b|\bnot\b|n't\b|\bnever\b|\bnie\b)[^.,;!?]{0,40}?\b(?:durchgefallen|abgelehnt|failed|rejected|declined|denied)\b",
    re.IGNORECASE,
)


# The step named in "erst nach der Bonitätsprüfung" is when, not a fact: its status is not said.
# So is the step in "vor der Bonitätsprüfung gekauft", "before the credit check"; "bought PSfP
# after the credit check" says it was passed.
_STEP_WINDOW = 40  # characters: "erst nach unserer " and room to spare
_STEP_TO_COME = re.compile(
    r"\b(?:erst\s+nach|vor|bis zu[mr]?|before|until|till)\s+(?:de[mnr]|einer?|unsere[mr]|the|our|an?)\s*$",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=4096)
def _negated(clause: str, key: str) -> bool:
    cleared = _NOT_NEGATING.sub(" ", _FAILURE_DENIED.sub(" ", clause))
    if _NEGATION.search(cleared) or _NOT_UNTIL.search(cleared):
        return True
    ourselves = _MYSELF if key == "signing_authority" else _OURSELVES
    if _SOMEONE_ELSE.search(cleared) and not ourselves.search(cleared):
        return True
    if key == "capabilities" and (_NOT_YET_ASSESSED.search(cleared) or _EXCEPT.search(cleared)):
        return True
    return key in _PENDING_FACTS and bool(_PENDING.search(cleared))


def _named_only(piece: str) -> bool:
    if _NEGATION.search(piece) or _AFFIRMED.search(piece):
        return False
    return bool(_mentions(piece, 0)) and not _FILLER.sub("", _strip_mentions(piece)).strip()


def _names_with_answer(piece: str) -> bool:
    """ "Direct Bill: nein", "Direct bill: no, indirect": only names and a yes or no."""
    rest = _FILLER.sub("", _AFFIRMED.sub("", _NEGATION.sub("", _strip_mentions(piece))))
    return bool(_mentions(piece, 0)) and not rest.replace("indirekt", "").replace("indirect", "")


# "Debitoren ja, Capabilities nein": a name with its own yes is a statement of its own.
_AFFIRMED = re.compile(r"\b(?:ja|yes|yep|jep|jo)\b|✔|✓|✅|☑", re.IGNORECASE)
_JOINS_PRECEDING = re.compile(r"^\s*(?:und|sowie|plus|and)\s*$", re.IGNORECASE)


def _inside_names(sentence: str) -> bytearray:
    """Which characters lie inside a name; a name that spans a separator ("bill and provision",
    the four capabilities) is not split there."""
    inside = bytearray(len(sentence))
    for _, pattern in _ALL:
        for match in pattern.finditer(sentence):
            inside[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
    return inside


def _clauses(sentence: str, offset: int, lang: str) -> list[tuple[str, int, str]]:
    """(clause, offset, negation scope) for each clause of a sentence.

    Linear in the sentence's length: a huge message must not take quadratic time.
    """
    inside = _inside_names(sentence)
    pieces: list[list] = []  # [start, end, separator before it]
    position, separator_before = 0, ""
    for separator in _CLAUSE_BREAK.finditer(sentence):
        if separator.start() < len(inside) and inside[separator.start()]:
            continue
        pieces.append([position, separator.start(), separator_before])
        position, separator_before = separator.end(), separator.group()
    pieces.append([position, len(sentence), separator_before])

    # "..., Verträge zu unterzeichnen" completes the clause before it; so does a short tail
    # without a fact of its own ("partnerid ist aber | aktiv", "haben wir aber | keinen").
    merged: list[list] = []
    for start, end, before in pieces:
        text = sentence[start:end]
        words = len(text.split())
        short_tail = (
            (words <= 2 or (words <= 4 and _NEGATION.search(text)))
            and not _mentions(text, 0)
            and not _skipped(text, lang)
            and not _NONE_OF_THEM.search(text)
        )
        if merged and (_INFINITIVE.search(text) or short_tail):
            merged[-1][1] = end
        else:
            merged.append([start, end, before])
    texts = [sentence[start:end] for start, end, _ in merged]
    named = [_named_only(text) for text in texts]
    contrast = [
        bool(_CONTRAST.match(before.strip(" ,;:–—-") + " " + text.lstrip()))
        for (_, _, before), text in zip(merged, texts, strict=True)
    ]

    # A clause that only names facts takes the negation of the clause it belongs to: the next one
    # in "Prokura und Helpdesk haben wir nicht", the one before in "Wir haben X, Y und Z" and in
    # "..., einen Helpdesk, aber die Bonitätsprüfung steht noch aus".
    count = len(merged)
    following: list[int | None] = [None] * count
    contrast_before_following = [False] * count
    for index in range(count - 2, -1, -1):
        after = index + 1
        following[index] = following[after] if named[after] else after
        contrast_before_following[index] = contrast[after] or (
            named[after] and contrast_before_following[after]
        )
    preceding: list[int | None] = [None] * count
    for index in range(1, count):
        before = index - 1
        preceding[index] = preceding[before] if named[before] else before
    scopes = list(texts)
    for index in range(count):
        # "..., habe aber Einzelprokura": a name after a contrast is not the clause before it.
        if not named[index] or contrast[index]:
            continue
        joined = preceding[index] is not None and _JOINS_PRECEDING.match(merged[index][2])
        if following[index] is not None and not contrast_before_following[index] and not joined:
            scopes[index] = texts[following[index]]
        elif preceding[index] is not None:
            scopes[index] = texts[preceding[index]]
    return [
        (text, offset + start, scope)
        for (start, _, _), text, scope in zip(merged, texts, scopes, strict=True)
    ]


def _strip_mentions(text: str) -> str:
    kept, position = [], 0
    for mention in _mentions(text, 0):
        kept.append(text[position : mention.start])
        position = mention.end
    return " ".join([*kept, text[position:]])


def _states_status(mention_text: str, scope: str) -> bool:
    """A PartnerID given as a number is not a statement that it is active."""
    return not _ID_WORDS.search(mention_text) or bool(
        _STATUS.search(scope) or _AFFIRMED.search(scope)
    )


def _asks_throughout(sentence: str, lang: str) -> bool:
    if _ASKS_THROUGHOUT[lang].search(sentence):
        return True
    return sentence.rstrip().endswith("?") and bool(_OPENS_WITH_VERB[lang].search(sentence))


@functools.lru_cache(maxsize=4096)
def _skipped(scope: str, lang: str) -> bool:
    """A clause that asks, supposes, plans or only talks about a requirement states nothing."""
    return bool(
        _NOT_A_STATEMENT[lang].search(scope)
        or (_REQUIREMENT_TALK.search(scope) and not _MEETS.search(scope))
        or (_NOT_YET_A_FACT.search(scope) and not _NOT_UNTIL.search(scope))
        or _ASKING_CLAUSE[lang].search(scope)
    )


def extract_statements(text: str, lang: str) -> list[Statement]:
    """The facts a message in `lang` ("de"/"en") states, in order.

    Each fact once: within a sentence a "lacks" outweighs a "has" ("Bei den Capabilities fehlt
    einiges, vor allem im Bereich Security"), across sentences the last counts (a correction).
    """
    text = blank_long_runs(text or "")
    facts: dict[str, Statement] = {}
    plans: list[tuple[str, bool, _Mention, str]] = []
    # "Supportplan? Haben wir nicht.": a name asked about alone is answered by the next sentence.
    raised: list[_Mention] = []
    for sentence in _SENTENCES.finditer(text):
        words = sentence.group()
        if words.rstrip().endswith("?") and (
            _named_only(words.rstrip(" ?")) or _ASKS_ABOUT_US.match(words)
        ):
            raised = _mentions(words, sentence.start())
            continue
        offset = sentence.start()
        condition = _CONDITION_THEN.match(words)
        if condition and not _asks_throughout(words[condition.end() :], lang):
            # "Wenn alles klappt, ... ab Q3 – bis dahin bleiben wir indirekt": what follows holds.
            words, offset = words[condition.end() :], offset + condition.end()
        not_that = _NOT_THAT.match(words)
        if not_that:
            # "Es ist nicht so, dass wir keine PartnerID hätten – die ist aktiv": denied twice.
            end = _PART_END.search(words, not_that.end())
            cut = end.end() if end else len(words)
            for mention in _mentions(words[:cut], offset):
                if mention.key in _PLANS:
                    plans.append((mention.key, False, mention, words[:cut]))
                elif mention.key not in ("topic", "indirect_today"):
                    facts.pop(mention.key, None)
                    facts[mention.key] = Statement(
                        HAS, mention.key, mention.start, mention.end,
                        text[mention.start : mention.end], words[:cut],
                    )  # fmt: skip
            words, offset = words[cut:], offset + cut
        if _asks_throughout(words, lang):
            raised = []
            continue
        unsure = _UNSURE[lang].search(words)
        if unsure:
            head = words[: unsure.start()]
            conclusion = _CONCLUSION.search(head)
            if conclusion and _mentions(head[: conclusion.start()], 0):
                # "..., den Support machen wir selbst – damit dürften die Capabilities erfüllt
                # sein": unsure only of the conclusion drawn.
                words = head[: conclusion.start()]
            elif _mentions(head, 0) and _HYPOTHETICAL.search(words, unsure.end()):
                # "..., ich denke aber, dass wir das könnten": unsure only of what could be.
                words = head
            else:
                raised = []
                continue
        carried_other = False  # another company is the subject until "wir"/"we" takes over
        seen: set[str] = set()
        earlier: list[_Mention] = []  # named so far in this sentence, asked about or not
        last_named: list[_Mention] = []  # named by the latest clause that named anything
        for index, (piece, start, scope) in enumerate(_clauses(words, offset, lang)):
            named = _mentions(piece, start)
            if named:
                mentions = named
            elif _NONE_OF_THEM.search(piece):
                mentions = list(earlier)  # "..., haben bisher aber keinen von beiden"
            elif _BUT_IT.match(piece):
                mentions = list(last_named)  # "Wir haben zwar eine PartnerID, aber die ist inaktiv"
            else:
                mentions = []
            earlier.extend(named)  # in place: a sentence may have thousands of clauses
            last_named = named or last_named
            if _skipped(scope, lang):
                continue
            raised_here: list[_Mention] = []
            if index == 0:
                mentions, raised_here, raised = raised + mentions, raised, []
            # Per clause, not per mention: a clause may name thousands of facts.
            buying, other_company = bool(_BUYING.search(scope)), bool(_OTHER_COMPANY.search(scope))
            if other_company:
                carried_other = True
            elif carried_other and _WE_SUBJECT.search(scope):
                carried_other = False
            other_company = other_company or carried_other
            for mention in mentions:
                # The few words before it, not the whole clause: a clause may be huge.
                before = text[max(start, mention.start - _STEP_WINDOW) : mention.start]
                if _STEP_TO_COME.search(before):
                    continue
                key, negated = mention.key, _negated(scope, mention.key)
                if key == "topic":
                    # "Direct Bill: nein", "Direct Bill? Nee, sind wir nicht": the status asked about.
                    if not (_names_with_answer(piece) or mention in raised_here):
                        continue
                    key = "is_direct_bill_partner"
                if key in _PLANS and buying:
                    continue
                if key != "indirect_today" and other_company:
                    continue
                if (
                    key == "is_direct_bill_partner"
                    and _PROVIDER_AS_SUBJECT.search(scope)
                    and not _EXPLICIT_NEGATION.search(scope)
                ):
                    continue
                if key in _PLANS:
                    plans.append((key, negated, mention, scope))
                    continue
                if key == "indirect_today":
                    if _EXPLICIT_NEGATION.search(scope):
                        continue
                    key, negated = "is_direct_bill_partner", True
                mentioned = text[mention.start : mention.end]
                if not (negated or _states_status(mentioned, scope)):
                    continue
                if key in seen and (facts[key].entity == LACKS or not negated):
                    continue
                seen.add(key)
                facts.pop(key, None)
                facts[key] = Statement(
                    LACKS if negated else HAS, key, mention.start, mention.end, mentioned, scope
                )
    statements = sorted(facts.values(), key=lambda s: s.start)
    plan = _plan(plans, text)
    return sorted([*statements, plan], key=lambda s: s.start) if plan else statements


def _plan(plans: list[tuple[str, bool, _Mention, str]], text: str) -> Statement | None:
    """A named plan stated as held wins; plans only denied mean none; "a plan" alone says nothing."""
    held = [(key, m, scope) for key, negated, m, scope in plans if not negated and key != "plan"]
    denied = [(m, scope) for _, negated, m, scope in plans if negated]
    if held:
        key, mention, scope = held[-1]
    elif denied:
        key, (mention, scope) = "none", denied[0]
    else:
        return None
    return Statement(
        SUPPORT_PLAN, key, mention.start, mention.end, text[mention.start : mention.end], scope
    )


# A message classified as a question about the rules may still state facts ("Unser Distributor
# schreibt bisher die Rechnungen, was müssen wir ändern?", "Credit Check ist durch ✔"); a bare
# topic ("asfp erklärung", "Credit check: days, weeks or months?") states none. A statement there
# needs the asker or a predicate in its clause.
_ABOUT_ONESELF = re.compile(
    r"\b(?:wir|ich|uns|unser\w*|mein\w*|we|i|our|my|us)\b|\b(?:i|we)'(?:m|re|ve|d)\b", re.IGNORECASE
)
_PREDICATE = re.compile(
    r"\b(?:hab\w*|hat|hamma|ham|sind|ist|is|are|was|were|have|has|had|got|wurde\w*|been"
    r"|bestanden|passed|durch|through|thru|erf(?:ü|ue)ll\w*|met|meet\w*|vorhanden|da|in place|gekauft|bought"
    r"|gebucht|booked|l(?:ä|ae)uft|runs?|mach\w*|do|does|done|biete\w*|provide\w*|offer\w*|betreib\w*"
    r"|handle\w*|covered|abgedeckt|gepr(?:ü|ue)ft|checked|verified|assessed|bewertet|abgehakt|selbst"
    r"|ourselves|declined|abgelehnt|ja|yes|jo|yep)\b|[✔✓✅☑✖✗✘❌]",
    re.IGNORECASE,
)


def statements_in_question(statements: list[Statement]) -> list[Statement]:
    """The statements of a message classified as a question about the rules (a FAQ)."""

    def stated(s: Statement) -> bool:
        return bool(
            _ABOUT_ONESELF.search(s.clause)
            or _PREDICATE.search(s.clause)
            or _NEGATION.search(s.clause)
            or _STATUS.search(s.clause)
        )

    facts = [s for s in statements if s.entity != SUPPORT_PLAN and stated(s)]
    # A plan named beside other statements is one too ("Kein PSfP, aber ASfP", "Plan: ASfP").
    plans = [s for s in statements if s.entity == SUPPORT_PLAN and (facts or stated(s))]
    return sorted(facts + plans, key=lambda s: s.start)


# --- a short reply to the form's question -------------------------------------------------------

# Replies to a yes/no question that name no fact: "Ja, den bieten wir", "yes, that we offer",
# "sicher", "haben wir nicht". They answer the question asked, whatever the intent classifier
# chose; the fact's own negation rules decide (so "läuft noch" to the credit-check question is
# not passed, and "das macht unser Distributor" to the support question is no).
_YES_WORDS = (
    r"ja|jap+|jo|jau|jawohl|jep|jup|genau|klar|sicher|sicherlich|bestimmt|nat(?:ü|ue)rlich"
    r"|selbstverst(?:ä|ae)ndlich|freilich|korrekt|richtig|stimmt|absolut|logo|gewiss|durchaus"
    r"|auf jeden fall|passt|yes|yeah|yea|yep|yup|sure|of course|certainly|definitely|absolutely"
    r"|correct|right|indeed|affirmative|true|exactly"
)
_YES_SIGNS = r"👍|✔|✓|✅|☑"
_NO_WORDS = (
    r"nein|nee|ne|n(?:ö|oe)|nope|nah|no|not|nicht|kein\w*|none|never|nie|niemals|negative"
    r"|leider|unfortunately|sadly|auf keinen fall|keinesfalls"
)
_NO_SIGNS = r"👎|❌|✖|✗|✘"
# "Na klar", "aber sicher", "oh yes": a particle before the yes word ("na ja" hesitates: no yes).
_YES_PARTICLE = r"(?:(?:na|aber|oh|why)\s+(?!ja\b))?"
_OPENS_YES = re.compile(rf"^\W*{_YES_PARTICLE}(?:(?:{_YES_WORDS})\b|{_YES_SIGNS})", re.IGNORECASE)
# "Natürlich nicht", "absolutely not": a yes word that a negation follows at once.
_OPENS_YES_NOT = re.compile(
    rf"^\W*{_YES_PARTICLE}(?:{_YES_WORDS})\s+(?:nicht|not)\b", re.IGNORECASE
)
_OPENS_NO = re.compile(rf"^\W*(?:(?:{_NO_WORDS})\b|{_NO_SIGNS})", re.IGNORECASE)
# Without a yes or no word first, only a bare verb phrase answers: "Haben wir", "Bieten wir an",
# "We do", "Das macht unser Distributor". Longer replies say more than yes or no.
_BARE_ANSWER_MAX_WORDS = 4
_ANSWER_MAX_WORDS = 15
# A verb and its subject confirm: "Können wir.", "Darf ich.", "we can", "I am".
_CONFIRMING_VERB = re.compile(
    r"\b(?:(?:kann|k(?:ö|oe)nnen|darf|d(?:ü|ue)rfen|tun|tue|bin|sind)\s+(?:wir|ich)|(?:we|i) (?:can|am|are))\b",
    re.IGNORECASE,
)
# Half answers are left to the intent classifier: "kann sein", "teilweise", "I guess", "probably".
_HEDGES = re.compile(
    r"\bkann sein\b|\bk(?:ö|oe)nnte\b|\bwahrscheinlich\b|\bvermutlich\b|\bevtl\b|\bteilweise\b|\bzum teil\b"
    r"|\bglaube\b|\bdenke\b|\bmehr oder weniger\b|\bprobably\b|\bpossibly\b|\bpartly\b|\bpartially\b"
    r"|\bkind of\b|\bsort of\b|\bmore or less\b|\bguess\b|\bi think\b|\bi believe\b|\bmostly\b"
    r"|\bgr(?:ö|oe)(?:ß|ss)tenteils\b|^\W*na\s*ja\W*$",
    re.IGNORECASE,
)
_TRAILING_JOIN = re.compile(
    r"(?:[\s,;:.!–—-]+|\b(?:und|sowie|plus|aber|auch|and|but|also)\b)*$", re.IGNORECASE
)


def short_answer(text: str, lang: str, fact: str) -> bool | None:
    """Whether a short reply affirms (True) or denies (False) the yes/no question about `fact`;
    None where it does not answer it (a question, a doubt, a plan, a longer statement about
    something else, or a yes that its own words contradict).

    Only the words before any fact the reply names count ("Ja, und ASfP haben wir auch" -> yes);
    a reply that opens with a fact is a statement about that fact, read by `extract_statements`.
    Without a question mark, a verb first is a German answer, not a question ("Können wir.",
    "Darf ich."), so `_ASKING_CLAUSE` does not apply here.
    """
    text = text or ""
    if "?" in text:
        return None
    mentions = _mentions(text, 0)
    scope = _TRAILING_JOIN.sub("", text[: mentions[0].start] if mentions else text).strip()
    words = len(scope.split())
    if not scope or words > _ANSWER_MAX_WORDS:
        return None
    if (
        _NOT_A_STATEMENT[lang].search(scope)
        or _NOT_YET_A_FACT.search(scope)
        or _HEDGES.search(scope)
    ):
        return None
    negated = _negated(scope, fact)
    # "Kein Problem", "no worries" open with a yes.
    opening = _NOT_NEGATING.sub("ja", scope)
    if _OPENS_YES_NOT.match(opening):
        return False
    if _OPENS_YES.match(opening):
        return None if negated else True
    if _OPENS_NO.match(opening):
        return False
    # "Still waiting on it" to the credit-check question: not passed yet.
    if fact in _PENDING_FACTS and _PENDING.search(scope) and not mentions:
        return False
    # Without a yes or no first, words in the clause of another fact are part of that statement
    # ("Nobody here can sign ..." to the PartnerID question), not an answer.
    if mentions and not _CLAUSE_BREAK.search(text[: mentions[0].start]):
        return None
    if words > _BARE_ANSWER_MAX_WORDS:
        return None
    if negated:
        return False
    if _PREDICATE.search(scope) or _CONFIRMING_VERB.search(scope):
        return True
    return None
