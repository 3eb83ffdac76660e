"""Whether a figure in a message is the partner's own or part of a question about the rules.

"Gilt die neue Grenze von 1 Million schon?", "do we need 12 months as an indirect reseller?",
"und wenn wir in 2 Monaten nochmal fragen?": the figure is the rule's, or a case supposed, not a
fact of the partner's. "Sind wir mit 350.000 USD Umsatz berechtigt?" states the figure while
asking: a question about eligibility keeps it, as does one that says what the partner has.
"""

from __future__ import annotations

import re

from bot.nlu.statements import sentence_spans

# A question about what the rules ask for, or a case supposed.
_RULE_OR_SUPPOSED = re.compile(
    r"(?<!\w)(?:grenze|schwelle|limit|threshold|minimum|mindest\w*|braucht?|brauchen|"
    r"ben(?:ö|oe)tig\w*|muss|m(?:ü|ue)ssen|erforderlich|verlangt|need|needs|needed|require[sd]?|"
    r"required|must|have\s+to|has\s+to|wenn|falls|angenommen|sofern|if|suppose|supposing|"
    r"assuming|hypothetically|hypothetisch|w(?:ä|ae)re|w(?:ä|ae)ren|would|gilt|gelten|applies|apply)"
    r"(?!\w)",
    re.IGNORECASE,
)
# A sentence that supposes a case.
_SUPPOSED = re.compile(r"(?<!\w)(?:wenn|falls|angenommen|sofern|if|suppose|assuming)(?!\w)", re.I)
# The partner says what it has or is, in the same sentence (German puts the verb last: "wenn
# wir 350.000 USD Umsatz haben").
_OWN = re.compile(
    r"(?<!\w)(?:unser\w*|our|ours|bei\s+uns|mein\w*|my|seit|since|we've|we're|i've|"
    r"(?:wir|ich)(?:\s+[^\s?!]+){0,6}?\s+(?:haben|hatten|hab|habe|sind|waren|machen|machten|"
    r"erzielen|erzielten|erzielt|betreiben|bieten|verkaufen|liegen|lagen)|"
    # "must we have", "do we need to have" ask; "we have" says.
    r"(?<!must\s)(?<!should\s)(?<!shall\s)(?<!would\s)(?<!could\s)(?<!do\s)(?<!does\s)"
    r"(?:we|i)\s+(?:have|had|made|make|run|offer|sell|are|were|did|do\s+have))(?!\w)",
    re.IGNORECASE,
)


def in_rule_question(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] lies in a question about the rules or a supposed case (and the
    sentence does not say what the partner has)."""
    for begin, finish in sentence_spans(text):
        if not (begin <= start and end <= finish):
            continue
        sentence = text[begin:finish]
        asked = sentence.rstrip().endswith("?") or bool(_SUPPOSED.search(sentence))
        return asked and bool(_RULE_OR_SUPPOSED.search(sentence)) and not _OWN.search(sentence)
    return False
