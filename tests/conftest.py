"""Fixtures shared by the whole suite: settings on a temporary database, SQLite and (when configured)
PostgreSQL, each test isolated in its own database file or schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from tests.support.postgres import schema_or_skip


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'motcua.db'}"
        return
    with schema_or_skip() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'motcua.db'}"


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    """Settings on a fresh SQLite file with every channel off."""
    return load_settings(database_url=sqlite_url, outbox_poll_seconds=0.2, content_poll_seconds=0.2)
