"""The schema's shared pieces: the declarative `Base` (its metadata), column types and lengths.

Every table module (tables.py, tables_admin.py, tables_assist.py, tables_handoff.py) builds on these, so
none of them needs to import another to get its base; `bot.storage.tables` then imports the other three
so that `Base.metadata` holds the whole schema (migrations and `create_all` read it from there).

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
    DateTime,
    Dialect,
    Integer,
    MetaData,
    TypeDecorator,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase

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
