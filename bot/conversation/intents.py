"""Every intent name the Python code uses, and the groups of intents it decides by.

The intents themselves are declared in domain.yml, taught in data/nlu/ and used by the dialogue in
data/rules.yml and data/stories.yml; Python code names them only through this module
(tests/conversation/test_intent_names.py holds the two together).
"""

from __future__ import annotations

import json

# Retrieval intent: a question about the requirements, read as "faq/<topic>". Only the intent is a
# name of the code's; the topics are data (data/nlu/*/faq*.yml, the responses in domain.yml).
FAQ = "faq"
# The form's answers: a value, yes, no, "I don't know".
INFORM = "inform"
AFFIRM = "affirm"
DENY = "deny"
DONT_KNOW = "dont_know"
# "Am I eligible?" and "What do I still lack?".
ASK_ELIGIBILITY = "ask_eligibility"
ASK_MISSING = "ask_missing"
SWITCH_LANGUAGE = "switch_language"
GREET = "greet"
GOODBYE = "goodbye"
THANKS = "thanks"
HELP = "help"
OUT_OF_SCOPE = "out_of_scope"
BOT_CHALLENGE = "bot_challenge"
STOP = "stop"
START_OVER = "start_over"
FORGET_ME = "forget_me"
STAFF_LOOKUP = "staff_lookup"
# Rasa's own (FallbackClassifier), not declared in domain.yml.
NLU_FALLBACK = "nlu_fallback"

# Intents that answer the form's question asked: anything else (a FAQ, "stop") is not an answer.
ANSWER_INTENTS = frozenset({INFORM, AFFIRM, DENY, DONT_KNOW})
# Intents on which data/rules.yml starts or reports the partner's own check (affirm: to an offer).
CHECK_INTENTS = frozenset({INFORM, ASK_ELIGIBILITY, ASK_MISSING, AFFIRM})
# Intents that state no facts of the partner's own: staff look up another's; "no idea" says none.
NOT_ONES_OWN_FACTS = frozenset({STAFF_LOOKUP, DONT_KNOW})


def payload(intent: str, **entities: object) -> str:
    """The message that names `intent` (and its entities) itself, as a button sends it: "/affirm",
    '/inform{"support_plan": "psfp"}'. Rasa's RegexMessageHandler gives it that intent, whatever
    the classifier read."""
    return f"/{intent}{json.dumps(entities) if entities else ''}"
