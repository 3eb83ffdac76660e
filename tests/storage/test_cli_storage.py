"""`python -m bot assessments | forget | migrate` on both databases, in German and English."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.eligibility import Facts, evaluate
from bot.storage import Repository, migrate
from tests.storage.conftest import rasa_conversation, rasa_store, save_tracker, table_names

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2025, 3, 1)


def verdict(**facts):
    return evaluate(Facts.from_mapping(facts, as_of=AS_OF))


@pytest.fixture
def env_db(db_url: str, monkeypatch) -> str:
    """DATABASE_URL pointing at the test's database, as the CLI reads it."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    return db_url


@pytest.fixture
def stored(env_db: str, clock) -> dict[str, int]:
    """Two conversations; "conv-a" with a revenue statement between its two assessments."""
    migrate.upgrade(env_db)
    repo = Repository(env_db, clock=clock)
    ids = {
        "a1": repo.record_assessment("conv-a", "rest", "en", verdict(indirect_months=14)).id,
        "b1": repo.record_assessment("conv-b", "msteams", "de", verdict(partner_id="4711")).id,
    }
    repo.record_fact_change("conv-a", "csp_revenue_usd", None, 350000, source_text="350.000 USD")
    ids["a2"] = repo.record_assessment(
        "conv-a",
        "rest",
        "en",
        verdict(indirect_months=14, csp_revenue_usd=350000, partner_id="4711"),
    ).id
    repo.dispose()
    return ids


def one_error_line(capsys) -> str:
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    return captured.err


def test_migrate_sets_up_an_empty_database(env_db: str, capsys) -> None:
    assert main(["migrate", "--lang", "de"]) == 0
    out = capsys.readouterr().out
    head = migrate.head_revision()
    assert out.startswith("Die Datenbank ") and f"auf dem neuesten Stand (Revision {head})" in out
    assert {"assessments", "fact_changes"} <= table_names(env_db)
    assert main(["migrate"]) == 0
    assert f"is up to date (revision {head})" in capsys.readouterr().out


def test_commands_refuse_a_database_that_is_not_set_up(env_db: str, capsys) -> None:
    assert main(["assessments", "--lang", "de"]) == 1
    assert "python -m bot migrate" in one_error_line(capsys)
    assert main(["forget", "conv-a"]) == 1
    assert "is not set up yet; run 'python -m bot migrate' first" in one_error_line(capsys)
    # Looking must not set the database up behind the operator's back.
    assert not {"assessments", "fact_changes"} & table_names(env_db)


def test_unreachable_database_is_one_line_exit_1(monkeypatch, capsys) -> None:
    # Nothing listens on port 1; the password must not appear in the message.
    monkeypatch.setenv("DATABASE_URL", "postgresql://staff:s3cret@127.0.0.1:1/nothing")
    assert main(["assessments"]) == 1
    error = one_error_line(capsys)
    assert "cannot use the database postgresql://staff:***@127.0.0.1:1/nothing" in error
    assert "s3cret" not in error


def test_readable_listing_newest_first_with_changes(stored, capsys) -> None:
    assert main(["assessments"]) == 0
    out = capsys.readouterr().out
    blocks = out.strip().split("\n\n")
    assert [b.splitlines()[0].split(" · ")[1] for b in blocks] == [
        "conversation conv-a",
        "conversation conv-b",
        "conversation conv-a",
    ]
    newest = blocks[0]
    assert newest.startswith("2025-03-01 09:30:")
    assert "channel rest · language en" in newest
    assert "Rule set: seed-000-usd300k" in newest
    assert "PartnerID: 4711" in newest
    assert "Result: incomplete" in newest
    assert "    revenue – Revenue requirement: met" in newest
    assert "    csp_tenure – CSP requirement: met" in newest
    assert (
        "Changed since previous: revenue unknown -> met; csp_revenue_usd null -> 350000;"
        ' partner_id null -> "4711"'
    ) in newest
    assert blocks[1].endswith("First assessment in this conversation.")
    assert blocks[2].endswith("First assessment in this conversation.")


def test_readable_listing_in_german_with_audit_trail(stored, capsys) -> None:
    assert main(["assessments", "--conversation", "conv-a", "--lang", "de"]) == 0
    out = capsys.readouterr().out
    assert "Gespräch conv-a · Kanal rest · Sprache en" in out
    assert "Ergebnis: unvollständig" in out
    assert "    revenue – Umsatzanforderung: erfüllt" in out
    assert (
        "Geändert seit der vorigen Bewertung: revenue offen -> erfüllt; csp_revenue_usd null -> 350000"
    ) in out
    assert "Gespräch conv-b" not in out
    assert "Änderungen der Angaben (Prüfpfad), älteste zuerst:" in out
    assert 'csp_revenue_usd null -> 350000 (Nachricht: "350.000 USD")' in out


def test_json_listing_by_partner(stored, capsys) -> None:
    assert main(["assessments", "--partner-id", "4711", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert "fact_changes" not in document
    listed = document["assessments"]
    assert [a["id"] for a in listed] == [stored["a2"], stored["b1"]]
    newest = listed[0]
    assert newest["conversation_id"] == "conv-a" and newest["partner_id"] == "4711"
    assert newest["requirements"]["revenue"] == "met"
    assert newest["facts"]["csp_revenue_usd"] == 350000
    assert newest["created_at"].startswith("2025-03-01T09:30:") and newest["created_at"].endswith(
        "+00:00"
    )
    assert newest["changes"]["previous_id"] == stored["a1"]
    assert newest["changes"]["requirements"] == {"revenue": {"old": "unknown", "new": "met"}}
    assert newest["changes"]["facts"]["csp_revenue_usd"] == {"old": None, "new": 350000}
    assert listed[1]["changes"]["previous_id"] is None


def test_json_listing_of_a_conversation_has_its_audit_trail(stored, capsys) -> None:
    assert main(["assessments", "--conversation", "conv-a", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [a["id"] for a in document["assessments"]] == [stored["a2"], stored["a1"]]
    [change] = document["fact_changes"]
    assert (change["fact"], change["old_value"], change["new_value"]) == (
        "csp_revenue_usd",
        None,
        350000,
    )
    assert change["source_text"] == "350.000 USD"


def test_nothing_found(stored, capsys) -> None:
    assert main(["assessments", "--partner-id", "999", "--lang", "de"]) == 0
    assert capsys.readouterr().out == "Keine gespeicherten Bewertungen gefunden.\n"
    assert main(["assessments", "--conversation", "nobody", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"assessments": [], "fact_changes": []}


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("de", "Eine PartnerID besteht nur aus Ziffern"),
        ("en", "a PartnerID consists of digits only"),
    ],
)
def test_invalid_partner_id_is_one_line_exit_2(stored, capsys, lang, expected) -> None:
    assert main(["assessments", "--partner-id", "47-11", "--lang", lang]) == 2
    assert expected in one_error_line(capsys)


def test_partner_and_conversation_are_exclusive(stored, capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["assessments", "--partner-id", "4711", "--conversation", "conv-a"])
    assert exited.value.code == 2
    assert "not allowed with argument" in one_error_line(capsys)


def test_forget_reports_what_it_deleted_per_table(stored, env_db, capsys) -> None:
    store = rasa_store(env_db)
    tracker = rasa_conversation("conv-a")
    save_tracker(store, tracker)
    store.engine.dispose()

    assert main(["forget", "conv-a", "--lang", "de"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Gelöscht für Gespräch conv-a:",
        "  Bewertungen (Tabelle assessments): 2",
        "  Änderungen von Angaben (Tabelle fact_changes): 1",
        f"  Einträge im Gesprächsverlauf (Tabelle events): {len(tracker.events)}",
    ]
    assert main(["forget", "conv-a"]) == 0
    assert capsys.readouterr().out == (
        "Nothing was stored for conversation conv-a; nothing was deleted.\n"
    )
    assert main(["assessments", "--json"]) == 0
    remaining = json.loads(capsys.readouterr().out)["assessments"]
    assert [a["conversation_id"] for a in remaining] == ["conv-b"]


def test_forget_without_rasa_table_says_so(stored, capsys) -> None:
    assert main(["forget", "conv-b"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Deleted for conversation conv-b:",
        "  assessment records (table assessments): 1",
        "  fact changes (table fact_changes): 0",
        "The conversation history (Rasa) is not in this database and was not touched.",
    ]


def test_forget_refuses_an_impossible_conversation_id(stored, capsys) -> None:
    assert main(["forget", "x" * 256, "--lang", "de"]) == 2
    assert "Ungültige Gesprächs-ID: sie ist länger als 255 Zeichen" in one_error_line(capsys)


def test_user_text_cannot_drive_the_terminal(env_db, clock, capsys) -> None:
    migrate.upgrade(env_db)
    repo = Repository(env_db, clock=clock)
    hostile = "\x1b[2J\x1b]0;pwned\x07evil\nnext line"
    repo.record_assessment(hostile, "rest", "en", verdict())
    repo.record_fact_change(hostile, "country", None, "DE", source_text=hostile)
    repo.dispose()
    assert main(["assessments", "--conversation", hostile]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "conversation \\x1b[2J\\x1b]0;pwned\\x07evil\\nnext line · channel" in out
    assert main(["forget", hostile]) == 0
    assert "\x1b" not in capsys.readouterr().out


def test_real_command_prints_json(stored, env_db) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "assessments", "--json", "--partner-id", "4711"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": env_db},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)["assessments"]
    assert [a["id"] for a in listed] == [stored["a2"], stored["b1"]]
    assert listed[0]["changes"]["requirements"] == {"revenue": {"old": "unknown", "new": "met"}}
