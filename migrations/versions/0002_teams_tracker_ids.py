"""Teams conversations move into the channel's own tracker-id namespace ("teams:").

Before, a Teams conversation's id was the user's Entra object id (personal chat) or
"<user>|<conversation>" — ids the REST channel's caller could type as well. Now every Teams
conversation is "teams:" + that id ("teams:bf:" + it where the user part is a Bot Framework id
rather than an Entra object id, so it can never look like one), and the REST channel refuses the
prefix. This moves what is stored: Rasa's `events` (conversations with a user message from the
channel "teams") and our tables keyed by conversation id (assessments, the fact-change audit
trail; assessments also by their `channel`). A conversation already named "teams:…" that did not
come from Teams (typed by a REST caller) is moved out of the namespace to "rest:teams:…", so the
namespace holds Teams conversations only. A move whose target id is taken, or too long for the
columns, is skipped and counted in the log; the rest of the migration goes on.

Revision ID: 0002_teams
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

from bot.storage.repository import rasa_events_table

revision = "0002_teams"
down_revision = "0001"
branch_labels = None
depends_on = None

logger = logging.getLogger("alembic.runtime.migration")

# Frozen here as this revision defines them (bot.channels.owners.TEAMS_PREFIX may not change
# under an old migration).
TEAMS_PREFIX = "teams:"
BOT_FRAMEWORK_PREFIX = TEAMS_PREFIX + "bf:"
SQUATTED_PREFIX = "rest:"
TEAMS_CHANNEL = "teams"
MAX_ID_LENGTH = 255
_ENTRA_OBJECT_ID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")

_assessments = sa.table(
    "assessments", sa.column("conversation_id", sa.String), sa.column("channel", sa.String)
)
_fact_changes = sa.table("fact_changes", sa.column("conversation_id", sa.String))
_OWN_TABLES = (_assessments, _fact_changes)


def teams_id(old: str) -> str:
    """The new id of a Teams conversation stored as `old` ("<user>" or "<user>|<conversation>")."""
    user = old.partition("|")[0]
    return (TEAMS_PREFIX if _ENTRA_OBJECT_ID.fullmatch(user) else BOT_FRAMEWORK_PREFIX) + old


def _stored_ids(connection: Connection, events: sa.Table | None) -> set[str]:
    ids = {
        row[0]
        for table in _OWN_TABLES
        for row in connection.execute(sa.select(table.c.conversation_id).distinct())
    }
    if events is not None:
        ids |= {row[0] for row in connection.execute(sa.select(events.c.sender_id).distinct())}
    return ids


def _teams_conversations(connection: Connection, events: sa.Table | None) -> set[str]:
    """Ids of the conversations with at least one user message that came through Teams."""
    found = {
        row[0]
        for row in connection.execute(
            sa.select(_assessments.c.conversation_id)
            .where(_assessments.c.channel == TEAMS_CHANNEL)
            .distinct()
        )
    }
    if events is not None:
        # The LIKE only narrows the rows read; the JSON decides.
        rows = connection.execute(
            sa.select(events.c.sender_id, events.c.data).where(
                events.c.type_name == "user", events.c.data.like(f"%{TEAMS_CHANNEL}%")
            )
        )
        for sender, data in rows:
            try:
                event = json.loads(data)
            except (TypeError, ValueError):
                continue
            if isinstance(event, dict) and event.get("input_channel") == TEAMS_CHANNEL:
                found.add(sender)
    return found


def _rename_all(
    connection: Connection, events: sa.Table | None, moves: Iterable[tuple[str, str]], what: str
) -> None:
    taken = _stored_ids(connection, events)
    moved = skipped = 0
    for old, new in sorted(moves):
        if new in taken or len(new) > MAX_ID_LENGTH:
            skipped += 1
            continue
        for table in _OWN_TABLES:
            connection.execute(
                table.update().where(table.c.conversation_id == old).values(conversation_id=new)
            )
        if events is not None:
            connection.execute(
                events.update().where(events.c.sender_id == old).values(sender_id=new)
            )
        taken.discard(old)
        taken.add(new)
        moved += 1
    # Counts only: conversation ids name people.
    logger.info(
        "%s: %s conversations moved, %s skipped (id taken or too long)", what, moved, skipped
    )


def upgrade() -> None:
    connection = op.get_bind()
    events = rasa_events_table(connection)
    teams = _teams_conversations(connection, events)
    squatted = {
        c for c in _stored_ids(connection, events) if c.startswith(TEAMS_PREFIX) and c not in teams
    }
    _rename_all(
        connection,
        events,
        ((c, SQUATTED_PREFIX + c) for c in squatted),
        "Non-Teams conversations out of the Teams namespace",
    )
    _rename_all(
        connection,
        events,
        ((c, teams_id(c)) for c in teams if not c.startswith(TEAMS_PREFIX)),
        "Teams conversations into their namespace",
    )


def downgrade() -> None:
    connection = op.get_bind()
    events = rasa_events_table(connection)
    stored = _stored_ids(connection, events)
    _rename_all(
        connection,
        events,
        (
            (
                c,
                c.removeprefix(
                    BOT_FRAMEWORK_PREFIX if c.startswith(BOT_FRAMEWORK_PREFIX) else TEAMS_PREFIX
                ),
            )
            for c in stored
            if c.startswith(TEAMS_PREFIX)
        ),
        "Teams conversations back to their old ids",
    )
    _rename_all(
        connection,
        events,
        (
            (c, c.removeprefix(SQUATTED_PREFIX))
            for c in stored
            if c.startswith(SQUATTED_PREFIX + TEAMS_PREFIX)
        ),
        "Non-Teams conversations back into the Teams namespace",
    )
