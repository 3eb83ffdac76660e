"""Alembic, run from Python: `make run` (via `python -m bot migrate`) and the tests call this.

The migrations manage only this product's tables; Rasa creates its `events` table itself.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL, Engine

from bot.storage.config import ROOT, database_url
from bot.storage.db import make_engine

ALEMBIC_INI = ROOT / "alembic.ini"
MIGRATIONS = ROOT / "migrations"


def alembic_config(url: str | URL | None = None) -> Config:
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(MIGRATIONS))
    # Handed over as an attribute, not an ini option: configparser would read a "%" in a
    # password as interpolation.
    config.attributes["url"] = _url_text(url or database_url())
    # Programmatic runs keep the caller's logging; only the alembic command line sets its own.
    config.attributes["configure_logging"] = False
    return config


def _url_text(url: str | URL) -> str:
    return url if isinstance(url, str) else url.render_as_string(hide_password=False)


def upgrade(url: str | URL | None = None, revision: str = "head") -> None:
    """Bring the database at `url` (default: DATABASE_URL) up to `revision`."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | URL | None = None, revision: str = "base") -> None:
    """Take the database back to `revision`; "base" removes every table the migrations made."""
    command.downgrade(alembic_config(url), revision)


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS}")
    return head


def current_revision(url_or_engine: str | URL | Engine | None = None) -> str | None:
    """The revision the database is at; None when it was never migrated."""
    engine = url_or_engine if isinstance(url_or_engine, Engine) else make_engine(url_or_engine)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        if engine is not url_or_engine:
            engine.dispose()


def is_current(url_or_engine: str | URL | Engine | None = None) -> bool:
    return current_revision(url_or_engine) == head_revision()
