"""A database that is gone, replaced, locked or missing at start: 503 (never a silent 200), loud logs,
and a setting that refuses to start on a missing database."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from bot.config import Settings, load_settings
from bot.errors import ConfigError
from bot.storage import database
from tests.channels.test_zalo_route import EVENTS, USER, zalo_settings
from tests.support.web_chat import WebChat


def _settings(tmp_path: Path, **more: object) -> Settings:
    base = zalo_settings(tmp_path).model_dump()
    base.update(
        database_url=f"sqlite:///{tmp_path / 'motcua.db'}", zalo_openapi_base="http://127.0.0.1:9", **more
    )
    return load_settings(**base)


def test_a_deleted_database_file_makes_health_and_webhooks_say_503(tmp_path: Path) -> None:
    with TestClient(create_app(_settings(tmp_path))) as client:
        assert client.get("/healthz").status_code == 200
        for name in ("motcua.db", "motcua.db-wal", "motcua.db-shm"):
            (tmp_path / name).unlink(missing_ok=True)
        health = client.get("/healthz")
        assert health.status_code == 503
        raw, headers = EVENTS.signed(EVENTS.text(USER, "khai sinh", msg_id="lost-1"))
        webhook = client.post("/webhooks/zalo", content=raw, headers=headers)
        assert webhook.status_code == 503 and webhook.headers["retry-after"]
        chat = WebChat(client).post(start="")
        assert chat.status_code == 503 and chat.json()["detail"]


def test_a_replaced_database_file_makes_health_say_503(tmp_path: Path) -> None:
    with TestClient(create_app(_settings(tmp_path))) as client:
        (tmp_path / "motcua.db").rename(tmp_path / "old.db")
        (tmp_path / "motcua.db").write_bytes((tmp_path / "old.db").read_bytes())
        assert client.get("/healthz").status_code == 503


def test_a_new_database_is_created_by_default_and_said_loudly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING), TestClient(create_app(_settings(tmp_path))) as client:
        assert client.get("/healthz").status_code == 200
    assert any("NEW DATABASE" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING), TestClient(create_app(_settings(tmp_path))):
        pass
    assert not any("NEW DATABASE" in r.getMessage() for r in caplog.records)  # the second start finds it


def test_production_can_refuse_to_start_on_a_missing_database(tmp_path: Path) -> None:
    app = create_app(_settings(tmp_path, require_database=True))
    with pytest.raises(ConfigError, match="MOTCUA_REQUIRE_DATABASE"), TestClient(app):
        pass
    assert not (tmp_path / "motcua.db").exists()


def test_a_locked_database_is_a_json_503_with_retry_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 200)
    with TestClient(create_app(_settings(tmp_path))) as client:
        chat = WebChat(client)
        chat.say(start="")
        holder = sqlite3.connect(tmp_path / "motcua.db", isolation_level=None)
        try:
            holder.execute("BEGIN EXCLUSIVE")
            answer = chat.post(text="khai sinh")
            raw, headers = EVENTS.signed(EVENTS.text(USER, "khai sinh", msg_id="locked-1"))
            webhook = client.post("/webhooks/zalo", content=raw, headers=headers)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert answer.status_code == 503 and answer.headers["retry-after"] == "5"
        assert answer.headers["content-type"].startswith("application/json")
        assert webhook.status_code == 503  # Zalo delivers it again later
        assert client.post("/webhooks/zalo", content=raw, headers=headers).status_code == 200
