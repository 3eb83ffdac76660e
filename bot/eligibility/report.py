"""The readable verdict a support agent pastes into an e-mail."""

from __future__ import annotations

import json

from bot.eligibility.engine import Verdict
from bot.i18n import Message
from bot.texts import render_text

# Plain characters so that the report survives any e-mail client or terminal.
_MARKS = {"met": "[x]", "unmet": "[ ]", "unknown": "[?]", "pending": "[~]"}


def _steps_and_warnings(verdict: Verdict, lang: str) -> list[str]:
    lines: list[str] = []
    steps = verdict.next_steps()
    if steps:
        lines += ["", render_text(Message("heading.next_steps"), lang, verdict.rules)]
        lines += [
            f"{i}. {render_text(step, lang, verdict.rules)}" for i, step in enumerate(steps, 1)
        ]
    if verdict.warnings:
        lines += ["", render_text(Message("heading.warnings"), lang, verdict.rules)]
        lines += [f"! {render_text(w, lang, verdict.rules)}" for w in verdict.warnings]
    return lines


def render_report(verdict: Verdict, lang: str, explain: bool = False) -> str:
    lines = [render_text(Message(f"status.{verdict.status}"), lang, verdict.rules), ""]
    for result in verdict.results:
        mark = _MARKS[result.status]
        status = render_text(Message(f"mark.{result.status}"), lang, verdict.rules)
        detail = render_text(result.outcome.detail, lang, verdict.rules)
        lines.append(f"{mark} {render_text(result.requirement.title, lang)} ({status}): {detail}")
    lines += _steps_and_warnings(verdict, lang)
    lines += [
        "",
        render_text(
            Message("heading.rules", {"version": verdict.rules.rules_version}), lang, verdict.rules
        ),
    ]
    if explain:
        lines += ["", render_text(Message("heading.explanation"), lang, verdict.rules)]
        for item in verdict.explanation():
            facts = json.dumps(item["facts"], ensure_ascii=False)
            rules = json.dumps(item["rules"], ensure_ascii=False)
            lines.append(
                f"- {item['code']}: {item['status']} <- {item['decided_by']}; facts {facts}; rules {rules}"
            )
            lines.append(f"  {item['source']}")
    return "\n".join(lines)


def render_gaps(verdict: Verdict, lang: str) -> str:
    """The answer to "what do I still lack?": unmet and open requirements, then the next steps."""
    lines = [render_text(Message(f"status.{verdict.status}"), lang, verdict.rules)]
    for status, heading in (("unmet", "heading.missing"), ("unknown", "heading.open")):
        results = [r for r in verdict.results if r.status == status]
        if results:
            lines += ["", render_text(Message(heading), lang, verdict.rules)]
            lines += [
                f"{_MARKS[status]} {render_text(r.requirement.title, lang)}: {render_text(r.outcome.detail, lang, verdict.rules)}"
                for r in results
            ]
    lines += _steps_and_warnings(verdict, lang)
    return "\n".join(lines)
