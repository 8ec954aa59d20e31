"""Assist fixtures: one app (SQLite file) with every handover link configured, and staff of two wards."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.config import load_settings
from tests.admin.support import Staff, add_staff, admin_app

TELEGRAM_BOT = "motcua_test_bot"
ZALO_OA = "https://zalo.me/1234567890"
MESSENGER_PAGE = "ubndphuongdakao"
PUBLIC_BASE = "https://motcua.example.vn"


@dataclass
class AssistKit:
    client: TestClient
    volunteer: Staff
    other_ward: Staff
    database_url: str


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AssistKit]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('assist')) / 'motcua.db'}"
    settings = load_settings(
        database_url=url,
        public_base_url=PUBLIC_BASE,
        telegram_bot_username=TELEGRAM_BOT,
        zalo_oa_link=ZALO_OA,
        messenger_page=MESSENGER_PAGE,
    )
    with TestClient(admin_app(settings)) as client:
        yield AssistKit(
            client,
            add_staff(client, "volunteer", "Trần Văn Minh", "Phường Bến Nghé"),
            add_staff(client, "volunteer", "Phạm Thu Hà", "Phường Đa Kao"),
            url,
        )
