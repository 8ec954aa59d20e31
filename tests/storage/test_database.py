"""URLs, engines and SQLite's transaction set-up."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bot.errors import ConfigError, StorageError
from bot.storage.base import ConversationKey
from bot.storage.database import async_url, is_sqlite_memory, sync_url
from bot.storage.sql.store import SqlStore
from tests.storage.conftest import StoreKit


@pytest.mark.parametrize(
    ("given", "for_async", "for_sync"),
    [
        ("sqlite:///./motcua.db", "sqlite+aiosqlite:///./motcua.db", "sqlite:///./motcua.db"),
        ("sqlite:///:memory:", "sqlite+aiosqlite:///:memory:", "sqlite:///:memory:"),
        ("sqlite+aiosqlite:////var/m.db", "sqlite+aiosqlite:////var/m.db", "sqlite:////var/m.db"),
        ("postgresql://u@db:5432/m", "postgresql+psycopg://u@db:5432/m", "postgresql+psycopg://u@db:5432/m"),
        ("postgres://u@db/m", "postgresql+psycopg://u@db/m", "postgresql+psycopg://u@db/m"),
        ("postgresql+psycopg2://u@db/m", "postgresql+psycopg://u@db/m", "postgresql+psycopg://u@db/m"),
        ("postgresql+psycopg://u@db/m?sslmode=require", "postgresql+psycopg://u@db/m?sslmode=require",
         "postgresql+psycopg://u@db/m?sslmode=require"),
    ],
)  # fmt: skip
def test_urls_map_to_async_and_sync_drivers(given: str, for_async: str, for_sync: str) -> None:
    assert async_url(given) == make_url(for_async)
    assert sync_url(given) == make_url(for_sync)


def test_the_password_survives_the_mapping() -> None:
    assert async_url("postgresql://u:s%40cret@db/m").password == "s@cret"


@pytest.mark.parametrize("url", ["mysql://u@db/m", "not a url", ""])
def test_unsupported_urls_are_a_config_error(url: str) -> None:
    with pytest.raises(ConfigError, match="MOTCUA_DATABASE_URL"):
        async_url(url)


def test_memory_urls_are_recognised() -> None:
    assert is_sqlite_memory(async_url("sqlite:///:memory:"))
    assert is_sqlite_memory(async_url("sqlite://"))
    assert not is_sqlite_memory(async_url("sqlite:///./motcua.db"))


async def test_sqlite_files_use_wal_and_wait_for_the_lock(sqlite_file_url: str) -> None:
    store = await SqlStore.open(sqlite_file_url, migrate=True)
    try:
        async with store.engine.connect() as conn:
            assert (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"
            assert (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar() == 30_000
            assert (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
    finally:
        await store.close()


async def test_sqlite_writes_begin_immediate_and_reads_do_not(sqlite_file_url: str) -> None:
    store = await SqlStore.open(sqlite_file_url, migrate=True)
    begins: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("BEGIN"):
            begins.append(statement)

    sa.event.listen(store.engine.sync_engine, "before_cursor_execute", record)
    try:
        await store.accept(ConversationKey("web", "u"), "m1", {"kind": "text", "text": "a"})
        await store.load_state(ConversationKey("web", "u"))
        async with store.conversation(ConversationKey("web", "u")):
            pass
        await store.get_secret("zalo")
    finally:
        await store.close()

    assert begins == ["BEGIN IMMEDIATE", "BEGIN", "BEGIN IMMEDIATE", "BEGIN"]


async def test_on_sqlite_a_writer_waits_for_another_process_and_readers_do_not(durable_kit: StoreKit) -> None:
    if durable_kit.kind != "sqlite":
        pytest.skip("PostgreSQL locks rows, not the database")
    holder, other = await durable_kit.open(), await durable_kit.open()
    key = ConversationKey("web", "u")

    async with holder.conversation(key) as tx:
        await tx.save({"n": 1})
        writer = asyncio.create_task(other.accept(key, "m1", {"kind": "text", "text": "a"}))
        assert await asyncio.wait_for(other.load_state(key), timeout=5) is None  # the last committed state
        await asyncio.sleep(0.3)
        assert not writer.done()

    assert await asyncio.wait_for(writer, timeout=10) is not None
    assert await other.load_state(key) == {"n": 1}


async def test_a_store_on_an_unmigrated_database_reports_a_storage_error(sqlite_file_url: str) -> None:
    store = await SqlStore.open(sqlite_file_url)
    try:
        with pytest.raises(StorageError, match="no such table: inbox"):
            await store.pending_inbox()
    finally:
        await store.close()
