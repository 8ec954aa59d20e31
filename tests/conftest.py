"""Fixtures shared by the whole suite: settings on a temporary database, SQLite and (when configured)
PostgreSQL, each test isolated in its own database file or schema."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.config import Settings, load_settings

PG_URL = os.environ.get("MOTCUA_TEST_DATABASE_URL")


def pg_schema_url(base: str, schema: str) -> str:
    """The same PostgreSQL database, with every table of this test in its own schema."""
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'motcua.db'}"
        return
    if not PG_URL:
        pytest.skip("set MOTCUA_TEST_DATABASE_URL to run the PostgreSQL variant")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield pg_schema_url(PG_URL, schema)
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'motcua.db'}"


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    """Settings on a fresh SQLite file with every channel off."""
    return load_settings(database_url=sqlite_url, outbox_poll_seconds=0.2, content_poll_seconds=0.2)
