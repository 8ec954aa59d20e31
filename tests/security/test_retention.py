"""Delivered replies are masked after a while; outbox, inbox and events are kept for a retention period."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.config import load_settings
from bot.errors import ConfigError
from bot.storage.base import ConversationKey, TurnEvent
from bot.storage.retention import Retention, RetentionPolicy
from bot.storage.sql.store import SqlStore
from bot.storage.tables import Event, Inbox, Outbox

KEY = ConversationKey("zalo", "u1")
STAFF_WROTE = {"text": "Chị gọi 0912 345 678 hoặc viết lan.nguyen@ubnd.gov.vn nhé", "buttons": []}
POLICY = RetentionPolicy(mask_after=dt.timedelta(hours=1), outbox_days=30, inbox_days=30, events_days=365)


async def _store(tmp_path: Path) -> SqlStore:
    return await SqlStore.open(f"sqlite:///{tmp_path / 'm.db'}", migrate=True)


async def _reply(store: SqlStore, delivered: bool) -> int:
    item = await store.accept(KEY, f"d-{delivered}", {"kind": "text", "text": "gặp cán bộ"})
    assert item is not None
    async with store.conversation(KEY) as tx:
        (entry,) = await tx.add_replies([STAFF_WROTE], item.id)
        await tx.add_event(TurnEvent(KEY, "f", "s", None, "text", "gặp cán bộ"))
        await tx.mark_processed(item.id)
    if delivered:
        await store.mark_delivered(entry.id)
    return entry.id


async def _reply_text(store: SqlStore, outbox_id: int) -> str:
    async with store.engine.connect() as conn:
        reply = (await conn.execute(select(Outbox.reply).where(Outbox.id == outbox_id))).scalar_one()
    return str(reply["text"])


async def test_a_delivered_reply_is_masked_once_its_grace_is_over(tmp_path: Path) -> None:
    store = await _store(tmp_path)
    try:
        sent, waiting = await _reply(store, delivered=True), await _reply(store, delivered=False)
        retention = Retention(store, POLICY)
        now = dt.datetime.now(dt.UTC)
        await retention.sweep(now)  # within the grace: the page may still fetch it
        assert "0912 345 678" in await _reply_text(store, sent)
        counts = await retention.sweep(now + dt.timedelta(hours=2))
        assert counts["masked"] == 1
        assert await _reply_text(store, sent) == "Chị gọi [SĐT] hoặc viết [EMAIL] nhé"
        assert "0912 345 678" in await _reply_text(store, waiting)  # not delivered yet: kept whole
    finally:
        await store.close()


async def test_rows_past_their_retention_period_are_deleted(tmp_path: Path) -> None:
    store = await _store(tmp_path)
    try:
        await _reply(store, delivered=True)
        await _reply(store, delivered=False)
        old = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
        async with store.engine.begin() as conn:
            await conn.execute(update(Outbox).values(created_at=old))
            await conn.execute(update(Inbox).values(received_at=old))
            await conn.execute(update(Event).values(at=old))
        counts = await Retention(store, POLICY).sweep()
        async with store.engine.connect() as conn:
            left = [(await conn.execute(select(t.id))).all() for t in (Outbox, Inbox, Event)]
    finally:
        await store.close()
    assert counts["outbox"] == 1 and counts["inbox"] == 2 and counts["events"] == 2
    assert [len(rows) for rows in left] == [1, 0, 0]  # the undelivered reply stays until it is sent


def test_retention_periods_are_settings_and_the_inbox_outlasts_the_zalo_window() -> None:
    settings = load_settings(retention_outbox_days=7, retention_inbox_days=14, retention_events_days=0)
    assert (settings.retention_outbox_days, settings.retention_inbox_days) == (7, 14)
    with pytest.raises(ConfigError, match="RETENTION_INBOX_DAYS"):
        load_settings(retention_inbox_days=3, zalo_event_window_seconds=7 * 86400)
