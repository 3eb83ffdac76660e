"""What-if for support staff: every conversation's latest stored assessment decided again by
another rule set, and the ones whose verdict would change. Reads only; nothing stored changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.eligibility import FACT_SPECS, Facts, evaluate
from bot.eligibility.requirements import UNKNOWN, UNMET
from bot.eligibility.rules import RuleSet
from bot.storage.repository import StoredAssessment


@dataclass(frozen=True)
class WhatIf:
    assessment: StoredAssessment
    rules_version: str
    status: str
    unmet: list[str]
    unknown: list[str]

    @property
    def changed(self) -> bool:
        return self.status != self.assessment.status

    def to_json(self) -> dict[str, Any]:
        a = self.assessment
        return {
            "conversation_id": a.conversation_id,
            "partner_id": a.partner_id,
            "assessment_id": a.id,
            "created_at": a.created_at.isoformat(),
            "rules_version": a.rules_version,
            "status": a.status,
            "what_if": {
                "rules_version": self.rules_version,
                "status": self.status,
                "unmet": self.unmet,
                "unknown": self.unknown,
            },
        }


def latest_per_conversation(assessments: Iterable[StoredAssessment]) -> list[StoredAssessment]:
    """The newest assessment of each conversation, newest first (`assessments` newest first)."""
    latest: dict[str, StoredAssessment] = {}
    for assessment in assessments:
        latest.setdefault(assessment.conversation_id, assessment)
    return list(latest.values())


def what_if(
    assessments: Iterable[StoredAssessment], rules: RuleSet, since: dt.date | None = None
) -> list[WhatIf]:
    """Each conversation's latest assessment (made on or after `since`) decided by `rules`."""
    decided = []
    for assessment in latest_per_conversation(assessments):
        if since is not None and assessment.created_at.date() < since:
            continue
        # Facts as they were stored, on the day they were assessed; a fact the engine no longer
        # knows cannot decide anything.
        stored = {k: v for k, v in assessment.facts.items() if k in FACT_SPECS}
        verdict = evaluate(Facts.from_mapping(stored, as_of=assessment.as_of), rules, compare=False)
        decided.append(
            WhatIf(
                assessment,
                rules.rules_version,
                verdict.status,
                verdict.codes_with(UNMET),
                verdict.codes_with(UNKNOWN),
            )
        )
    return decided
