"""Alembic migrations: they build exactly tables.py, run from code, and tolerate concurrent starts."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.storage.database import sync_url
from bot.storage.migrate import MIGRATIONS_DIR, alembic_config, upgrade
from bot.storage.sql.store import SqlStore
from bot.storage.tables import Base
from tests.storage.conftest import StoreKit

# Every table of the product: the core ones and those of the admin, handoff and assist modules.
TABLES = set(Base.metadata.tables)
CORE_TABLES = {"conversations", "inbox", "outbox", "events", "feedback", "secrets"}


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    assert head is not None
    return head


def _differences(connection: sa.Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    return list(compare_metadata(context, Base.metadata))


async def test_the_migrated_schema_matches_the_tables(kit: StoreKit) -> None:
    if kit.url is None:
        pytest.skip("the memory store has no schema")
    store = await kit.open()
    assert isinstance(store, SqlStore)

    async with store.engine.connect() as conn:
        differences = await conn.run_sync(_differences)
        tables = await conn.run_sync(lambda c: set(sa.inspect(c).get_table_names()))

    assert differences == []
    assert tables == TABLES | {"alembic_version"}
    assert CORE_TABLES <= TABLES


def test_upgrade_runs_from_plain_code_and_only_once(sqlite_file_url: str) -> None:
    upgrade(sqlite_file_url)
    upgrade(sqlite_file_url)  # already at head: nothing to do

    engine = sa.create_engine(sync_url(sqlite_file_url))
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all() == [
                head_revision()
            ]
            assert set(sa.inspect(conn).get_table_names()) == TABLES | {"alembic_version"}
    finally:
        engine.dispose()


async def test_a_store_opens_on_a_database_upgraded_elsewhere(sqlite_file_url: str) -> None:
    upgrade(sqlite_file_url)
    store = await SqlStore.open(sqlite_file_url)
    try:
        assert await store.pending_inbox() == []
    finally:
        await store.close()


async def test_workers_starting_together_both_migrate_safely(durable_kit: StoreKit) -> None:
    stores = await asyncio.gather(*(durable_kit.open() for _ in range(3)))

    assert [await s.pending_inbox() for s in stores] == [[], [], []]


def test_downgrade_removes_every_table(sqlite_file_url: str) -> None:
    upgrade(sqlite_file_url)
    engine = sa.create_engine(sync_url(sqlite_file_url))
    try:
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "base")
        with engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) == {"alembic_version"}
    finally:
        engine.dispose()


def test_the_migration_files_ship_beside_the_code() -> None:
    # setuptools package-data lists these patterns; Alembic needs env.py and the versions at run time.
    assert (MIGRATIONS_DIR / "env.py").is_file()
    shipped = sorted(p.name for p in (MIGRATIONS_DIR / "versions").glob("*.py"))
    assert shipped[0] == "0001_initial.py"
    # One file per revision, numbered in order, so the chain from 0001 to head is complete.
    assert [name[:4] for name in shipped] == [f"{i:04d}" for i in range(1, len(shipped) + 1)]
    assert shipped[-1].startswith(head_revision())


def test_the_head_read_from_the_files_is_alembics() -> None:
    from bot.storage import migrate

    assert migrate.head_revision() == head_revision()


def test_a_database_at_head_is_opened_without_importing_alembic(sqlite_file_url: str) -> None:
    """A worker's start on a current schema reads its revision and leaves Alembic unloaded (a tenth of a
    start-up); a database one migration behind is still upgraded."""
    upgrade(sqlite_file_url)
    code = (
        "import asyncio, sys\n"
        "from bot.storage.sql.store import SqlStore\n"
        "async def main():\n"
        f"    store = await SqlStore.open({sqlite_file_url!r}, migrate=True)\n"
        "    await store.close()\n"
        "asyncio.run(main())\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'alembic'))\n"
    )
    at_head = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert at_head.stdout.strip() == "[]", at_head.stderr

    engine = sa.create_engine(sync_url(sqlite_file_url))
    try:
        with engine.begin() as connection:
            config = alembic_config(connection)
            command.downgrade(config, "-1")
        behind = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert behind.stdout.strip() != "[]", "a schema behind head must be upgraded by Alembic"
        with engine.connect() as connection:
            version = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
        assert version == head_revision()
    finally:
        engine.dispose()
