"""Migration 0005 masks personal numbers stored in clear before masking knew every separator."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from bot.storage.database import sync_url
from bot.storage.migrate import alembic_config, upgrade

RAW = "0912_345_678"
WHEN = dt.datetime(2026, 11, 1, 8, 0)


def test_upgrading_masks_what_was_stored_in_clear(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'motcua.db'}"
    engine = sa.create_engine(sync_url(url))
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0004")
        with engine.begin() as conn:
            run = conn.exec_driver_sql
            run(
                "INSERT INTO inbox (id, channel, user_id, dedupe_key, incoming, received_at) "
                "VALUES (?,?,?,?,?,?)",
                (1, "zalo", "u", "d1", json.dumps({"kind": "text", "text": f"số {RAW}"}), WHEN),
            )
            state = {"stack": [{"flow": "f", "step": "s", "slots": {"phone": RAW}}]}
            run(
                "INSERT INTO conversations (id, channel, user_id, state, version, created_at, updated_at) "
                "VALUES (?,?,?,?,?,?,?)",
                (1, "zalo", "u", json.dumps(state), 1, WHEN, WHEN),
            )
            run(
                "INSERT INTO events "
                "(id, at, channel, user_hash, flow, step, incoming_kind, text_masked, extra) "
                "VALUES (?,?,?,?,?,?,?,?,?)",
                (1, WHEN, "zalo", "h", "f", "s", "text", f"gọi {RAW}", "{}"),
            )
            run(
                "INSERT INTO outbox (id, channel, user_id, seq, reply, created_at, attempts, delivered_at) "
                "VALUES (?,?,?,?,?,?,?,?)",
                (1, "zalo", "u", 0, json.dumps({"text": f"Cán bộ: gọi {RAW}"}), WHEN, 1, WHEN),
            )
            run(
                "INSERT INTO outbox (id, channel, user_id, seq, reply, created_at, attempts) "
                "VALUES (?,?,?,?,?,?,?)",
                (2, "zalo", "u", 1, json.dumps({"text": f"chưa gửi {RAW}"}), WHEN, 0),
            )
        upgrade(url)
        with engine.connect() as conn:
            stored = " ".join(
                json.dumps(json.loads(value), ensure_ascii=False) if value.startswith("{") else value
                for query in (
                    "SELECT incoming FROM inbox",
                    "SELECT state FROM conversations",
                    "SELECT text_masked FROM events",
                    "SELECT reply FROM outbox WHERE id = 1",
                )
                for (value,) in conn.exec_driver_sql(query)
            )
            waiting = conn.exec_driver_sql("SELECT reply FROM outbox WHERE id = 2").scalar()
    finally:
        engine.dispose()

    assert "345" not in stored and stored.count("[SĐT]") == 4
    assert RAW in str(waiting)  # a reply not yet sent keeps its words until it is delivered
