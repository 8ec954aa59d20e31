"""Migration 0003 builds exactly the handoff tables of tables_handoff.py, and takes them away again."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.storage.database import sync_url
from bot.storage.migrate import alembic_config, upgrade
from bot.storage.tables import Base

HANDOFF_TABLES = {"handoffs", "handoff_messages"}


def test_the_migrated_handoff_tables_match_the_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'motcua.db'}"
    upgrade(url)
    engine = sa.create_engine(sync_url(url))
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = [d for d in compare_metadata(context, Base.metadata) if "handoff" in str(d)]
            assert differences == []
            assert set(sa.inspect(conn).get_table_names()) >= HANDOFF_TABLES
            indexes = {i["name"] for i in sa.inspect(conn).get_indexes("handoffs")}
            assert {"ix_handoffs_status", "ix_handoffs_conversation", "ix_handoffs_ward_claimed"} <= indexes
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0002")
        with engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
            assert not HANDOFF_TABLES & tables
            assert "admin_users" in tables and "outbox" in tables  # only 0003's tables went
    finally:
        engine.dispose()
