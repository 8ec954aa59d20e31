"""Admin fixtures: one app per module and database (starting one imports the whole catalogue, which
takes a few seconds), with an official, a volunteer and an admin ready to act through API tokens."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from bot.config import Settings, load_settings
from tests.admin.support import Staff, add_staff, admin_app
from tests.support.postgres import schema_or_skip


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def module_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Like tests/conftest.py's `database_url`, for one module: a SQLite file, or a PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('admin') / 'motcua.db'}"
        return
    with schema_or_skip() as url:
        yield url


@dataclass
class AdminKit:
    client: TestClient
    official: Staff
    volunteer: Staff
    admin: Staff


@pytest.fixture(scope="module")
def kit(module_database_url: str) -> Iterator[AdminKit]:
    # The curated files only: these tests are about editing them (tests/admin/test_portal_*.py add the tier).
    settings = load_settings(
        database_url=module_database_url, public_base_url="https://motcua.example.vn", portal_file=None
    )
    yield from admin_kit(settings)


def admin_kit(settings: Settings) -> Iterator[AdminKit]:
    """The app on these settings, with an official, a volunteer and an admin signed up."""
    with TestClient(admin_app(settings)) as client:
        yield AdminKit(
            client,
            add_staff(client, "official", "Nguyễn Thị Lan", "Phường Bến Nghé"),
            add_staff(client, "volunteer", "Trần Văn Minh", "Phường Bến Nghé"),
            add_staff(client, "admin", "Lê Quản Trị"),
        )
