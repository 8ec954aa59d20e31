"""One contract suite, four stores: MemoryStore, SqlStore on SQLite :memory:, on a SQLite file, and on
PostgreSQL when MOTCUA_TEST_DATABASE_URL is set (each test then gets its own schema, dropped after)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.storage.base import ConversationKey
from bot.storage.memory import MemoryStore
from bot.storage.sql.store import SqlStore
from bot.storage.tables import Base
from tests.support.postgres import schema_or_skip

SALT = "test-salt"

Store = MemoryStore | SqlStore


@dataclass
class StoreKit:
    """How to open (and reopen) the store under test, and what that kind of store can promise."""

    kind: str  # memory | sqlite-memory | sqlite | postgres
    url: str | None
    opened: list[Store] = field(default_factory=list)

    @property
    def durable(self) -> bool:
        """A new store on the same URL sees what the old one wrote (a restart; another process)."""
        return self.kind in ("sqlite", "postgres")

    async def open(self, salt: str = SALT) -> Store:
        store: Store = (
            MemoryStore(salt=salt)
            if self.url is None
            else await SqlStore.open(self.url, salt=salt, migrate=True)
        )
        self.opened.append(store)
        return store

    async def dump(self, store: Store) -> dict[str, str]:
        """Everything the store holds, as text by table, to search for data that must not be there."""
        if isinstance(store, MemoryStore):
            tables = vars(store)["_tables"]
            return {f.name: repr(getattr(tables, f.name)) for f in fields(tables)}
        dump = {}
        async with store.engine.connect() as conn:
            for table in Base.metadata.sorted_tables:
                dump[table.name] = repr((await conn.execute(sa.select(table))).all())
        if self.kind == "sqlite" and self.url is not None:
            # The raw file and its write-ahead log too: a value can linger in pages SQL no longer shows.
            path = Path(self.url.removeprefix("sqlite:///"))
            for file in (path, path.with_name(path.name + "-wal")):
                if file.exists():
                    dump[file.name] = file.read_bytes().decode("utf-8", errors="replace")
        return dump


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose tables live in a fresh schema of their own."""
    with schema_or_skip() as url:
        yield url


@pytest.fixture
def sqlite_file_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'motcua.db'}"


@pytest.fixture(
    params=["memory", "sqlite-memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
async def kit(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[StoreKit]:
    if request.param == "postgres":
        url: str | None = request.getfixturevalue("pg_url")
    elif request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'motcua.db'}"
    elif request.param == "sqlite-memory":
        url = "sqlite:///:memory:"
    else:
        url = None
    kit = StoreKit(request.param, url)
    try:
        yield kit
    finally:
        for store in kit.opened:
            await store.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def durable_kit(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[StoreKit]:
    """Only stores that several processes can share."""
    url = (
        request.getfixturevalue("pg_url") if request.param == "postgres" else f"sqlite:///{tmp_path / 'm.db'}"
    )
    kit = StoreKit(request.param, url)
    try:
        yield kit
    finally:
        for store in kit.opened:
            await store.close()


@pytest.fixture
async def store(kit: StoreKit) -> Store:
    return await kit.open()


@pytest.fixture
def key() -> ConversationKey:
    return ConversationKey("zalo", "user-1")
