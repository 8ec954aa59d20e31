"""Is the database still the one this process started with, and can it be written?

A SQLite file deleted (or replaced) under a running server keeps working for the connections already
open: they write into the unlinked file, which vanishes when they close, so every message "accepted"
meanwhile is lost. So the store remembers the file's identity (device and inode) at start and checks it
before accepting anything; and every database carries an id of its own (a row in `secrets`), which
/healthz reads back, after proving a write, to tell a swapped or emptied database from the right one.

At start, a database that does not exist yet is created (the README's first command needs that) and the
log says so loudly; MOTCUA_REQUIRE_DATABASE=true makes a production server refuse to start instead.
"""

from __future__ import annotations

import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import inspect

from bot.errors import ConfigError, StorageError
from bot.storage.base import utcnow
from bot.storage.database import async_url, is_sqlite_memory
from bot.storage.sql.store import SqlStore

log = logging.getLogger("motcua.storage")

ID_SECRET = "motcua.database_id"
PROBE_SECRET = "motcua.health_probe"


@dataclass(frozen=True, slots=True)
class FileIdentity:
    path: Path
    device: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> FileIdentity:
        stat = path.stat()
        return cls(path, stat.st_dev, stat.st_ino)

    def check(self) -> None:
        try:
            now = FileIdentity.of(self.path)
        except OSError:
            raise StorageError(f"the database file {self.path} is gone") from None
        if (now.device, now.inode) != (self.device, self.inode):
            raise StorageError(f"the database file {self.path} was replaced")


def sqlite_file(url: str) -> Path | None:
    parsed = async_url(url)
    if parsed.get_backend_name() != "sqlite" or is_sqlite_memory(parsed) or not parsed.database:
        return None
    return Path(parsed.database).resolve()


async def open_checked(
    url: str, *, salt: str, require_existing: bool, pool_size: int | None = None
) -> SqlStore:
    """Open (and migrate) the store, saying loudly when the database is new, or refusing if required."""
    file = sqlite_file(url)
    missing = file is not None and not file.exists()
    if missing and require_existing:
        raise ConfigError(
            f"the database file {file} does not exist and MOTCUA_REQUIRE_DATABASE is set: refusing to start "
            "with an empty database (check MOTCUA_DATABASE_URL and the volume it lives on)"
        )
    store = await SqlStore.open(url, migrate=False, salt=salt, pool_size=pool_size)
    try:
        if not missing:
            async with store.engine.connect() as conn:
                missing = not await conn.run_sync(lambda c: inspect(c).has_table("alembic_version"))
            if missing and require_existing:
                raise ConfigError(
                    "the database has no Motcua tables and MOTCUA_REQUIRE_DATABASE is set: refusing to start"
                )
        if missing:
            log.warning(
                "NEW DATABASE: %s did not exist; creating an empty one (no staff accounts, no history). "
                "Set MOTCUA_REQUIRE_DATABASE=true in production to refuse instead.",
                file or "the database",
            )
        await store.migrate()
        store.file_identity = FileIdentity.of(file) if file is not None else None
        store.database_id = await _database_id(store)
    except BaseException:
        await store.close()
        raise
    return store


async def _database_id(store: SqlStore) -> str:
    def keep_or_make(value: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if value and value.get("id") else {"id": uuid.uuid4().hex}

    value = await store.update_secret(ID_SECRET, keep_or_make)
    return str((value or {})["id"])


async def prove(store: SqlStore) -> None:
    """Raise StorageError unless the database is the one opened at start and takes a write."""
    if store.file_identity is not None:
        store.file_identity.check()
    await store.update_secret(PROBE_SECRET, lambda _old: {"at": utcnow().isoformat(), "pid": os.getpid()})
    found = await store.get_secret(ID_SECRET)
    if not found or found.get("id") != store.database_id:
        raise StorageError("the database is not the one this server started with")
