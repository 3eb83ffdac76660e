"""The engines' settings that keep partners' data where it belongs."""

from __future__ import annotations

import logging
import stat
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.storage.config import database_url
from bot.storage.db import make_engine


def test_a_failed_statement_names_no_parameter(db_url: str, caplog) -> None:
    """What a partner wrote must not reach the log with the error of a statement that held it."""
    words = "Vertraulich-" + uuid.uuid4().hex
    engine = make_engine(db_url)
    try:
        with pytest.raises(DBAPIError) as failed, engine.connect() as connection:
            connection.execute(text("INSERT INTO no_such_table VALUES (:text)"), {"text": words})
        logging.getLogger("test").error("statement failed", exc_info=failed.value)
    finally:
        engine.dispose()
    assert "no_such_table" in str(failed.value), "the statement is still named"
    assert words not in str(failed.value) and words not in caplog.text


def test_the_sqlite_file_is_its_owners_only(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)  # a folder the operator chose, which may be shared
    new = tmp_path / "made" / "assistant.db"
    database_url({"DATABASE_URL": f"sqlite:///{new}"})
    assert stat.S_IMODE(new.stat().st_mode) == 0o600
    assert stat.S_IMODE(new.parent.stat().st_mode) == 0o700
    older = tmp_path / "older.db"
    older.write_bytes(b"")
    older.chmod(0o644)
    Path(f"{older}-wal").write_bytes(b"")
    Path(f"{older}-wal").chmod(0o644)
    database_url({"DATABASE_URL": f"sqlite:///{older}"})
    assert stat.S_IMODE(older.stat().st_mode) == 0o600, "a file made before is tightened"
    assert stat.S_IMODE(Path(f"{older}-wal").stat().st_mode) == 0o600
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755, "an existing folder is left as it is"
