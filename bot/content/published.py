"""The content the running bot serves, for the commands that search or print it outside the server.

The bot serves the newest content revision in the database (bot/content/manager.py), not the files
on disk: an official's edit in the admin pages lives only in the database, and a file changed on disk is
published only at the next start. So `motcua search`, `motcua leaflet` and `motcua report` read that
revision too, and answer as the bot does. A database that holds no revision yet (a fresh checkout, before
the first `motcua serve`) means the files on disk, which are what the first start would import.

Looking is read-only: a missing SQLite file is not created, and the database is not migrated.
"""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.content.content_set import ContentChecker, Files
from bot.content.disk import settings_files
from bot.content.model import Content
from bot.content.revisions import Revisions
from bot.errors import StorageError
from bot.storage.database import create_engine_for
from bot.storage.identity import sqlite_file
from bot.storage.sql import Units
from bot.storage.tables_admin import ContentRevision


async def published_files(database_url: str) -> Files | None:
    """The files of the newest revision; None when the database holds none (or does not exist yet)."""
    file = sqlite_file(database_url)
    if file is not None and not file.exists():
        return None  # opening it would create an empty database
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


async def published_content(settings: Settings) -> Content:
    """What the bot serves: the newest revision, or the files on disk when there is none yet.
    Raises ContentInvalid listing every problem, and StorageError when the database cannot be read."""
    files = await published_files(settings.database_url)
    if files is None:
        files = settings_files(settings)
    return ContentChecker().build(files).content
