"""The README's "Adding a requirement", walked in a temporary copy of the project: the rule, its
fact, its place in a rule set, its texts and its question are all it takes for the engine, the CLI, the form and the
payload to use a new requirement, and the copy's text and question tests still pass."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bot.conversation import intents

ROOT = Path(__file__).resolve().parents[1]

FACT = "customer_agreement_attested"
CODE = "customer_agreement"

# Step 1: the fact (bot/eligibility/facts.py), asked last.
FACT_SPEC = f'        FactSpec("{FACT}", BOOL, True),\n'
# Step 2: the rule (bot/eligibility/requirements.py), decided by the yes/no fact.
RULE = f"""    Requirement("{CODE}", ("{FACT}",), _yes_no("{CODE}", "{FACT}")),
"""
# Step 3: the rule sets that require it (bot/eligibility/rulesets.yml), with its source's row.
ROW = f"      {CODE}: Kundenvereinbarung\n"
# Step 4: its texts and its question (bot/texts/).
TEXTS = {
    "requirements.yml": f"""title.{CODE}:
  de: "Kundenvereinbarung"
  en: "Customer agreement"
""",
    "engine.yml": f"""req.{CODE}.met:
  de: "Ihre Kunden haben die Microsoft-Kundenvereinbarung akzeptiert, und Sie haben es bestätigt."
  en: "Your customers have accepted the Microsoft Customer Agreement, and you have attested it."
req.{CODE}.unmet:
  de: "Es fehlt Ihre Bestätigung, dass Ihre Kunden die Microsoft-Kundenvereinbarung akzeptiert haben."
  en: "Missing: your attestation that your customers accepted the Microsoft Customer Agreement."
req.{CODE}.step:
  de: "Bestätigen Sie in Partner Center für jeden Kunden die Microsoft-Kundenvereinbarung."
  en: "Attest the Microsoft Customer Agreement for every customer in Partner Center."
req.{CODE}.unknown:
  de: "Noch offen: ob Sie die Microsoft-Kundenvereinbarung Ihrer Kunden bestätigt haben."
  en: "Still open: whether you have attested your customers' Microsoft Customer Agreement."
gap.{CODE}:
  de: "die Bestätigung der Microsoft-Kundenvereinbarung"
  en: "the attestation of the Microsoft Customer Agreement"
fact.{FACT}.where:
  de: "ob die Kundenvereinbarung bestätigt ist (in Partner Center beim Kunden unter Konto)."
  en: "whether the customer agreement is attested (Partner Center, the customer's account)."
""",
    "conversation.yml": f"""label.{FACT}:
  de: "Kundenvereinbarung bestätigt"
  en: "customer agreement attested"
ask.{FACT}:
  de: "Haben Sie für Ihre Kunden die Microsoft-Kundenvereinbarung in Partner Center bestätigt?"
  en: "Have you attested the Microsoft Customer Agreement for your customers in Partner Center?"
""",
}

# What the copy must then do, through its own code.
CHECK = f"""
import asyncio, json
from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ValidateEligibilityForm
from bot.eligibility import Facts, evaluate, render_report
from bot.nlu.importer import with_engine_facts

met = {{"partner_id_active": True, "signing_authority": True, "first_line_support": True,
        "support_plan": "asfp", "credit_check_passed": True, "csp_revenue_usd": 400000,
        "indirect_months": 14, "billing_infrastructure": True, "capabilities": True,
        "managed_services": 2}}
out = {{}}
open_verdict = evaluate(Facts.from_mapping(met))
out["open"] = open_verdict.to_payload("de")
out["report"] = {{lang: render_report(evaluate(Facts.from_mapping({{**met, "{FACT}": False}})), lang)
                 for lang in ("de", "en")}}
domain = with_engine_facts(Domain.load("domain.yml")).as_dict()
out["slot"] = "{FACT}" in domain["slots"]
tracker = Tracker("p", {{**met, "requested_slot": None, "language": "en"}},
                  {{"intent": {{"name": "{intents.INFORM}"}}, "entities": [], "text": ""}}, [], False, None,
                  {{"name": "eligibility_form"}}, "action_listen")
out["form_asks"] = asyncio.run(ValidateEligibilityForm().required_slots(
    [], CollectingDispatcher(), tracker, domain))
questions = {{}}
for lang in ("de", "en"):
    dispatcher = CollectingDispatcher()
    asking = Tracker("p", {{**met, "{FACT}": None, "requested_slot": None, "language": lang}},
                     {{"intent": {{"name": "{intents.INFORM}"}}, "entities": [], "text": ""}}, [], False,
                     None, {{"name": "eligibility_form"}}, "action_listen")
    asyncio.run(ValidateEligibilityForm().run(dispatcher, asking, domain))
    questions[lang] = dispatcher.messages[0]["text"]
out["questions"] = questions
print(json.dumps(out, ensure_ascii=False))
"""


def _insert_before(path: Path, anchor: str, text: str) -> None:
    source = path.read_text("utf-8")
    assert source.count(anchor) == 1, (path, anchor)
    path.write_text(source.replace(anchor, text + anchor), "utf-8")


def _add_requirement(copy: Path) -> None:
    eligibility = copy / "bot" / "eligibility"
    _insert_before(eligibility / "facts.py", '        FactSpec("partner_id", DIGITS, False),\n',
                   FACT_SPEC)  # fmt: skip
    _insert_before(
        eligibility / "facts.py", '    "solutions_partner_designation",\n)', f'    "{FACT}",\n'
    )
    _insert_before(eligibility / "requirements.py", ")  # fmt: skip\n\nBY_CODE", RULE)
    _insert_before(
        eligibility / "rulesets.yml", "    process: [apply, credit_check, assessment]\n", ROW
    )
    for name, text in TEXTS.items():
        catalog = copy / "bot" / "texts" / name
        catalog.write_text(catalog.read_text("utf-8") + text, "utf-8")


def _copy(tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    ignore = shutil.ignore_patterns("__pycache__", "models", ".rasa")
    for part in ("bot", "actions", "data", "tests"):
        shutil.copytree(ROOT / part, copy / part, ignore=ignore)
    for name in ("domain.yml", "config.yml", "pyproject.toml"):
        shutil.copy(ROOT / name, copy / name)
    _add_requirement(copy)
    return copy


def _run(copy: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(copy), "DATABASE_URL": "sqlite://"}
    return subprocess.run(
        [sys.executable, *args], cwd=copy, env=env, input=stdin, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip


def test_a_new_requirement_needs_its_rule_fact_texts_and_question_only(tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    checked = _run(copy, "-c", CHECK)
    assert checked.returncode == 0, checked.stderr[-3000:]
    out = json.loads(checked.stdout)

    # The engine and the payload: the ninth requirement is open until its fact is known.
    assert out["open"]["status"] == "incomplete"
    row = next(r for r in out["open"]["requirements"] if r["code"] == CODE)
    assert row["status"] == "unknown" and row["title"] == "Kundenvereinbarung"
    assert "Kundenvereinbarung" in out["report"]["de"]
    assert "Customer agreement" in out["report"]["en"]
    # The form: the fact is a slot, and the form asks it (every other fact is known) in words.
    assert out["slot"] and out["form_asks"] == [FACT]
    assert out["questions"]["de"].startswith("Haben Sie für Ihre Kunden")
    assert out["questions"]["en"].startswith("Have you attested")

    # The CLI: the new fact is read from a facts file, and decides the verdict.
    facts = {
        "partner_id_active": True, "signing_authority": True, "first_line_support": True,
        "support_plan": "asfp", "credit_check_passed": True, "csp_revenue_usd": 400000,
        "indirect_months": 14, "billing_infrastructure": True, "capabilities": True,
        "managed_services": 2, FACT: False,
    }  # fmt: skip
    cli = _run(copy, "-m", "bot", "check", "-", "--json", stdin=json.dumps(facts))
    payload = json.loads(cli.stdout)
    assert payload["status"] == "not_eligible", cli.stderr
    assert [r["code"] for r in payload["requirements"] if r["status"] == "unmet"] == [CODE]
    cli = _run(copy, "-m", "bot", "check", "-", "--json", stdin=json.dumps({**facts, FACT: True}))
    assert json.loads(cli.stdout)["status"] == "eligible", cli.stderr

    # The copy's own standards for texts and questions hold for the new ones.
    suites = ("tests/test_texts.py", "tests/conversation/test_questions.py")
    tested = _run(copy, "-m", "pytest", "-q", "-p", "no:cacheprovider", *suites)
    assert tested.returncode == 0, tested.stdout[-3000:]
