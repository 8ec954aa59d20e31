"""Handoff to a person: the queue of conversations handed over, and their transcripts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

Types are spelled out here rather than imported from tables_handoff.py, so this migration keeps meaning
the same thing when the tables change later.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)
NAME = sa.String(length=200)


def _id() -> sa.Column[int]:
    return sa.Column("id", ID, autoincrement=True, nullable=False)


def upgrade() -> None:
    op.create_table(
        "handoffs",
        _id(),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("ward", NAME, nullable=False),
        sa.Column("procedure", sa.String(length=100), nullable=True),
        sa.Column("origin", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("in_hours", sa.Boolean(), nullable=False),
        sa.Column("acked", sa.Boolean(), nullable=False),
        sa.Column("claimed_at", UTC_TIME, nullable=True),
        sa.Column("claimed_by_id", ID, nullable=True),
        sa.Column("claimed_by", NAME, nullable=True),
        sa.Column("closed_at", UTC_TIME, nullable=True),
        sa.Column("closed_by", sa.String(length=16), nullable=True),
        sa.Column("rating_pending", sa.Boolean(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rated_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["claimed_by_id"],
            ["admin_users.id"],
            name=op.f("fk_handoffs_claimed_by_id_admin_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoffs")),
    )
    op.create_index("ix_handoffs_status", "handoffs", ["status", "created_at"], unique=False)
    op.create_index("ix_handoffs_conversation", "handoffs", ["channel", "user_id", "id"], unique=False)
    op.create_index("ix_handoffs_ward_claimed", "handoffs", ["ward", "claimed_at"], unique=False)
    op.create_table(
        "handoff_messages",
        _id(),
        sa.Column("handoff_id", ID, nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("who", sa.String(length=16), nullable=False),
        sa.Column("author", NAME, nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("outbox_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["handoff_id"],
            ["handoffs.id"],
            name=op.f("fk_handoff_messages_handoff_id_handoffs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox.id"],
            name=op.f("fk_handoff_messages_outbox_id_outbox"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_messages")),
    )
    op.create_index("ix_handoff_messages_handoff", "handoff_messages", ["handoff_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_handoff_messages_handoff", table_name="handoff_messages")
    op.drop_table("handoff_messages")
    op.drop_index("ix_handoffs_ward_claimed", table_name="handoffs")
    op.drop_index("ix_handoffs_conversation", table_name="handoffs")
    op.drop_index("ix_handoffs_status", table_name="handoffs")
    op.drop_table("handoffs")
