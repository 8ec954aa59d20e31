"""Database URLs, engines and the few SQL dialect differences the stores need.

MOTCUA_DATABASE_URL is written the way people know it (sqlite:///./motcua.db, postgresql://...,
postgresql+psycopg://...). The store runs on asyncio, so these map to async drivers (aiosqlite, psycopg's
async mode); migrations, run from synchronous code, use the same URL with sync drivers.

SQLite needs care to serialise writers across processes: the sqlite3 driver's own transaction handling
starts transactions late (DEFERRED, only at the first write), and a deferred transaction that read before
writing fails at once with "database is locked" instead of waiting. So we switch that handling off, emit
BEGIN ourselves, and make it BEGIN IMMEDIATE (take the write lock up front, waiting up to busy_timeout)
for every unit of work that writes. WAL mode lets readers proceed while a writer holds the lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.sql.dml import Insert

from bot.errors import ConfigError
from bot.storage.tables import Base

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Execution option naming how a SQLite transaction begins; see `sqlite_begin_hook`.
BEGIN_OPTION = "motcua_sqlite_begin"
IMMEDIATE = "IMMEDIATE"


def parse_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"MOTCUA_DATABASE_URL: {url!r} is not a database URL ({exc})") from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql", "postgres"):
        raise ConfigError(
            f"MOTCUA_DATABASE_URL: database {backend!r} is not supported; use sqlite:///./motcua.db "
            "or postgresql+psycopg://user@host:5432/dbname"
        )
    return parsed


def async_url(url: str) -> URL:
    """The URL with an asyncio driver: sqlite+aiosqlite, or postgresql+psycopg (async mode)."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    if parsed.drivername.endswith("+asyncpg"):
        return parsed.set(drivername="postgresql+asyncpg")
    return parsed.set(drivername="postgresql+psycopg")


def sync_url(url: str) -> URL:
    """The URL with a blocking driver, for migrations run outside an event loop."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(drivername="sqlite")
    return parsed.set(drivername="postgresql+psycopg")


def is_sqlite_memory(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


DEFAULT_POOL_SIZE = 30


def create_engine_for(url: str, echo: bool = False, pool_size: int | None = None) -> AsyncEngine:
    parsed = async_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_async_engine(parsed, echo=echo)
    else:
        # Under load 50 citizens need more than the default 5 connections; opening and closing them
        # per turn was a large share of the time in the throughput profile. The pool keeps
        # MOTCUA_DATABASE_POOL_SIZE open; the few overflow connections (opened and closed again) are a
        # margin for bursts, not the working set.
        size = pool_size or DEFAULT_POOL_SIZE
        engine = create_async_engine(parsed, echo=echo, pool_size=size, max_overflow=max(2, size // 4))
    if parsed.get_backend_name() == "sqlite":
        install_sqlite_hooks(engine.sync_engine, wal=not is_sqlite_memory(parsed))
    return engine


def install_sqlite_hooks(engine: Engine, wal: bool) -> None:
    """Take transaction control away from the sqlite3 driver and set each connection up for concurrency."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (module docstring)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if wal:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")  # durable at checkpoints; safe with WAL
        finally:
            cursor.close()

    event.listen(engine, "begin", sqlite_begin_hook)


def sqlite_begin_hook(conn: Connection) -> None:
    mode = conn.get_execution_options().get(BEGIN_OPTION)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if mode == IMMEDIATE else "BEGIN")


def insert_ignoring_conflicts(
    dialect_name: str, table: type[Base], values: dict[str, Any], conflict_columns: Sequence[str]
) -> Insert:
    """INSERT ... ON CONFLICT (columns) DO NOTHING, which both SQLite and PostgreSQL understand.

    Used where concurrent writers may race to create the same row: the loser's insert becomes a no-op
    instead of an error that would abort a PostgreSQL transaction."""
    if dialect_name == "postgresql":
        return postgresql.insert(table).values(values).on_conflict_do_nothing(index_elements=conflict_columns)
    if dialect_name == "sqlite":
        return sqlite.insert(table).values(values).on_conflict_do_nothing(index_elements=conflict_columns)
    raise ConfigError(f"database dialect {dialect_name!r} is not supported")
