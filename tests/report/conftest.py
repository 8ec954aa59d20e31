"""Fixtures for the report: a database holding the known quarter (see builders.py), and our own content."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from tests.report.builders import build_database, write_content


def known(folder: Path) -> Settings:
    """Settings on a fresh SQLite database holding the known quarter, with the small test content."""
    url = f"sqlite:///{folder / 'motcua.db'}"
    asyncio.run(build_database(url))
    procedures, flows = write_content(folder)
    return load_settings(database_url=url, catalogue_dir=procedures, flows_file=flows)


@pytest.fixture(scope="module")
def shared_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The known quarter for tests that only read it (built once per module)."""
    return known(tmp_path_factory.mktemp("known"))


@pytest.fixture
def known_settings(tmp_path: Path) -> Settings:
    """The known quarter in a database of this test's own, which it may change."""
    return known(tmp_path)
