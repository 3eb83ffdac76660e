"""Assessments and the fact-change audit trail.

Revision ID: 0001
Revises:
Create Date: 2025-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("channel", sa.String(255), nullable=True),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("rules_version", sa.String(100), nullable=False),
        sa.Column("partner_id", sa.String(32), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("statuses", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_assessments_conversation_id", "assessments", ["conversation_id"])
    op.create_index("ix_assessments_partner_id", "assessments", ["partner_id"])
    op.create_table(
        "fact_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("fact", sa.String(64), nullable=False),
        sa.Column("old_value", sa.JSON(), nullable=True),
        sa.Column("new_value", sa.JSON(), nullable=True),
        sa.Column("source_text", sa.Text(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_fact_changes_conversation_id", "fact_changes", ["conversation_id"])


def downgrade() -> None:
    op.drop_index("ix_fact_changes_conversation_id", table_name="fact_changes")
    op.drop_table("fact_changes")
    op.drop_index("ix_assessments_partner_id", table_name="assessments")
    op.drop_index("ix_assessments_conversation_id", table_name="assessments")
    op.drop_table("assessments")
