"""The readable verdict a support agent pastes into an e-mail."""

from __future__ import annotations

import json

from bot.eligibility.engine import ELIGIBLE, Verdict
from bot.eligibility.requirements import BY_CODE, UNKNOWN, UNMET
from bot.eligibility.rules import RuleSet
from bot.i18n import Message, Money, Month
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


def render_comparison(verdict: Verdict, lang: str) -> list[str]:
    """What else the same facts lack by the newest rule set in force, where the verdict was
    decided by another: each further gap in a few words, then what is further open there."""
    other = verdict.comparison
    if other is None:
        return []
    own = {r.code: r for r in verdict.results}

    def also(result) -> bool:  # not the same gap, or the same open question, as in the verdict
        mine = own.get(result.code)
        return mine is None or mine.status != result.status or mine.outcome != result.outcome

    params = {
        "version": other.rules.rules_version,
        "gaps": "; ".join(
            render_text(r.outcome.gap, lang, other.rules)
            for r in other.results
            if r.status == UNMET and r.outcome.gap is not None and also(r)
        ),
        "open": "; ".join(
            render_text(r.requirement.title, lang)
            for r in other.results
            if r.status == UNKNOWN and also(r)
        ),
    }
    if other.status == ELIGIBLE:
        keys = ["comparison.eligible"]
    else:
        keys = ["comparison.gaps"] if params["gaps"] else ["comparison.nothing_else"]
        keys += ["comparison.open"] if params["open"] else []
    return ["", " ".join(render_text(Message(key, params), lang, other.rules) for key in keys)]


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
    lines += render_comparison(verdict, lang)
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
    lines += render_comparison(verdict, lang)
    return "\n".join(lines)


def render_rule_changes(old: RuleSet, new: RuleSet, lang: str) -> str:
    """What `new` asks differently from `old`, from the two rule sets alone: a new rule set
    changes this answer without anyone rewording it."""
    if new.rules_version == old.rules_version:
        return render_text(Message("changes.none", {"version": old.rules_version}), lang, old)
    parts = [Message("changes.intro", {"name": new.name, "version": new.rules_version,
                                       "since": Month(new.effective_from)})]  # fmt: skip
    if new.min_csp_revenue_usd != old.min_csp_revenue_usd or new.revenue_basis != old.revenue_basis:
        parts.append(
            Message(
                "changes.revenue",
                {
                    "new": Money(new.min_csp_revenue_usd),
                    "new_basis": Message(f"revenue_basis.{new.revenue_basis}"),
                    "old": Money(old.min_csp_revenue_usd),
                    "old_basis": Message(f"revenue_basis.{old.revenue_basis}"),
                },
            )
        )
    if new.min_indirect_months != old.min_indirect_months:
        parts.append(
            Message(
                "changes.tenure", {"new": new.min_indirect_months, "old": old.min_indirect_months}
            )
        )
    added = [code for code in new.requirements if code not in old.requirements]
    dropped = [code for code in old.requirements if code not in new.requirements]
    for key, codes in (("changes.added", added), ("changes.dropped", dropped)):
        if codes:
            titles = "; ".join(render_text(BY_CODE[code].title, lang) for code in codes)
            parts.append(Message(key, {"titles": titles}))
    steps = [step for step in new.process if step not in old.process]
    if steps:
        parts.append(Message("changes.process", {"steps": " ".join(
            render_text(Message(f"process.{step}"), lang, new) for step in steps)}))  # fmt: skip
    parts.append(Message("changes.decided_by", {"version": old.rules_version, "name": new.name}))
    return " ".join(render_text(part, lang, new) for part in parts)
