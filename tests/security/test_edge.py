"""At each channel's edge: oversized ids and texts are refused or cut within the columns' sizes, and Zalo
events far from now (a configurable window) are refused."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from api.main import create_app
from bot.channels.base import InboundMessage
from bot.channels.edge import MAX_TEXT, admit
from bot.config import load_settings
from bot.domain.messages import Incoming
from bot.storage.tables import USER_ID_LEN
from tests.channels.test_zalo_route import EVENTS, USER, zalo_settings

SECRET = "telegram-secret"


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    base = zalo_settings(tmp_path).model_dump()
    base.update(
        database_url=f"sqlite:///{tmp_path / 'motcua.db'}",
        zalo_openapi_base="http://127.0.0.1:9",
        telegram_token="987654:EDGE-TEST-ONLY-TOKEN",
        telegram_webhook_secret=SECRET,
        telegram_base_url="http://127.0.0.1:9/bot",
        zalo_event_window_seconds=3600,
    )
    return TestClient(create_app(load_settings(**base)))


def _inbox(tmp_path: Path) -> list[tuple[str, str, str]]:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'motcua.db'}")
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT user_id, dedupe_key, incoming FROM inbox").all()
    finally:
        engine.dispose()
    return [(r[0], r[1], r[2]) for r in rows]


def _zalo(client: TestClient, event: dict[str, object]) -> int:
    raw, headers = EVENTS.signed(event)
    return client.post("/webhooks/zalo", content=raw, headers=headers).status_code


def test_oversized_ids_are_refused_or_hashed_and_long_texts_cut(client: TestClient, tmp_path: Path) -> None:
    with client:
        assert _zalo(client, EVENTS.text("9" * 5000, "xin chào", msg_id="m-long-sender")) == 200
        long_id = "m" * 1000
        for _ in range(2):  # a redelivery of the long msg_id is still recognised
            assert _zalo(client, EVENTS.text(USER, "khai sinh", msg_id=long_id)) == 200
        update = {
            "update_id": 77,
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "chat": {"id": 4242, "type": "private"},
                "from": {"id": 4242, "is_bot": False, "first_name": "A"},
                "text": "a" * 200_000,
            },
        }
        answer = client.post(
            "/webhooks/telegram",
            content=json.dumps(update),
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"},
        )
        assert answer.status_code == 200
    rows = _inbox(tmp_path)
    assert all(len(user) <= USER_ID_LEN and len(dedupe) <= 255 for user, dedupe, _ in rows)
    assert not any(user == "9" * 5000 for user, _, _ in rows)
    assert sum(1 for user, _, _ in rows if user == USER) == 1
    (telegram,) = [json.loads(incoming) for user, _, incoming in rows if user == "4242"]
    assert len(telegram["text"]) == MAX_TEXT


@pytest.mark.parametrize(
    ("offset_days", "status"), [(-365 * 16, 401), (1_000_000, 401), (-0.02, 200), (0.02, 200)]
)
def test_zalo_events_outside_the_window_around_now_are_refused(
    client: TestClient, offset_days: float, status: int
) -> None:
    event = EVENTS.text(USER, "xin chào", msg_id=f"m-at-{offset_days}")
    event["timestamp"] = str(int((time.time() + offset_days * 86400) * 1000))
    with client:
        assert _zalo(client, event) == status


def test_the_window_defaults_to_a_generous_week() -> None:
    assert load_settings().zalo_event_window_seconds == 7 * 24 * 3600


def test_admit_keeps_ordinary_messages_as_they_are() -> None:
    message = InboundMessage("zalo", USER, Incoming.typed("khai sinh"), "zalo:msg:1")
    assert admit(message) == message
