"""Recovery settles web turns a killed process accepted but never answered, and leaves fresh ones alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import update

from bot.service import ChatService
from bot.storage.base import ConversationKey
from bot.storage.sql.store import SqlStore
from bot.storage.tables import Inbox


async def test_web_turns_left_by_a_dead_process_are_settled_not_left_forever(tmp_path: Path) -> None:
    store = await SqlStore.open(f"sqlite:///{tmp_path / 'm.db'}", migrate=True)
    try:
        web = ConversationKey("web", "w-abc")
        old = await store.accept(web, "direct:old", {"kind": "text", "text": "khai sinh"})
        fresh = await store.accept(web, "direct:fresh", {"kind": "text", "text": "hộ chiếu"})
        assert old is not None and fresh is not None
        async with store.engine.begin() as conn:
            long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
            await conn.execute(update(Inbox).where(Inbox.id == old.id).values(received_at=long_ago))
        service = ChatService(store, None)
        await service.recover()  # at start-up: grace 0 for channels, but web turns keep theirs
        pending = [item.id for item in await store.pending_inbox()]
    finally:
        await store.close()
    assert pending == [fresh.id]  # another worker may still be answering the fresh one
