"""The database schema (SQLAlchemy 2.0 declarative), portable between SQLite and PostgreSQL: the
conversation tables here, the others in tables_admin.py, tables_assist.py and tables_handoff.py, all on
the `Base` of tables_base.py (which also states the portability choices).

The Alembic migrations in migrations/versions/ create exactly these tables; a test compares the migrated
database with this metadata, so change both together (`alembic revision --autogenerate` drafts the change).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.tables_base import (
    CHANNEL_LEN,
    HASH_LEN,
    NAMING_CONVENTION,
    USER_ID_LEN,
    Base,
    Id,
    Json,
    UtcDateTime,
)

__all__ = ["CHANNEL_LEN", "HASH_LEN", "NAMING_CONVENTION", "USER_ID_LEN", "Base", "Id", "Json", "UtcDateTime"]


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("channel", "user_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(CHANNEL_LEN))
    user_id: Mapped[str] = mapped_column(String(USER_ID_LEN))
    # NULL until the first save: the row may be created only to be locked (see SqlStore.conversation).
    state: Mapped[dict[str, Any] | None]
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class Inbox(Base):
    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("channel", "dedupe_key"),
        Index("ix_inbox_pending", "processed_at", "id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(CHANNEL_LEN))
    user_id: Mapped[str] = mapped_column(String(USER_ID_LEN))
    dedupe_key: Mapped[str] = mapped_column(String(255))
    incoming: Mapped[dict[str, Any]]
    received_at: Mapped[dt.datetime]
    processed_at: Mapped[dt.datetime | None]


class Outbox(Base):
    """Replies not yet delivered. `failed_at` is set only when delivery is given up for good; a failure
    that will be retried bumps `attempts` and moves `next_attempt_at` instead."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "delivered_at", "failed_at", "next_attempt_at"),
        Index("ix_outbox_conversation", "channel", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(CHANNEL_LEN))
    user_id: Mapped[str] = mapped_column(String(USER_ID_LEN))
    inbox_id: Mapped[int | None] = mapped_column(Id, ForeignKey("inbox.id", ondelete="SET NULL"))
    seq: Mapped[int] = mapped_column(Integer)
    reply: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime]
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[dt.datetime | None]
    delivered_at: Mapped[dt.datetime | None]
    failed_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class Event(Base):
    """One row per turn, for analytics. Never a raw user id (user_hash) or raw ID/phone number."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_at", "at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime]
    channel: Mapped[str] = mapped_column(String(CHANNEL_LEN))
    user_hash: Mapped[str] = mapped_column(String(HASH_LEN))
    flow: Mapped[str] = mapped_column(String(100))
    step: Mapped[str] = mapped_column(String(100))
    procedure: Mapped[str | None] = mapped_column(String(100))
    incoming_kind: Mapped[str] = mapped_column(String(20))
    text_masked: Mapped[str] = mapped_column(Text)
    search_decision: Mapped[str | None] = mapped_column(String(20))
    search_top: Mapped[str | None] = mapped_column(String(100))
    extra: Mapped[dict[str, Any]]


class Feedback(Base):
    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_at", "at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime]
    channel: Mapped[str] = mapped_column(String(CHANNEL_LEN))
    user_hash: Mapped[str] = mapped_column(String(HASH_LEN))
    procedure: Mapped[str | None] = mapped_column(String(100))
    helpful: Mapped[bool] = mapped_column(Boolean)
    comment_masked: Mapped[str] = mapped_column(Text)


class Secret(Base):
    __tablename__ = "secrets"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    # NULL while the row exists only to be locked by a first update_secret.
    value: Mapped[dict[str, Any] | None]
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime]


from bot.storage import tables_admin as _tables_admin  # noqa: E402, F401 - joins this metadata
from bot.storage import tables_assist as _tables_assist  # noqa: E402, F401 - joins this metadata
from bot.storage import tables_handoff as _tables_handoff  # noqa: E402, F401 - joins this metadata
