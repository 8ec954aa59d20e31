"""Schema migrations (Alembic), run from code: no alembic.ini is needed, in a checkout or installed.

`upgrade(url)` brings a database to the newest schema; `SqlStore.open(url, migrate=True)` does the same
on the store's own connection. Several workers may start at once: on PostgreSQL an advisory lock makes
them take turns (the later ones find the schema current); on SQLite BEGIN IMMEDIATE does the same.

For developers: `python -m bot.storage.migrate revision URL "message"` drafts a new migration by comparing
a database at head with tables.py (review it before committing).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, create_engine, inspect, text

from bot.storage.database import BEGIN_OPTION, IMMEDIATE, install_sqlite_hooks, is_sqlite_memory, sync_url

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any constant shared by all Motcua processes: pg_advisory_xact_lock takes a bigint key.
_PG_MIGRATION_LOCK = 0x6D6F7463756101  # "motcua" + 1

_Work = Callable[[Connection], None]
_REVISION_LINE = re.compile(r'^(down_revision|revision)\b[^=]*=\s*(?:"([^"]*)"|None)', re.MULTILINE)


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def upgrade_connection(connection: Connection) -> None:
    """Migrate to head inside the caller's transaction (it commits or rolls back the whole upgrade).

    The lock must be held before Alembic starts, not only for the database's sake: Alembic keeps its
    migration context in a process-wide global, so two upgrades interleaved on one event loop would
    trample each other. (On SQLite the caller's BEGIN IMMEDIATE is that lock.)"""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
    if head_revision() is not None and current_revision(connection) == head_revision():
        # The usual case at a worker's start: nothing to do, and Alembic (with Mako and Pygments, about a
        # tenth of a start-up) is not even imported.
        return
    from alembic import command

    command.upgrade(alembic_config(connection), "head")


@cache
def head_revision() -> str | None:
    """The newest migration, read from the files' `revision` / `down_revision` lines; None when they do
    not form one line of history (Alembic then decides, as always)."""
    revisions: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        found = dict((name, value or None) for name, value in _REVISION_LINE.findall(path.read_text("utf-8")))
        if "revision" not in found or found["revision"] is None:
            return None
        revisions[found["revision"]] = found.get("down_revision")
    heads = set(revisions) - {down for down in revisions.values() if down is not None}
    return heads.pop() if len(heads) == 1 else None


def current_revision(connection: Connection) -> str | None:
    """The schema's revision as Alembic recorded it; None for a new database."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return versions[0] if len(versions) == 1 else None


def upgrade(url: str) -> None:
    """Bring the database at `url` (MOTCUA_DATABASE_URL form) to the newest schema."""
    _run_in_transaction(url, upgrade_connection)


def draft_revision(url: str, message: str) -> None:
    def draft(connection: Connection) -> None:
        from alembic import command

        command.revision(alembic_config(connection), message=message, autogenerate=True)

    _run_in_transaction(url, draft)


def _run_in_transaction(url: str, work: _Work) -> None:
    parsed = sync_url(url)
    engine = create_engine(parsed)
    if parsed.get_backend_name() == "sqlite":
        install_sqlite_hooks(engine, wal=not is_sqlite_memory(parsed))
    try:
        with engine.connect() as connection:
            connection.execution_options(**{BEGIN_OPTION: IMMEDIATE})
            with connection.begin():
                work(connection)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.storage.migrate", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("upgrade", help="migrate a database to head").add_argument("url")
    revision = sub.add_parser("revision", help="draft a migration from tables.py (autogenerate)")
    revision.add_argument("url", help="a database already at head")
    revision.add_argument("message")
    args = parser.parse_args(argv)
    if args.command == "upgrade":
        upgrade(args.url)
    else:
        draft_revision(args.url, args.message)


if __name__ == "__main__":
    main()
