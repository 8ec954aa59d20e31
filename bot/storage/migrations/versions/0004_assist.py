"""Volunteer-assisted sessions: one row per citizen helped (with consent), nothing about the citizen.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

Types are spelled out here rather than imported from tables_assist.py, so this migration keeps meaning
the same thing when the table changes later. (0004 did not exist when this was written: if it lands,
point this revision's down_revision at it.)
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "assisted_sessions",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("volunteer_id", ID, nullable=True),
        sa.Column("ward", sa.String(length=200), nullable=True),
        sa.Column("procedure", sa.String(length=100), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("started_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["admin_users.id"],
            name=op.f("fk_assisted_sessions_volunteer_id_admin_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assisted_sessions")),
    )
    op.create_index("ix_assisted_sessions_started", "assisted_sessions", ["started_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_assisted_sessions_started", table_name="assisted_sessions")
    op.drop_table("assisted_sessions")
