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
from bot.eligibility.texts import render_text
from bot.i18n import Message, render
from bot.storage.repository import (
    RASA_EVENTS_TABLE,
    AssessmentDiff,
    StoredAssessment,
    StoredFactChange,
)

STORAGE_TEXTS = {
    "assessment.header": {
        "de": "{time} · Gespräch {conversation} · Kanal {channel} · Sprache {language}",
        "en": "{time} · conversation {conversation} · channel {channel} · language {language}",
    },
    "assessment.partner": {"de": "PartnerID: {partner_id}", "en": "PartnerID: {partner_id}"},
    "assessment.status": {"de": "Ergebnis: {status}", "en": "Result: {status}"},
    "assessment.facts": {"de": "Bekannte Angaben: {facts}", "en": "Known facts: {facts}"},
    "assessment.no_facts": {"de": "Bekannte Angaben: keine", "en": "Known facts: none"},
    "assessment.first": {
        "de": "Erste Bewertung in diesem Gespräch.",
        "en": "First assessment in this conversation.",
    },
    "assessment.unchanged": {
        "de": "Unverändert seit der vorigen Bewertung.",
        "en": "No change since the previous assessment.",
    },
    "assessment.changed": {
        "de": "Geändert seit der vorigen Bewertung: {changes}",
        "en": "Changed since previous: {changes}",
    },
    "change.status": {"de": "Ergebnis {old} -> {new}", "en": "result {old} -> {new}"},
    "change.rules": {"de": "Regelwerk {old} -> {new}", "en": "rule set {old} -> {new}"},
    "overall.eligible": {"de": "berechtigt", "en": "eligible"},
    "overall.not_eligible": {"de": "nicht berechtigt", "en": "not eligible"},
    "overall.incomplete": {"de": "unvollständig", "en": "incomplete"},
    "unknown_channel": {"de": "unbekannt", "en": "unknown"},
    "none_found": {
        "de": "Keine gespeicherten Bewertungen gefunden.",
        "en": "No stored assessments found.",
    },
    "fact_changes.heading": {
        "de": "Änderungen der Angaben (Prüfpfad), älteste zuerst:",
        "en": "Fact changes (audit trail), oldest first:",
    },
    "fact_changes.none": {
        "de": "Keine Änderungen von Angaben gespeichert.",
        "en": "No fact changes stored.",
    },
    "fact_change.source": {"de": "(Nachricht: {source})", "en": "(message: {source})"},
    "forgotten.heading": {
        "de": "Gelöscht für Gespräch {conversation}:",
        "en": "Deleted for conversation {conversation}:",
    },
    "forgotten.nothing": {
        "de": "Zu Gespräch {conversation} war nichts gespeichert; es wurde nichts gelöscht.",
        "en": "Nothing was stored for conversation {conversation}; nothing was deleted.",
    },
    "forgotten.no_events_table": {
        "de": "Der Gesprächsverlauf (Rasa) liegt nicht in dieser Datenbank und wurde nicht berührt.",
        "en": "The conversation history (Rasa) is not in this database and was not touched.",
    },
    "forgotten.line": {
        "de": "  {label} (Tabelle {table}): {count}",
        "en": "  {label} (table {table}): {count}",
    },
    "table.assessments": {"de": "Bewertungen", "en": "assessment records"},
    "table.fact_changes": {"de": "Änderungen von Angaben", "en": "fact changes"},
    "table.events": {
        "de": "Einträge im Gesprächsverlauf",
        "en": "conversation history entries",
    },
}

_TITLES = {requirement.code: requirement.title for requirement in REQUIREMENTS}


def storage_text(key: str, lang: str, **params: Any) -> str:
    return render(Message(key, params), lang, STORAGE_TEXTS)


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
    return storage_text(key, lang) if key in STORAGE_TEXTS else shown(status)


def render_changes(diff: AssessmentDiff, lang: str) -> str:
    """One line: what changed since the conversation's previous assessment."""
    if diff.is_first:
        return storage_text("assessment.first", lang)
    if diff.is_empty:
        return storage_text("assessment.unchanged", lang)
    parts = []
    if diff.status:
        old, new = _overall(diff.status.old, lang), _overall(diff.status.new, lang)
        parts.append(storage_text("change.status", lang, old=old, new=new))
    if diff.rules_version:
        old, new = shown(diff.rules_version.old), shown(diff.rules_version.new)
        parts.append(storage_text("change.rules", lang, old=old, new=new))
    parts += [
        f"{code} {_mark(c.old, lang)} -> {_mark(c.new, lang)}"
        for code, c in diff.requirements.items()
    ]
    parts += [f"{key} {_value(c.old)} -> {_value(c.new)}" for key, c in diff.facts.items()]
    return storage_text("assessment.changed", lang, changes="; ".join(parts))


def render_assessment(assessment: StoredAssessment, lang: str) -> str:
    """One block: when, where, the rule set, the result per requirement, and what changed."""
    a = assessment
    channel = shown(a.channel) if a.channel else storage_text("unknown_channel", lang)
    lines = [
        storage_text(
            "assessment.header",
            lang,
            time=a.created_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
            conversation=shown(a.conversation_id),
            channel=channel,
            language=a.language,
        ),
        "  " + render_text(Message("heading.rules", {"version": shown(a.rules_version)}), lang),
    ]
    if a.partner_id:
        lines.append("  " + storage_text("assessment.partner", lang, partner_id=a.partner_id))
    lines.append("  " + storage_text("assessment.status", lang, status=_overall(a.status, lang)))
    for code, status in a.statuses.items():
        title = _TITLES.get(code, {}).get(lang, code)
        lines.append(f"    {code} – {title}: {_mark(status, lang)}")
    known = [f"{key}={_value(value)}" for key, value in a.facts.items() if value is not None]
    lines.append(
        "  "
        + (
            storage_text("assessment.facts", lang, facts=", ".join(known))
            if known
            else storage_text("assessment.no_facts", lang)
        )
    )
    lines.append("  " + render_changes(a.changes, lang))
    return "\n".join(lines)


def render_assessments(assessments: list[StoredAssessment], lang: str) -> str:
    if not assessments:
        return storage_text("none_found", lang)
    return "\n\n".join(render_assessment(a, lang) for a in assessments)


def render_fact_changes(changes: list[StoredFactChange], lang: str) -> str:
    if not changes:
        return storage_text("fact_changes.none", lang)
    lines = [storage_text("fact_changes.heading", lang)]
    for c in changes:
        line = (
            f"  {c.changed_at.strftime('%Y-%m-%d %H:%M:%S UTC')}  "
            f"{c.fact} {_value(c.old_value)} -> {_value(c.new_value)}"
        )
        if c.source_text is not None:
            line += " " + storage_text("fact_change.source", lang, source=_value(c.source_text))
        lines.append(line)
    return "\n".join(lines)


def render_forgotten(conversation_id: str, counts: Mapping[str, int], lang: str) -> str:
    """What `forget` deleted, per table, for the CLI and the chat's confirmation."""
    conversation = shown(conversation_id)
    if not any(counts.values()):
        lines = [storage_text("forgotten.nothing", lang, conversation=conversation)]
    else:
        lines = [storage_text("forgotten.heading", lang, conversation=conversation)]
        for table, count in counts.items():
            key = f"table.{table}"
            label = storage_text(key, lang) if key in STORAGE_TEXTS else table
            lines.append(
                storage_text("forgotten.line", lang, label=label, table=table, count=count)
            )
    if RASA_EVENTS_TABLE not in counts:
        lines.append(storage_text("forgotten.no_events_table", lang))
    return "\n".join(lines)
