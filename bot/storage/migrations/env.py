"""Alembic environment: runs on the connection `bot.storage.migrate` hands over in `config.attributes`.

There is no alembic.ini and no URL here on purpose: migrate.py connects (with the same SQLite transaction
hooks as the store) and owns the transaction, so an upgrade commits or rolls back as one piece.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection

from bot.storage.tables import Base, UtcDateTime


def render_item(kind: str, obj: Any, _context: AutogenContext) -> str | Literal[False]:
    """Draft new migrations with plain SQLAlchemy types, so they never import tables.py."""
    if kind == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError(
        "run migrations through bot.storage.migrate (upgrade(url) or `python -m bot.storage.migrate`), "
        "which provides the database connection"
    )

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things in place; batch mode copies the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    render_item=render_item,
)
with context.begin_transaction():
    context.run_migrations()
