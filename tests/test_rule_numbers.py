"""No threshold is written anywhere but in bot/eligibility/rulesets.yml: with other numbers there,
every response, question and report quotes the new ones, in both languages.

Run in a temporary copy of the project (the rule set is package data, read once per process),
through the real actions and Rasa's own response generator.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

# The minimum of one managed service, as German and English would write it in words.
ONE_SERVICE = ("mindestens ein ", "mindestens einen ", "mindestens eines", "at least one ",
               "einziges", "single such")  # fmt: skip

# Everything a partner can read that may quote a threshold, rendered in both languages.
RENDER_ALL = r"""
import asyncio, json, sys
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionSessionStart
from bot.conversation.texts import question
from bot.eligibility import QUESTION_ORDER, Facts, evaluate, render_gaps, render_report
from bot.i18n import Message, Money
from bot.texts import render_text

domain = Domain.load("domain.yml")
start = Tracker("copy", {}, {}, [], False, None, {}, "action_listen")
events = asyncio.run(ActionSessionStart().run(CollectingDispatcher(), start, {}))
slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
texts = []
for lang in ("de", "en"):
    tracker = DialogueStateTracker.from_events(
        "copy", [SlotSet(k, v) for k, v in {**slots, "language": lang}.items()], slots=domain.slots
    )
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    for name in domain.responses:
        texts.append(asyncio.run(nlg.generate(name, tracker, "rest"))["text"])
    texts += [question(fact, lang)[0] for fact in QUESTION_ORDER]
    texts.append(render_text(Message("conv.other_currency", {"amount": Money(1, "EUR")}), lang))
    texts.append(render_text(Message("label.csp_revenue_usd"), lang))
    for facts in ({}, {"csp_revenue_usd": 250000, "indirect_months": 5, "managed_services": 0}):
        verdict = evaluate(Facts.from_mapping(facts))
        texts += [render_report(verdict, lang), render_gaps(verdict, lang)]
json.dump(texts, sys.stdout)
"""


def _copy_with_numbers(
    tmp_path: Path, revenue: int, months: int, window: int, services: int
) -> Path:
    copy = tmp_path / "project"
    for part in ("bot", "actions"):
        shutil.copytree(ROOT / part, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "domain.yml", copy / "domain.yml")
    rulesets = copy / "bot" / "eligibility" / "rulesets.yml"
    data = yaml.safe_load(rulesets.read_text("utf-8"))
    current = next(r for r in data["rulesets"] if r["rules_version"] == data["pinned"])
    current["parameters"].update(
        min_csp_revenue_usd=revenue,
        min_indirect_months=months,
        revenue_window_months=window,
        min_managed_services=services,
    )
    rulesets.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return copy


def _rendered(copy: Path) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(copy), "DATABASE_URL": "sqlite://"}
    result = subprocess.run(
        [sys.executable, "-c", RENDER_ALL], cwd=copy, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def test_every_text_quotes_the_rule_sets_numbers(tmp_path: Path) -> None:
    copy = _copy_with_numbers(tmp_path, revenue=450000, months=18, window=6, services=3)
    texts = _rendered(copy)
    everything = "\n".join(texts)
    for old in ("300.000", "300,000", "300K", "zwölf", "twelve", "None", "{", *ONE_SERVICE):
        assert old not in everything, [t for t in texts if old in t][:3]
    assert not re.search(r"\b12 (?:Monat|month)", everything)
    for new in ("450.000 USD", "USD 450,000", "18 Monate", "18 months", "6 Monate", "6 months",
                "mindestens 3 verwaltete Dienste", "at least 3 managed services"):  # fmt: skip
        assert new in everything, new


def _catalog_texts(path: Path) -> str:
    # The one text that says the minimum of services in words is the rule set's own phrase,
    # chosen by the number: its "one" variants are the number, not a copy of it.
    entries = yaml.safe_load(path.read_text("utf-8"))
    entries.pop("rule.min_services", None)
    return json.dumps(entries, ensure_ascii=False)


def test_the_project_quotes_its_own_numbers_nowhere_else() -> None:
    # The same rule in the repository itself: the numbers of rulesets.yml appear in no text source.
    sources = {"domain.yml": (ROOT / "domain.yml").read_text("utf-8")}
    for path in sorted((ROOT / "bot" / "texts").glob("*.yml")):
        sources[path.name] = _catalog_texts(path)
    for name, text in sources.items():
        for old in ("300.000", "300,000", "zwölf", "twelve", *ONE_SERVICE):
            assert old not in text, (name, old)
        assert not re.search(r"\b12 (?:Monat|month)", text), name
