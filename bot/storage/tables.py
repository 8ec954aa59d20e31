"""The database schema (SQLAlchemy 2.0 declarative), portable between SQLite and PostgreSQL.

The Alembic migrations in migrations/versions/ create exactly these tables; a test compares the migrated
database with this metadata, so change both together (`alembic revision --autogenerate` drafts the change).

Portability choices:
- JSON columns are `sqlalchemy.JSON` (JSONB on PostgreSQL), with SQL NULL for None, not JSON 'null'.
- Every timestamp is a timezone-aware UTC datetime in Python. SQLite has no time zones, so `UtcDateTime`
  stores naive UTC there and hands back aware values; string comparison of those values stays correct
  because every stored value is normalised the same way.
- Surrogate keys are BIGINT on PostgreSQL and INTEGER on SQLite, where only INTEGER PRIMARY KEY is the
  auto-incrementing rowid.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Deterministic constraint names, so migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Id = BigInteger().with_variant(Integer(), "sqlite")
Json = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
CHANNEL_LEN = 32
USER_ID_LEN = 255
HASH_LEN = 64  # hex HMAC-SHA256


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes in Python on every database; naive values are refused, not guessed."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware UTC datetime")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: UtcDateTime(), dict[str, Any]: Json}


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
