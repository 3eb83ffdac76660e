"""Conversations survive restarts: Rasa's tracker store on DATABASE_URL, read as Rasa reads it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain

from bot.storage import Repository
from bot.storage.config import ROOT
from bot.storage.tracker_store import ForgettingSQLTrackerStore
from tests.storage.conftest import rasa_conversation, save_tracker

# The tracker-store section endpoints.yml should carry (see bot/storage/tracker_store.py).
ENDPOINTS = """
tracker_store:
  type: bot.storage.tracker_store.ForgettingSQLTrackerStore
  url: ${DATABASE_URL}
  forget_action: action_forget_conversation
"""


def open_store(path: Path) -> TrackerStore:
    endpoints = AvailableEndpoints.read_endpoints(str(path))
    return TrackerStore.create(endpoints.tracker_store, Domain.empty())


def test_a_conversation_survives_a_restart_in_the_same_database(
    migrated_url: str, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    path = tmp_path / "endpoints.yml"
    path.write_text(ENDPOINTS, "utf-8")

    store = open_store(path)
    assert isinstance(store, ForgettingSQLTrackerStore)
    tracker = rasa_conversation("survivor")
    save_tracker(store, tracker)
    store.engine.dispose()  # the server stops

    restarted = open_store(path)
    again = asyncio.run(restarted.retrieve_full_tracker("survivor"))
    restarted.engine.dispose()
    assert again is not None
    assert [e.as_dict() for e in again.events] == [e.as_dict() for e in tracker.events]
    # Same database as the assessments: forget reaches Rasa's events there.
    repo = Repository(migrated_url)
    assert repo.forget("survivor")["events"] == len(tracker.events)
    repo.dispose()


def test_make_run_can_resolve_the_url_for_rasa(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "bot.storage", "url"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"sqlite:///{ROOT / 'var' / 'assistant.db'}\n"
    assert result.stderr == ""


def test_the_lock_store_is_shared_where_redis_is_configured(monkeypatch, redis_url: str) -> None:
    from rasa.core.lock_store import LockStore

    from bot.storage.lock_store import ConversationLockStore

    monkeypatch.setenv("ACTION_SERVER_URL", "http://127.0.0.1:5055/webhook")
    monkeypatch.setenv("BOT_ACTION_SERVER_TOKEN", "secret")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    for url, shared in (("", False), (redis_url, True)):
        monkeypatch.setenv("REDIS_URL", url)
        endpoints = AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml"))
        store = LockStore.create(endpoints.lock_store)
        assert isinstance(store, ConversationLockStore) and store.shared is shared


def test_rasa_calls_the_action_server_with_its_secret(monkeypatch) -> None:
    """endpoints.yml hands the action server's secret to Rasa as a bearer header."""
    monkeypatch.setenv("ACTION_SERVER_URL", "http://127.0.0.1:5055/webhook")
    monkeypatch.setenv("BOT_ACTION_SERVER_TOKEN", "s3cret-value")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("REDIS_URL", "")
    endpoints = AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml"))
    assert endpoints.action.headers == {"Authorization": "Bearer s3cret-value"}
