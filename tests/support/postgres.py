"""One PostgreSQL database shared by many tests (and bench runs), each in a schema of its own."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from bot.storage.database import sync_url

PG_URL = os.environ.get("MOTCUA_TEST_DATABASE_URL")


def pg_schema_url(base: str, schema: str) -> str:
    """The same PostgreSQL database, with every table of this test in its own schema."""
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}options=-csearch_path%3D{schema}"


@contextmanager
def pg_schema(base_url: str, prefix: str = "t") -> Iterator[str]:
    """A fresh schema on `base_url`, yielded as a URL that puts its tables there; dropped afterwards,
    so tests running side by side on one database never see each other's rows."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(sync_url(base_url))
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield pg_schema_url(base_url, schema)
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@contextmanager
def schema_or_skip() -> Iterator[str]:
    """`pg_schema` on the test database, or the test skipped when none is configured."""
    if not PG_URL:
        pytest.skip("set MOTCUA_TEST_DATABASE_URL to run the PostgreSQL variant")
    with pg_schema(PG_URL) as url:
        yield url
