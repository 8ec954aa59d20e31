"""Schema migrations (Alembic), run from code: no alembic.ini is needed, in a checkout or installed.

`upgrade(url)` brings a database to the newest schema; `SqlStore.open(url, migrate=True)` does the same
on the store's own connection. Several workers may start at once: on PostgreSQL an advisory lock makes
them take turns (the later ones find the schema current); on SQLite BEGIN IMMEDIATE does the same.

For developers: `python -m bot.storage.migrate revision URL "message"` drafts a new migration by comparing
a database at head with tables.py (review it before committing).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, create_engine, text

from bot.storage.database import BEGIN_OPTION, IMMEDIATE, install_sqlite_hooks, is_sqlite_memory, sync_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any constant shared by all Motcua processes: pg_advisory_xact_lock takes a bigint key.
_PG_MIGRATION_LOCK = 0x6D6F7463756101  # "motcua" + 1

_Work = Callable[[Connection], None]


def alembic_config(connection: Connection | None = None) -> Config:
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
    command.upgrade(alembic_config(connection), "head")


def upgrade(url: str) -> None:
    """Bring the database at `url` (MOTCUA_DATABASE_URL form) to the newest schema."""
    _run_in_transaction(url, upgrade_connection)


def draft_revision(url: str, message: str) -> None:
    def draft(connection: Connection) -> None:
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
