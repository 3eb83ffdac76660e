"""Alembic environment: the URL from bot.storage.config, the tables from bot.storage.models."""

from __future__ import annotations

from logging.config import fileConfig
from typing import Any

from alembic import context

from bot.storage.config import database_url
from bot.storage.db import make_engine
from bot.storage.models import OWN_TABLES, metadata

config = context.config

if config.attributes.get("configure_logging", True) and config.config_file_name:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    # Rasa's `events` table shares the database; autogenerate must never propose to drop it.
    if type_ == "table":
        return name in OWN_TABLES
    return True


def _url() -> str:
    return config.attributes.get("url") or database_url()


def run_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=metadata,
        include_object=include_object,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=metadata,
                include_object=include_object,
                # SQLite cannot ALTER most things; batch mode copies the table instead.
                render_as_batch=connection.dialect.name == "sqlite",
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
