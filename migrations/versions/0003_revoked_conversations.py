"""Revoked widget conversations: "delete my data" ends every token of the conversation.

Revision ID: 0003_revoked
Revises: 0002_teams
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_revoked"
down_revision = "0002_teams"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "revoked_conversations",
        # SHA-256 of the conversation id, hex: nothing of the forgotten conversation stays.
        sa.Column("conversation_digest", sa.String(64), primary_key=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("revoked_conversations")
