"""Inbox: accepted messages are deduplicated, masked, and listed until processed."""

from __future__ import annotations

import asyncio

import pytest

from bot.errors import ConversationBusy
from bot.storage.base import ConversationKey
from bot.storage.sql import SqlStore
from tests.storage.conftest import Store, StoreKit

TEXT = {"kind": "text", "text": "làm giấy khai sinh", "button": "", "payload": ""}


async def test_accept_records_the_message(store: Store, key: ConversationKey) -> None:
    item = await store.accept(key, "msg-1", TEXT)

    assert item is not None
    assert (item.key, item.dedupe_key, item.incoming) == (key, "msg-1", TEXT)
    assert item.received_at.utcoffset() is not None
    assert await store.pending_inbox() == [item]


async def test_a_redelivery_is_recognised(store: Store, key: ConversationKey) -> None:
    first = await store.accept(key, "msg-1", TEXT)

    again = await store.accept(key, "msg-1", {**TEXT, "text": "khác"})

    assert first is not None and again is None
    assert [i.id for i in await store.pending_inbox()] == [first.id]


async def test_the_same_dedupe_key_on_another_channel_is_another_message(store: Store) -> None:
    zalo = await store.accept(ConversationKey("zalo", "u"), "42", TEXT)
    telegram = await store.accept(ConversationKey("telegram", "u"), "42", TEXT)

    assert zalo is not None and telegram is not None and zalo.id != telegram.id


async def test_concurrent_accepts_of_one_message_let_exactly_one_in(
    store: Store, key: ConversationKey
) -> None:
    results = await asyncio.gather(*(store.accept(key, "msg-1", TEXT) for _ in range(20)))

    assert sum(r is not None for r in results) == 1
    assert len(await store.pending_inbox()) == 1


async def test_concurrent_accepts_through_two_stores_let_exactly_one_in(
    durable_kit: StoreKit, key: ConversationKey
) -> None:
    one, two = await durable_kit.open(), await durable_kit.open()

    results = await asyncio.gather(*(s.accept(key, "msg-1", TEXT) for _ in range(10) for s in (one, two)))

    assert sum(r is not None for r in results) == 1


async def test_pending_inbox_lists_unprocessed_messages_oldest_first(
    store: Store, key: ConversationKey
) -> None:
    accepted = [await store.accept(key, f"msg-{n}", {**TEXT, "text": f"câu {n}"}) for n in range(5)]
    ids = [item.id for item in accepted if item is not None]
    async with store.conversation(key) as tx:
        await tx.mark_processed(ids[1])
        await tx.mark_processed(ids[3])

    pending = await store.pending_inbox()

    assert [item.id for item in pending] == [ids[0], ids[2], ids[4]]
    assert [item.incoming["text"] for item in pending] == ["câu 0", "câu 2", "câu 4"]
    assert [item.id for item in await store.pending_inbox(limit=2)] == [ids[0], ids[2]]


async def test_the_stored_text_has_id_and_phone_numbers_masked(store: Store, key: ConversationKey) -> None:
    incoming = {**TEXT, "text": "CCCD 001203004005, gọi 0912 345 678", "payload": "ref-1"}

    item = await store.accept(key, "msg-1", incoming)

    assert item is not None
    assert item.incoming == {**incoming, "text": "CCCD [CCCD], gọi [SĐT]"}
    assert (await store.pending_inbox())[0].incoming == item.incoming


async def test_a_conversation_over_its_bound_of_unprocessed_messages_is_busy(
    store: Store, key: ConversationKey
) -> None:
    if not isinstance(store, SqlStore):
        pytest.skip("the bound is the SQL store's (the web server's)")
    store.max_pending = 2
    first = await store.accept(key, "m1", TEXT)
    assert first is not None and await store.accept(key, "m2", TEXT) is not None

    with pytest.raises(ConversationBusy):
        await store.accept(key, "m3", TEXT)
    with pytest.raises(ConversationBusy):  # busy wins over "a redelivery", as the count comes first
        await store.accept(key, "m1", TEXT)
    other = await store.accept(ConversationKey(key.channel, "someone-else"), "o1", TEXT)
    async with store.conversation(key) as tx:
        await tx.mark_processed(first.id)
    third = await store.accept(key, "m3", TEXT)

    assert other is not None and third is not None
    assert [item.dedupe_key for item in await store.pending_inbox()] == ["m2", "o1", "m3"]
