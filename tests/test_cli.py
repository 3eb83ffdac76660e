"""The support staff's CLI (CONTRACT.md §4) against the shared cases, and its bad inputs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.eligibility import REQUIREMENT_CODES
from bot.eligibility.rules import ruleset
from bot.i18n import LANGUAGES
from tests.casebook import Case, load_cases

ROOT = Path(__file__).resolve().parent.parent


def write_facts(tmp_path: Path, facts: dict) -> Path:
    path = tmp_path / "facts.yml"
    path.write_text(yaml.safe_dump(facts, allow_unicode=True), "utf-8")
    return path


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("case", load_cases(errors=False), ids=lambda c: c.id)
def test_json_payload_matches_case(case: Case, lang: str, tmp_path, capsys) -> None:
    path = write_facts(tmp_path, case.facts)
    assert (
        main(["check", str(path), "--lang", lang, "--json", "--as-of", case.as_of.isoformat(),
              "--rules", case.rules_version]) == 0
    )  # fmt: skip
    payload = json.loads(capsys.readouterr().out)
    assert payload["type"] == "eligibility_verdict"
    assert payload["language"] == lang
    assert payload["rules_version"]
    assert payload["rules_version"] == case.rules_version
    assert [r["code"] for r in payload["requirements"]] == list(
        ruleset(case.rules_version).requirements
    )
    statuses = {r["code"]: r["status"] for r in payload["requirements"]}
    assert payload["unmet"] == [c for c, s in statuses.items() if s == "unmet"]
    assert payload["unknown"] == [c for c, s in statuses.items() if s == "unknown"]
    if "status" in case.expect:
        assert payload["status"] == case.expect["status"]
    for code, status in (case.expect.get("requirements") or {}).items():
        assert statuses[code] == status
    for code, by_lang in (case.expect.get("detail") or {}).items():
        if lang in by_lang:
            detail = next(r["detail"] for r in payload["requirements"] if r["code"] == code)
            assert by_lang[lang] in detail


@pytest.mark.parametrize("case", load_cases(errors=True), ids=lambda c: c.id)
def test_refused_input_exits_2_with_one_line(case: Case, tmp_path, capsys) -> None:
    path = write_facts(tmp_path, case.facts)
    assert main(["check", str(path), "--json", "--as-of", case.as_of.isoformat()]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and case.error in captured.err


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_real_command_reads_stdin_json() -> None:
    result = run_cli("check", "-", "--json", "--lang", "de", stdin='{"csp_revenue_usd": 258000}')
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["status"] == "not_eligible" and payload["language"] == "de"
    revenue = next(r for r in payload["requirements"] if r["code"] == "revenue")
    assert revenue["title"] == "Umsatzanforderung" and "42.000 USD" in revenue["detail"]
    assert payload["facts"]["csp_revenue_usd"] == 258000


def test_readable_report_has_a_line_per_requirement_then_next_steps() -> None:
    result = run_cli("check", "-", stdin="indirect_months: 8\ncsp_revenue_usd: 350000\n")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    requirement_lines = [line for line in lines if line[:3] in ("[x]", "[ ]", "[?]", "[~]")]
    assert len(requirement_lines) == 8
    assert "[ ] CSP requirement (not met): 4 more months" in result.stdout
    assert "[x] Revenue requirement (met)" in result.stdout
    assert lines.index("Next steps:") > lines.index(requirement_lines[-1])


def test_explain_names_facts_rules_and_source() -> None:
    result = run_cli(
        "check", "-", "--explain", "--lang", "de", stdin='{"csp_revenue_usd": 299999.99}'
    )
    assert "revenue: unmet <- 299999.99 < 300000" in result.stdout
    assert '"min_csp_revenue_usd": 300000' in result.stdout
    assert "table row 'Umsatzanforderung'" in result.stdout
    payload = json.loads(run_cli("check", "-", "--json", "--explain", stdin="{}").stdout)
    assert {e["code"] for e in payload["explanation"]} == set(REQUIREMENT_CODES)


@pytest.mark.parametrize(
    ("stdin", "args", "fragment"),
    [
        ("{not json", [], "line"),
        ("[1, 2]", [], "object"),
        ("", [], "object"),
        ("42", [], "object"),
        ('{"csp_revenue_usd": "viel"}', [], "csp_revenue_usd"),
        ('{"umsatz": 1}', [], "umsatz"),
        ('{"managed_services": -2}', ["--lang", "de"], "managed_services"),
        ("<script>alert(1)</script>", [], "object"),
        ('{"csp_revenue_usd": 1e400}', [], "csp_revenue_usd"),
    ],
)
def test_bad_stdin_exit_2_one_line_nothing_on_stdout(stdin: str, args: list, fragment: str) -> None:
    result = run_cli("check", "-", "--json", *args, stdin=stdin)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and fragment in result.stderr


def test_missing_file_and_bad_arguments_exit_2(tmp_path) -> None:
    missing = run_cli("check", str(tmp_path / "none.json"), "--lang", "de")
    assert (missing.returncode, missing.stdout) == (2, "")
    assert "Datei nicht gefunden" in missing.stderr
    for args in (["check"], ["check", "-", "--lang", "fr"], ["frobnicate"]):
        result = run_cli(*args)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.count("\n") == 1


def test_german_error_message(tmp_path) -> None:
    result = run_cli("check", "-", "--lang", "de", stdin='{"indirect_months": 11.5}')
    assert result.returncode == 2
    assert "erwartet wird eine ganze Zahl" in result.stderr
