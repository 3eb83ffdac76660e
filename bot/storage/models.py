"""The tables this product owns. Rasa's `events` table is Rasa's: it creates it itself.

The schema is created and changed only by the Alembic migrations in `migrations/`; these classes
must describe exactly what the migrations build (a test compares the two).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Date, DateTime, Index, Integer, MetaData, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import declarative_base
from sqlalchemy.types import TypeDecorator

# Rasa's `events.sender_id` is VARCHAR(255); a conversation id that fits there fits here.
CONVERSATION_ID_LENGTH = 255
CHANNEL_LENGTH = 255
FACT_KEY_LENGTH = 64
PARTNER_ID_LENGTH = 32
RULES_VERSION_LENGTH = 100
STATUS_LENGTH = 32
DIGEST_LENGTH = 64  # SHA-256, hex


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime on every database.

    PostgreSQL keeps the zone (timestamptz); SQLite has no zone type and would hand back naive
    values, so they are stored as naive UTC there and made aware again on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware UTC time")
        value = value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


metadata = MetaData()
Base = declarative_base(metadata=metadata)


class Assessment(Base):
    """One verdict the assistant gave, with the facts it was based on."""

    __tablename__ = "assessments"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(CONVERSATION_ID_LENGTH), nullable=False)
    channel = Column(String(CHANNEL_LENGTH), nullable=True)
    language = Column(String(2), nullable=False)
    rules_version = Column(String(RULES_VERSION_LENGTH), nullable=False)
    partner_id = Column(String(PARTNER_ID_LENGTH), nullable=True)
    # The day the facts were evaluated against (derived tenure depends on it).
    as_of = Column(Date, nullable=False)
    # Every fact key: its normalised value, "dont_know", or null when open.
    facts = Column(JSON, nullable=False)
    # {requirement code: status}, in the order of RULES.md.
    statuses = Column(JSON, nullable=False)
    status = Column(String(STATUS_LENGTH), nullable=False)
    created_at = Column(UTCDateTime, nullable=False)

    __table_args__ = (
        Index("ix_assessments_conversation_id", "conversation_id"),
        Index("ix_assessments_partner_id", "partner_id"),
    )


class FactChange(Base):
    """The audit trail: one fact of one conversation changed from one value to another."""

    __tablename__ = "fact_changes"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(CONVERSATION_ID_LENGTH), nullable=False)
    fact = Column(String(FACT_KEY_LENGTH), nullable=False)
    old_value = Column(JSON, nullable=True)
    new_value = Column(JSON, nullable=True)
    # The user's words the new value was taken from, verbatim, when the caller knows them.
    source_text = Column(Text, nullable=True)
    changed_at = Column(UTCDateTime, nullable=False)

    __table_args__ = (Index("ix_fact_changes_conversation_id", "conversation_id"),)


class RevokedConversation(Base):
    """A widget conversation that no token may resume any more ("delete my data"). Kept by the
    SHA-256 of its id, so that the row holds nothing of the forgotten conversation itself."""

    __tablename__ = "revoked_conversations"

    conversation_digest = Column(String(DIGEST_LENGTH), primary_key=True)
    revoked_at = Column(UTCDateTime, nullable=False)


# The tables the migrations manage; anything else in the database (Rasa's `events`,
# `alembic_version`) is left alone by autogenerate and by downgrade.
OWN_TABLES = frozenset(metadata.tables)
