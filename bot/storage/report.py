"""Stored assessments and deletions as plain text, in German or English.

Used by `python -m bot assessments|forget` and meant for the chat's staff lookup and its
"delete my data" answer, so both say the same thing. Output is plain text: user-supplied text
(conversation ids, the user's words) is shown with control characters escaped, so it can neither
break the layout nor send escape sequences to a terminal.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from typing import Any

from bot.eligibility import REQUIREMENTS
from bot.i18n import Message
from bot.storage.repository import (
    RASA_EVENTS_TABLE,
    AssessmentDiff,
    StoredAssessment,
    StoredFactChange,
)
from bot.storage.what_if import WhatIf
from bot.texts import CATALOG, render_text

_TITLES = {requirement.code: requirement.title for requirement in REQUIREMENTS}


def shown(text: str | None) -> str:
    """User-supplied text for one line of output: control characters escaped, nothing dropped."""
    if text is None:
        return "–"
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) == "Cc" else ch
        for ch in text
    )


def _value(value: Any) -> str:
    # JSON keeps null, "null" and numbers apart; ensure_ascii=False keeps umlauts and emoji.
    return shown(json.dumps(value, ensure_ascii=False))


def _mark(status: str | None, lang: str) -> str:
    if status in ("met", "unmet", "unknown", "pending"):
        return render_text(Message(f"mark.{status}"), lang)
    return _value(status)


def _overall(status: str, lang: str) -> str:
    key = f"overall.{status}"
    return render_text(Message(key), lang) if key in CATALOG else shown(status)


def render_changes(diff: AssessmentDiff, lang: str) -> str:
    """One line: what changed since the conversation's previous assessment."""
    if diff.is_first:
        return render_text(Message("assessment.first"), lang)
    if diff.is_empty:
        return render_text(Message("assessment.unchanged"), lang)
    parts = []
    if diff.status:
        old, new = _overall(diff.status.old, lang), _overall(diff.status.new, lang)
        parts.append(render_text(Message("change.status", {"old": old, "new": new}), lang))
    if diff.rules_version:
        old, new = shown(diff.rules_version.old), shown(diff.rules_version.new)
        parts.append(render_text(Message("change.rules", {"old": old, "new": new}), lang))
    parts += [
        f"{code} {_mark(c.old, lang)} -> {_mark(c.new, lang)}"
        for code, c in diff.requirements.items()
    ]
    parts += [f"{key} {_value(c.old)} -> {_value(c.new)}" for key, c in diff.facts.items()]
    return render_text(Message("assessment.changed", {"changes": "; ".join(parts)}), lang)


def render_assessment(assessment: StoredAssessment, lang: str) -> str:
    """One block: when, where, the rule set, the result per requirement, and what changed."""
    a = assessment
    channel = shown(a.channel) if a.channel else render_text(Message("unknown_channel"), lang)
    lines = [
        render_text(
            Message(
                "assessment.header",
                {
                    "time": a.created_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
                    "conversation": shown(a.conversation_id),
                    "channel": channel,
                    "language": a.language,
                },
            ),
            lang,
        ),
        "  " + render_text(Message("heading.rules", {"version": shown(a.rules_version)}), lang),
    ]
    if a.partner_id:
        lines.append(
            "  " + render_text(Message("assessment.partner", {"partner_id": a.partner_id}), lang)
        )
    lines.append(
        "  " + render_text(Message("assessment.status", {"status": _overall(a.status, lang)}), lang)
    )
    for code, status in a.statuses.items():
        title = render_text(_TITLES[code], lang) if code in _TITLES else code
        lines.append(f"    {code} – {title}: {_mark(status, lang)}")
    known = [f"{key}={_value(value)}" for key, value in a.facts.items() if value is not None]
    lines.append(
        "  "
        + (
            render_text(Message("assessment.facts", {"facts": ", ".join(known)}), lang)
            if known
            else render_text(Message("assessment.no_facts"), lang)
        )
    )
    lines.append("  " + render_changes(a.changes, lang))
    return "\n".join(lines)


def render_assessments(assessments: list[StoredAssessment], lang: str) -> str:
    if not assessments:
        return render_text(Message("none_found"), lang)
    return "\n\n".join(render_assessment(a, lang) for a in assessments)


def render_fact_changes(changes: list[StoredFactChange], lang: str) -> str:
    if not changes:
        return render_text(Message("fact_changes.none"), lang)
    lines = [render_text(Message("fact_changes.heading"), lang)]
    for c in changes:
        line = (
            f"  {c.changed_at.strftime('%Y-%m-%d %H:%M:%S UTC')}  "
            f"{c.fact} {_value(c.old_value)} -> {_value(c.new_value)}"
        )
        if c.source_text is not None:
            line += " " + render_text(
                Message("fact_change.source", {"source": _value(c.source_text)}), lang
            )
        lines.append(line)
    return "\n".join(lines)


def render_forgotten(conversation_id: str, counts: Mapping[str, int], lang: str) -> str:
    """What `forget` deleted, per table, for the CLI and the chat's confirmation."""
    conversation = shown(conversation_id)
    if not any(counts.values()):
        lines = [render_text(Message("forgotten.nothing", {"conversation": conversation}), lang)]
    else:
        lines = [render_text(Message("forgotten.heading", {"conversation": conversation}), lang)]
        for table, count in counts.items():
            key = f"table.{table}"
            label = render_text(Message(key), lang) if key in CATALOG else table
            lines.append(
                render_text(
                    Message("forgotten.line", {"label": label, "table": table, "count": count}),
                    lang,
                )
            )
    if RASA_EVENTS_TABLE not in counts:
        lines.append(render_text(Message("forgotten.no_events_table"), lang))
    return "\n".join(lines)


def render_what_if(decided: list[WhatIf], rules_version: str, lang: str) -> str:
    """The conversations whose latest verdict another rule set would change, with the reason."""
    changed = [w for w in decided if w.changed]
    lines = [
        render_text(
            Message(
                "what_if.heading",
                {"version": shown(rules_version), "changed": len(changed), "total": len(decided)},
            ),
            lang,
        )
    ]
    for entry in changed:
        a = entry.assessment
        params = {
            "conversation": shown(a.conversation_id),
            "partner_id": shown(a.partner_id),
            "time": a.created_at.strftime("%Y-%m-%d %H:%M UTC"),
            "old": _overall(a.status, lang),
            "new": _overall(entry.status, lang),
        }
        lines.append(render_text(Message("what_if.line", params), lang))
        for key, codes in (("what_if.unmet", entry.unmet), ("what_if.unknown", entry.unknown)):
            if codes:
                lines.append(render_text(Message(key, {"codes": ", ".join(codes)}), lang))
    return "\n".join(lines)
