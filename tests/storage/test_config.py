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


STAFF = "5a1f0e2d-7c3b-4e9a-9d1f-0123456789ab"
OTHER = "0a0b0c0d-1111-4222-8333-444455556666"


def test_staff_ids_are_entra_object_ids(caplog) -> None:
    env = {"BOT_STAFF_IDS": f" alice , 29:1xYz-teams,,{STAFF.upper()} , {OTHER}"}
    # Ids no channel verifies are ignored, and the operator is told.
    assert staff_ids(env) == {STAFF, OTHER}
    assert "2 entries ignored" in caplog.text
    assert staff_ids({}) == frozenset() and staff_ids({"BOT_STAFF_IDS": ","}) == frozenset()


def test_staff_is_only_a_listed_users_teams_personal_chat() -> None:
    env = {"BOT_STAFF_IDS": f"{STAFF}, alice"}
    assert is_staff(f"teams:{STAFF}", env, input_channel="teams")
    refused = [
        (f"teams:{STAFF}", "rest"),  # the right id, a message from another channel
        (f"teams:{STAFF}", None),
        (STAFF, "teams"),  # not in the Teams namespace: a REST caller could name it
        ("alice", "rest"),
        ("teams:alice", "teams"),
        (f"teams:{STAFF}|19:abc@thread.v2", "teams"),  # group chat or channel
        (f"teams:bf:{STAFF}", "teams"),  # a user without an object id
        (f"teams:{OTHER}", "teams"),
        ("", "teams"),
        (None, "teams"),
    ]
    for sender, channel in refused:
        assert not is_staff(sender, env, input_channel=channel), (sender, channel)
    assert not is_staff(f"teams:{STAFF}", {}, input_channel="teams")
