"""The repository the actions and the CLI call: assessments, the fact audit trail, deletion.

Every value reaches the database as a bound parameter of a SQLAlchemy statement; no stored or
user-supplied text is ever part of SQL. Results are plain frozen dataclasses, safe to hand across
threads after their session has closed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hashlib
import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import MetaData, Table, delete, func, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.orm import aliased, sessionmaker

from bot.channels.owners import WIDGET_PREFIX
from bot.eligibility import DONT_KNOW, FACT_SPECS, REQUIREMENTS, Facts, Verdict
from bot.eligibility.facts import FactError, json_value, validate_fact
from bot.i18n import Message, check_language
from bot.storage.db import make_engine
from bot.storage.models import (
    CHANNEL_LENGTH,
    CONVERSATION_ID_LENGTH,
    Assessment,
    FactChange,
    RevokedConversation,
)

# Rasa's SQLTrackerStore keeps every conversation event in this table (sender_id = conversation id).
RASA_EVENTS_TABLE = "events"
# Rasa puts its tables into this PostgreSQL schema when the variable is set (rasa.core.constants).
RASA_POSTGRESQL_SCHEMA_ENV = "POSTGRESQL_SCHEMA"


class StorageInputError(ValueError):
    """A value the repository refuses before it reaches the database.

    `field` names the argument, `reason` is one of "empty", "too_long", "nul", "type".
    """

    def __init__(self, field_name: str, reason: str, limit: int | None = None):
        self.field = field_name
        self.reason = reason
        self.limit = limit
        super().__init__(f"{field_name}: {reason}" + (f" (limit {limit})" if limit else ""))


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass(frozen=True)
class Change:
    old: Any
    new: Any

    def to_json(self) -> dict[str, Any]:
        return {"old": self.old, "new": self.new}


@dataclass(frozen=True)
class AssessmentDiff:
    """What changed since the previous assessment of the same conversation."""

    previous_id: int | None
    requirements: dict[str, Change] = field(default_factory=dict)
    facts: dict[str, Change] = field(default_factory=dict)
    rules_version: Change | None = None
    status: Change | None = None

    @property
    def is_first(self) -> bool:
        return self.previous_id is None

    @property
    def is_empty(self) -> bool:
        return not (self.requirements or self.facts or self.rules_version or self.status)

    def to_json(self) -> dict[str, Any]:
        return {
            "previous_id": self.previous_id,
            "status": self.status.to_json() if self.status else None,
            "rules_version": self.rules_version.to_json() if self.rules_version else None,
            "requirements": {code: c.to_json() for code, c in self.requirements.items()},
            "facts": {key: c.to_json() for key, c in self.facts.items()},
        }


@dataclass(frozen=True)
class StoredAssessment:
    id: int
    conversation_id: str
    channel: str | None
    language: str
    rules_version: str
    partner_id: str | None
    as_of: dt.date
    facts: dict[str, Any]
    statuses: dict[str, str]
    status: str
    created_at: dt.datetime
    changes: AssessmentDiff

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "conversation_id": self.conversation_id,
            "channel": self.channel,
            "language": self.language,
            "rules_version": self.rules_version,
            "partner_id": self.partner_id,
            "status": self.status,
            "requirements": dict(self.statuses),
            "facts": dict(self.facts),
            "as_of": self.as_of.isoformat(),
            "created_at": self.created_at.isoformat(),
            "changes": self.changes.to_json(),
        }


@dataclass(frozen=True)
class StoredFactChange:
    id: int
    conversation_id: str
    fact: str
    old_value: Any
    new_value: Any
    source_text: str | None
    changed_at: dt.datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "conversation_id": self.conversation_id,
            "fact": self.fact,
            "old_value": self.old_value,
            "new_value": self.new_value,
            "source_text": self.source_text,
            "changed_at": self.changed_at.isoformat(),
        }


def conversation_digest(conversation_id: str) -> str:
    """How a revoked conversation is kept: its id's SHA-256, never the id itself."""
    return hashlib.sha256(conversation_id.encode("utf-8")).hexdigest()


def _revoke(connection: Connection, conversation_id: str, now: dt.datetime) -> None:
    """Records the revocation; a second one (two deletions racing) is no error and no change."""
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    table = RevokedConversation.__table__
    connection.execute(
        insert(table)
        .values(conversation_digest=conversation_digest(conversation_id), revoked_at=now)
        .on_conflict_do_nothing(index_elements=[table.c.conversation_digest])
    )


def _check_text(name: str, value: Any, limit: int | None, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str):
        raise StorageInputError(name, "type")
    if not value:
        raise StorageInputError(name, "empty")
    if limit is not None and len(value) > limit:
        raise StorageInputError(name, "too_long", limit)
    # PostgreSQL cannot store NUL in text; refusing it everywhere keeps both databases alike.
    if "\x00" in value:
        raise StorageInputError(name, "nul")


def _fact_value(fact: str, value: Any, as_of: dt.date) -> Any:
    """A fact value as the audit trail stores it: normalised like the verdict's facts."""
    if value is None or (isinstance(value, str) and value == DONT_KNOW):
        return value
    return json_value(validate_fact(fact, value, as_of))


def _facts_json(facts: Facts) -> dict[str, Any]:
    data = facts.to_json()
    # Keep "asked, does not know" apart from "never asked", as the CLI's fact files do.
    for key in facts.dont_know:
        data[key] = DONT_KNOW
    return data


def _ordered_keys(known_order: Iterable[str], *mappings: Mapping[str, Any]) -> list[str]:
    present = set().union(*mappings)
    ordered = [key for key in known_order if key in present]
    return ordered + sorted(present - set(ordered))


def _changes(order: Iterable[str], old: Mapping[str, Any], new: Mapping[str, Any]) -> dict:
    return {
        key: Change(old.get(key), new.get(key))
        for key in _ordered_keys(order, old, new)
        if old.get(key) != new.get(key)
    }


def _diff(row: Assessment, previous: Assessment | None) -> AssessmentDiff:
    if previous is None:
        return AssessmentDiff(previous_id=None)
    return AssessmentDiff(
        previous_id=previous.id,
        requirements=_changes([r.code for r in REQUIREMENTS], previous.statuses, row.statuses),
        facts=_changes(FACT_SPECS, previous.facts, row.facts),
        rules_version=Change(previous.rules_version, row.rules_version)
        if previous.rules_version != row.rules_version
        else None,
        status=Change(previous.status, row.status) if previous.status != row.status else None,
    )


def _stored(row: Assessment, previous: Assessment | None) -> StoredAssessment:
    return StoredAssessment(
        id=row.id,
        conversation_id=row.conversation_id,
        channel=row.channel,
        language=row.language,
        rules_version=row.rules_version,
        partner_id=row.partner_id,
        as_of=row.as_of,
        facts=dict(row.facts),
        statuses=dict(row.statuses),
        status=row.status,
        created_at=row.created_at,
        changes=_diff(row, previous),
    )


def _stored_change(row: FactChange) -> StoredFactChange:
    return StoredFactChange(
        id=row.id,
        conversation_id=row.conversation_id,
        fact=row.fact,
        old_value=row.old_value,
        new_value=row.new_value,
        source_text=row.source_text,
        changed_at=row.changed_at,
    )


class Repository:
    """Synchronous access to the stored assessments; one per process, safe to share by threads."""

    def __init__(
        self,
        engine: Engine | str | URL | None = None,
        *,
        clock: Callable[[], dt.datetime] = utc_now,
    ):
        self.engine = engine if isinstance(engine, Engine) else make_engine(engine)
        self._sessions = sessionmaker(self.engine, future=True, expire_on_commit=False)
        self._clock = clock

    def dispose(self) -> None:
        self.engine.dispose()

    # --- writing --------------------------------------------------------------------------------

    def record_assessment(
        self, conversation_id: str, channel: str | None, language: str, verdict: Verdict
    ) -> StoredAssessment:
        """Store one verdict the assistant gave; returns it with the changes to the previous one."""
        _check_text("conversation_id", conversation_id, CONVERSATION_ID_LENGTH)
        _check_text("channel", channel, CHANNEL_LENGTH, optional=True)
        check_language(language)
        facts = _facts_json(verdict.facts)  # validated by the engine: stored as they are
        partner_id = verdict.facts.get("partner_id")
        if partner_id is not None:
            # The one value that is a lookup key is checked again: `Facts(...)` built directly,
            # not through `from_mapping`, carries whatever it was given.
            partner_id = facts["partner_id"] = validate_fact(
                "partner_id", partner_id, verdict.facts.as_of
            )
        row = Assessment(
            conversation_id=conversation_id,
            channel=channel,
            language=language,
            rules_version=verdict.rules.rules_version,
            partner_id=partner_id,
            as_of=verdict.facts.as_of,
            facts=facts,
            statuses={r.code: r.status for r in verdict.results},
            status=verdict.status,
            created_at=self._clock(),
        )
        with self._sessions.begin() as session:
            session.add(row)
            session.flush()
            previous = session.scalars(
                select(Assessment)
                .where(
                    Assessment.conversation_id == conversation_id,
                    # The latest one before this, by the same order list_assessments uses.
                    (Assessment.created_at < row.created_at)
                    | ((Assessment.created_at == row.created_at) & (Assessment.id < row.id)),
                )
                .order_by(Assessment.created_at.desc(), Assessment.id.desc())
                .limit(1)
            ).first()
            return _stored(row, previous)

    def record_fact_change(
        self,
        conversation_id: str,
        fact: str,
        old_value: Any,
        new_value: Any,
        *,
        source_text: str | None = None,
        as_of: dt.date | None = None,
    ) -> StoredFactChange | None:
        """Add one fact change to the audit trail; None (nothing stored) when the value is the same.

        Values are validated and normalised like the engine's facts (None = open, "dont_know");
        an invalid value, such as a PartnerID that is not digits, raises FactError.
        """
        changes = self.record_fact_changes(
            conversation_id,
            {fact: old_value},
            {fact: new_value},
            source_text=source_text,
            as_of=as_of,
            facts_only=False,
        )
        return changes[0] if changes else None

    def record_fact_changes(
        self,
        conversation_id: str,
        before: Mapping[str, Any],
        after: Mapping[str, Any],
        *,
        source_text: str | None = None,
        as_of: dt.date | None = None,
        facts_only: bool = True,
    ) -> list[StoredFactChange]:
        """Audit every fact whose value differs between two slot mappings, in one transaction.

        Keys that are not fact keys (other slots) are skipped, unless `facts_only` is False, when
        they raise FactError like an unknown fact.
        """
        _check_text("conversation_id", conversation_id, CONVERSATION_ID_LENGTH)
        _check_text("source_text", source_text, None, optional=True)
        as_of = as_of or dt.date.today()
        keys = _ordered_keys(FACT_SPECS, before, after)
        if not facts_only:
            for key in keys:
                if key not in FACT_SPECS:
                    raise FactError(key, Message("error.unknown_fact", {"fact": key}))
        facts = [key for key in keys if key in FACT_SPECS]
        return self._write_fact_changes(
            conversation_id,
            {key: _fact_value(key, before.get(key), as_of) for key in facts},
            {key: _fact_value(key, after.get(key), as_of) for key in facts},
            source_text,
        )

    def record_fact_diff(
        self, conversation_id: str, before: Facts, after: Facts, *, source_text: str | None = None
    ) -> list[StoredFactChange]:
        """Audit every fact that differs between the facts before and after a turn: validated
        `Facts`, stored as they are."""
        _check_text("conversation_id", conversation_id, CONVERSATION_ID_LENGTH)
        _check_text("source_text", source_text, None, optional=True)
        return self._write_fact_changes(
            conversation_id, _facts_json(before), _facts_json(after), source_text
        )

    def _write_fact_changes(
        self,
        conversation_id: str,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        source_text: str | None,
    ) -> list[StoredFactChange]:
        now = self._clock()
        rows = [
            FactChange(
                conversation_id=conversation_id,
                fact=key,
                old_value=old.get(key),
                new_value=new.get(key),
                source_text=source_text,
                changed_at=now,
            )
            for key in _ordered_keys(FACT_SPECS, old, new)
            if old.get(key) != new.get(key)
        ]
        if not rows:
            return []
        with self._sessions.begin() as session:
            session.add_all(rows)
            session.flush()
            return [_stored_change(row) for row in rows]

    # --- reading --------------------------------------------------------------------------------

    def list_assessments(
        self,
        conversation_id: str | None = None,
        partner_id: str | None = None,
        *,
        limit: int | None = None,
    ) -> list[StoredAssessment]:
        """Stored assessments, newest first, each with its changes to the conversation's previous one.

        The previous assessment is the one before it in the same conversation, whether or not it
        matches the filter (an assessment before the PartnerID was known still counts).
        """
        if partner_id is not None:
            partner_id = validate_fact("partner_id", partner_id, dt.date.today())
        if conversation_id is not None:
            _check_text("conversation_id", conversation_id, CONVERSATION_ID_LENGTH)

        def filters(entity: Any) -> list[Any]:
            conditions = []
            if conversation_id is not None:
                conditions.append(entity.conversation_id == conversation_id)
            if partner_id is not None:
                conditions.append(entity.partner_id == partner_id)
            return conditions

        # Number each conversation's assessments in order, only for the conversations asked for.
        matched = aliased(Assessment)
        ranked = (
            select(
                Assessment.id.label("id"),
                func.lag(Assessment.id)
                .over(
                    partition_by=Assessment.conversation_id,
                    order_by=(Assessment.created_at, Assessment.id),
                )
                .label("previous_id"),
            )
            .where(
                Assessment.conversation_id.in_(
                    select(matched.conversation_id).where(*filters(matched))
                )
            )
            .subquery()
        )
        previous = aliased(Assessment)
        statement = (
            select(Assessment, previous)
            .join(ranked, ranked.c.id == Assessment.id)
            .outerjoin(previous, previous.id == ranked.c.previous_id)
            .where(*filters(Assessment))
            .order_by(Assessment.created_at.desc(), Assessment.id.desc())
        )
        if limit is not None:
            statement = statement.limit(limit)
        with self._sessions() as session:
            return [_stored(row, prev) for row, prev in session.execute(statement)]

    def last_assessment_for_partner(self, partner_id: str) -> StoredAssessment | None:
        """The newest assessment that named this PartnerID (FactError if it is not digits)."""
        found = self.list_assessments(partner_id=partner_id, limit=1)
        return found[0] if found else None

    def fact_changes(self, conversation_id: str) -> list[StoredFactChange]:
        """The conversation's audit trail, oldest first."""
        _check_text("conversation_id", conversation_id, CONVERSATION_ID_LENGTH)
        statement = (
            select(FactChange)
            .where(FactChange.conversation_id == conversation_id)
            .order_by(FactChange.changed_at, FactChange.id)
        )
        with self._sessions() as session:
            return [_stored_change(row) for row in session.scalars(statement)]

    def is_revoked(self, conversation_id: str) -> bool:
        """Whether the conversation was forgotten, so that no token may resume it."""
        _check_text("conversation_id", conversation_id, CONVERSATION_ID_LENGTH)
        table = RevokedConversation.__table__
        statement = select(table.c.conversation_digest).where(
            table.c.conversation_digest == conversation_digest(conversation_id)
        )
        with self.engine.connect() as connection:
            return connection.execute(statement).first() is not None

    # --- deletion -------------------------------------------------------------------------------

    def forget(self, conversation_id: str) -> dict[str, int]:
        """Delete everything stored about one conversation; rows deleted per table.

        Covers this product's tables and, when it is in the same database, Rasa's tracker-store
        `events` table (the key "events" is present only then). One transaction: all or nothing.
        A widget conversation is also revoked in that transaction: its tokens, still in a browser
        or copied elsewhere, resume nothing afterwards, on any server (`is_revoked`).
        """
        _check_text("conversation_id", conversation_id, CONVERSATION_ID_LENGTH)
        counts: dict[str, int] = {}
        with self.engine.begin() as connection:
            if conversation_id.startswith(WIDGET_PREFIX):
                _revoke(connection, conversation_id, self._clock())
            for model in (Assessment, FactChange):
                table = model.__table__
                result = connection.execute(
                    delete(table).where(table.c.conversation_id == conversation_id)
                )
                counts[table.name] = result.rowcount
            events = rasa_events_table(connection)
            if events is not None:
                result = connection.execute(
                    delete(events).where(events.c.sender_id == conversation_id)
                )
                counts[RASA_EVENTS_TABLE] = result.rowcount
        return counts


def rasa_events_schema(connection: Connection) -> str | None:
    if connection.dialect.name != "postgresql":
        return None
    return os.environ.get(RASA_POSTGRESQL_SCHEMA_ENV) or None


def rasa_events_table(connection: Connection) -> Table | None:
    """Rasa's `events` table, reflected, or None when this database has none."""
    schema = rasa_events_schema(connection)
    if not inspect(connection).has_table(RASA_EVENTS_TABLE, schema=schema):
        return None
    table = Table(RASA_EVENTS_TABLE, MetaData(), autoload_with=connection, schema=schema)
    # A table of that name without Rasa's key column is not Rasa's: leave it alone.
    return table if "sender_id" in table.c else None


class AsyncRepository:
    """The repository for the action server: each public method of `Repository`, as a coroutine
    that runs it on a worker thread (`await store.record_assessment(...)`).

    The action server is one asyncio event loop; a database call made on it directly would stall
    every other conversation until the database answers.
    """

    def __init__(self, repository: Repository, *, max_workers: int = 4):
        self.repository = repository
        # A small, own pool: database calls cannot starve the loop's default executor, and
        # SQLite's single writer is not crowded by dozens of waiting threads.
        self._executor = ThreadPoolExecutor(max_workers, thread_name_prefix="bot-storage")

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_") or name in ("repository", "dispose"):
            raise AttributeError(name)
        method = getattr(self.repository, name)
        if not callable(method):
            raise AttributeError(name)

        @functools.wraps(method)
        async def on_a_worker(*args: Any, **kwargs: Any) -> Any:
            # Copies of mappings: the caller's slot dicts may change on the loop meanwhile.
            args = tuple(dict(a) if isinstance(a, Mapping) else a for a in args)
            loop = asyncio.get_running_loop()
            call = functools.partial(method, *args, **kwargs)
            return await loop.run_in_executor(self._executor, call)

        return on_a_worker

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        self.repository.dispose()


@functools.lru_cache(maxsize=1)
def default_repository() -> Repository:
    """The process's repository on DATABASE_URL (created on first use)."""
    return Repository()


@functools.lru_cache(maxsize=1)
def default_async_repository() -> AsyncRepository:
    """The action server's repository on DATABASE_URL (created on first use)."""
    return AsyncRepository(default_repository())
