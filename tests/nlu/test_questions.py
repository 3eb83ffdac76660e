"""A figure in a question about the rules, or in a supposed case, is not the partner's."""

from __future__ import annotations

import pytest

from bot.nlu.questions import in_rule_question

CASES = [
    # (text, the figure, whether it is the rule's or supposed)
    ("Liegt die Schwelle jetzt bei 1 Million USD?", "1 Million USD", True),
    ("Is the minimum still USD 300,000?", "USD 300,000", True),
    ("Braucht man wirklich 12 Monate als indirekter Reseller?", "12 Monate", True),
    ("Must we have 2 managed services?", "2 managed services", True),
    ("Falls wir 3 Managed Services anbieten würden, wäre das genug?", "3 Managed Services", True),
    ("Suppose we reach $400k next year – would that be fine?", "$400k", True),
    ("Wir haben 2 Managed Services. Reicht das?", "2 Managed Services", False),
    ("Sind wir mit 420.000 USD Umsatz schon dabei?", "420.000 USD", False),
    ("Can we apply if we have 18 months as a reseller?", "18 months", False),
    ("Geht das, wenn wir 500.000 USD Umsatz erzielt haben?", "500.000 USD", False),
    ("Our revenue is USD 310,000 – do we need more?", "USD 310,000", False),
    ("Seit 20 Monaten indirekt – gilt das?", "20 Monaten", False),
    ("We made 350k. What else is needed?", "350k", False),
]


@pytest.mark.parametrize(("text", "figure", "expected"), CASES)
def test_a_figure_is_the_rules_only_in_a_question_about_them(
    text: str, figure: str, expected: bool
) -> None:
    start = text.index(figure)
    assert in_rule_question(text, start, start + len(figure)) is expected
