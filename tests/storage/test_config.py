"""DATABASE_URL and BOT_STAFF_IDS."""

from __future__ import annotations

from pathlib import Path

from bot.storage.config import ROOT, database_url, is_staff, shown_url, staff_ids


def test_default_is_a_sqlite_file_under_the_repositorys_var(tmp_path, monkeypatch) -> None:
    # Started from anywhere, the default is the same file.
    monkeypatch.chdir(tmp_path)
    assert database_url({}) == f"sqlite:///{ROOT / 'var' / 'assistant.db'}"
    assert (ROOT / "var").is_dir()
    assert database_url({"DATABASE_URL": "  "}) == database_url({})
    assert "var/" in (ROOT / ".gitignore").read_text().splitlines()


def test_relative_sqlite_path_is_resolved_and_its_directory_made(tmp_path) -> None:
    absolute = tmp_path / "deep" / "er" / "x.db"
    assert database_url({"DATABASE_URL": f"sqlite:///{absolute}"}) == f"sqlite:///{absolute}"
    assert absolute.parent.is_dir()
    relative = database_url({"DATABASE_URL": "sqlite:///var/other.db"})
    assert Path(relative.removeprefix("sqlite:///")) == ROOT / "var" / "other.db"
    assert database_url({"DATABASE_URL": "sqlite://"}) == "sqlite://"


def test_postgresql_url_is_kept_and_its_password_never_shown() -> None:
    url = "postgresql://bot:p%40ss%3Aw0rd@db.example:5433/assistant?sslmode=require"
    assert database_url({"DATABASE_URL": url}) == url
    assert shown_url(url) == "postgresql://bot:***@db.example:5433/assistant?sslmode=require"


def test_staff_ids() -> None:
    env = {"BOT_STAFF_IDS": " alice , 29:1xYz-teams,,bob "}
    assert staff_ids(env) == {"alice", "29:1xYz-teams", "bob"}
    assert is_staff("29:1xYz-teams", env) and not is_staff("mallory", env)
    assert not is_staff("", {"BOT_STAFF_IDS": ","}) and not is_staff(None, env)
    assert staff_ids({}) == frozenset() and not is_staff("alice", {})
