"""Staff accounts, credentials (hashes only), the audit log, and content revisions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

Types are spelled out here rather than imported from tables_admin.py, so this migration keeps meaning
the same thing when the tables change later.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")
UTC_TIME = sa.DateTime(timezone=True)
NAME = sa.String(length=200)
HASH = sa.String(length=64)


def _id() -> sa.Column[int]:
    return sa.Column("id", ID, autoincrement=True, nullable=False)


def upgrade() -> None:
    op.create_table(
        "admin_users",
        _id(),
        sa.Column("name", NAME, nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("ward", NAME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("disabled_at", UTC_TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_users")),
    )
    op.create_table(
        "admin_credentials",
        _id(),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("token_hash", HASH, nullable=False),
        sa.Column("label", NAME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=True),
        sa.Column("used_at", UTC_TIME, nullable=True),
        sa.Column("revoked_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["admin_users.id"],
            name=op.f("fk_admin_credentials_user_id_admin_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_credentials")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_admin_credentials_token_hash")),
    )
    op.create_index("ix_admin_credentials_user", "admin_credentials", ["user_id", "kind"], unique=False)
    op.create_table(
        "admin_audit",
        _id(),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("user_id", ID, nullable=True),
        sa.Column("who", NAME, nullable=False),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("target", sa.String(length=255), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["admin_users.id"],
            name=op.f("fk_admin_audit_user_id_admin_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_audit")),
    )
    op.create_index("ix_admin_audit_at", "admin_audit", ["at"], unique=False)
    op.create_table(
        "content_blobs",
        sa.Column("sha", HASH, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("sha", name=op.f("pk_content_blobs")),
    )
    op.create_table(
        "content_revisions",
        _id(),
        sa.Column("parent_id", ID, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("author", NAME, nullable=False),
        sa.Column("author_id", ID, nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("restores", ID, nullable=True),
        sa.Column("changed", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["admin_users.id"],
            name=op.f("fk_content_revisions_author_id_admin_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["content_revisions.id"],
            name=op.f("fk_content_revisions_parent_id_content_revisions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_revisions")),
        sa.UniqueConstraint("parent_id", name=op.f("uq_content_revisions_parent_id")),
    )
    op.create_table(
        "content_files",
        sa.Column("revision_id", ID, nullable=False),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("sha", HASH, nullable=False),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["content_revisions.id"],
            name=op.f("fk_content_files_revision_id_content_revisions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sha"], ["content_blobs.sha"], name=op.f("fk_content_files_sha_content_blobs")
        ),
        sa.PrimaryKeyConstraint("revision_id", "path", name=op.f("pk_content_files")),
    )


def downgrade() -> None:
    op.drop_table("content_files")
    op.drop_table("content_revisions")
    op.drop_table("content_blobs")
    op.drop_index("ix_admin_audit_at", table_name="admin_audit")
    op.drop_table("admin_audit")
    op.drop_index("ix_admin_credentials_user", table_name="admin_credentials")
    op.drop_table("admin_credentials")
    op.drop_table("admin_users")
