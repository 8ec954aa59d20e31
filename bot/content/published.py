"""The content the running bot serves, for the commands that search or print it outside the server.

The bot serves the newest content revision in the database (bot/content/manager.py), not the files
on disk: an official's edit in the admin pages lives only in the database, and a file changed on disk is
published only at the next start. So `motcua search`, `motcua leaflet` and `motcua report` read that
revision too, and answer as the bot does. A database that holds no revision yet (a fresh checkout, before
the first `motcua serve`) means the files on disk, which are what the first start would import.

Looking is read-only: a missing SQLite file is not created, and the database is not migrated. What is
built is kept in the compiled-content cache (bot/content/compiled.py), so the next command with the same
files and code starts without re-building the catalogue and its index.
"""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.content.compiled import CompiledContent
from bot.content.content_set import Files
from bot.content.disk import settings_files
from bot.content.model import Content
from bot.domain.search import ProcedureIndex
from bot.errors import StorageError
from bot.storage.identity import sqlite_file


async def published_files(database_url: str) -> Files | None:
    """The files of the newest revision; None when the database holds none (or does not exist yet)."""
    file = sqlite_file(database_url)
    if file is not None and not file.exists():
        return None  # opening it would create an empty database
    # Only a database to read needs the ORM, the asyncio engine and Alembic (half a second to import).
    from sqlalchemy import inspect

    from bot.content.revisions import Revisions
    from bot.storage.database import create_engine_for
    from bot.storage.sql import Units
    from bot.storage.tables_admin import ContentRevision

    engine = create_engine_for(database_url)
    try:
        async with engine.connect() as conn:
            stored = await conn.run_sync(lambda c: inspect(c).has_table(ContentRevision.__tablename__))
        if not stored:
            return None  # a database made before content revisions existed, or by another program
        revisions = Revisions(Units(engine, single_connection=False))  # reads only
        latest = await revisions.latest_id()
        return None if latest is None else await revisions.files(latest)
    except SQLAlchemyError as err:
        raise StorageError(f"cannot read the published content from the database: {err}") from err
    finally:
        await engine.dispose()


async def served_files(settings: Settings) -> Files:
    """The newest revision's files, or the files on disk when there is none yet."""
    files = await published_files(settings.database_url)
    return settings_files(settings) if files is None else files


async def published_content(settings: Settings) -> Content:
    """What the bot serves: the newest revision, or the files on disk when there is none yet.
    Raises ContentInvalid listing every problem, and StorageError when the database cannot be read."""
    return CompiledContent().built(await served_files(settings)).content


async def published_index(settings: Settings) -> ProcedureIndex:
    """The search index of what the bot serves (the same errors as published_content); from the cache
    it loads in a fraction of the whole content's time."""
    return CompiledContent().index(await served_files(settings))
