"""Transactions for the admin side, on the store's engine, with the same SQLite rules as the store.

Every unit that writes begins IMMEDIATE on SQLite (the database's one write lock, taken up front, so a
unit that reads before it writes cannot fail half-way with "database is locked"). Content revisions
must also be written one at a time across processes: on PostgreSQL `lock_content` takes a transaction-
scoped advisory lock; on SQLite the IMMEDIATE transaction already is that lock.

A SQLite :memory: database is one shared connection; the admin side does not share the store's turn
lock, so use a file (or PostgreSQL) when admin requests and chat turns may run at the same time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.errors import StorageError
from bot.storage.database import BEGIN_OPTION, IMMEDIATE

# Any constant shared by all Motcua processes, distinct from the migration lock's.
_PG_CONTENT_LOCK = 0x6D6F7463756102  # "motcua" + 2


@asynccontextmanager
async def unit(engine: AsyncEngine, write: bool) -> AsyncIterator[AsyncConnection]:
    """A connection in a transaction that commits when the block ends and rolls back on an error."""
    try:
        async with engine.connect() as conn:
            if write and engine.dialect.name == "sqlite":
                await conn.execution_options(**{BEGIN_OPTION: IMMEDIATE})
            async with conn.begin():
                yield conn
    except SQLAlchemyError as exc:
        # The first line names the driver error; the rest would repeat statement parameters.
        raise StorageError(f"database error: {str(exc).splitlines()[0]}") from exc


async def lock_content(conn: AsyncConnection) -> None:
    """Make content writers take turns until this transaction ends (see the module docstring)."""
    if conn.dialect.name == "postgresql":
        await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_CONTENT_LOCK})
