"""Bring the database named by MOTCUA_DATABASE_URL to the newest schema, once, before the workers start.

Run by docker/entrypoint.sh: `migrate.py --at-start` before `motcua serve`, plain `migrate.py` for the
`migrate` command. At start, with MOTCUA_REQUIRE_DATABASE set, a database that is missing (an SQLite file
that does not exist) or has no Motcua tables is left alone: `motcua serve` then refuses to start, as it
does outside a container, instead of this step creating an empty database on a wrong path or volume.
The `migrate` command is the operator's explicit request and always migrates.
The URL is never printed (it holds the database password).
"""

from __future__ import annotations

import sys

from sqlalchemy import create_engine, inspect

from bot.config import load_settings
from bot.storage.database import sync_url
from bot.storage.identity import sqlite_file
from bot.storage.migrate import upgrade

SAY = "motcua-entrypoint:"


def has_motcua_tables(url: str) -> bool:
    file = sqlite_file(url)
    if file is not None and not file.exists():
        return False  # connecting would create the file
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as connection:
            return inspect(connection).has_table("alembic_version")
    finally:
        engine.dispose()


def main(argv: list[str]) -> int:
    settings = load_settings()
    at_start = "--at-start" in argv
    if at_start and settings.require_database and not has_motcua_tables(settings.database_url):
        print(
            f"{SAY} no Motcua database yet and MOTCUA_REQUIRE_DATABASE is set: not migrating", file=sys.stderr
        )
        return 0
    upgrade(settings.database_url)
    print(f"{SAY} database schema is up to date", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
