"""The conversation block both stores hand out is a `ConversationTx`: typed for mypy (the assignments
below are checked), and at run time the SQL one carries the handoff rows while the memory one refuses."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager

import pytest
import sqlalchemy as sa

from bot.errors import ConfigError
from bot.storage.base import ConversationKey, ConversationTx, Store, TurnEvent
from bot.storage.memory import MemoryStore
from bot.storage.records import EVENT_TEXT_LIMIT
from bot.storage.sql.store import SqlStore
from tests.storage.conftest import StoreKit

PHONE = "0912345678"


def _blocks(memory: MemoryStore, sql: SqlStore, key: ConversationKey) -> list[object]:
    # mypy checks these: each store is a Store, and its block yields a ConversationTx.
    stores: list[Store] = [memory, sql]
    blocks: list[AbstractAsyncContextManager[ConversationTx]] = [s.conversation(key) for s in stores]
    return list(blocks)


async def test_the_sql_block_writes_handoff_rows_with_the_turn(kit: StoreKit, key: ConversationKey) -> None:
    store = await kit.open()
    async with store.conversation(key) as tx:
        if isinstance(store, MemoryStore):
            with pytest.raises(ConfigError, match="needs the SQL store"):
                _ = tx.connection
            return
        await tx.save({"flow": "menu"})
        seen = (await tx.connection.execute(sa.text("SELECT count(*) FROM conversations"))).scalar_one()
    assert seen == 1
    assert await store.load_state(key) == {"flow": "menu"}


async def test_both_stores_give_a_conversation_tx(key: ConversationKey) -> None:
    memory, sql = MemoryStore(), await SqlStore.open("sqlite:///:memory:", migrate=True)
    try:
        assert len(_blocks(memory, sql, key)) == 2
    finally:
        await sql.close()


async def test_a_long_message_is_masked_before_it_is_clipped(kit: StoreKit, key: ConversationKey) -> None:
    store = await kit.open()
    # A phone number straddling the clip: clipped first, its first digits would stay readable.
    text = "a" * (EVENT_TEXT_LIMIT - 5) + " " + PHONE
    async with store.conversation(key) as tx:
        await tx.add_event(TurnEvent(key, "menu", "start", None, "text", text))
    [event] = [e async for e in store.events()]
    assert len(event.text_masked) == EVENT_TEXT_LIMIT
    assert "0912" not in event.text_masked
