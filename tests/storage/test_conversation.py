"""Conversations: state under a per-conversation lock, all-or-nothing turns, state that outlives a restart."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.errors import AlreadyProcessed, StorageError
from bot.storage.base import ConversationKey, ConversationTx, TurnEvent
from tests.storage.conftest import Store, StoreKit
from tests.storage.turns_worker import KEY, increment

REPO = Path(__file__).resolve().parents[2]


async def test_a_new_conversation_has_no_state(store: Store, key: ConversationKey) -> None:
    async with store.conversation(key) as tx:
        assert (tx.conversation.key, tx.conversation.state, tx.conversation.version) == (key, None, 0)

    assert await store.load_state(key) is None


async def test_save_writes_the_state_and_raises_the_version(store: Store, key: ConversationKey) -> None:
    async with store.conversation(key) as tx:
        await tx.save({"flow": "menu", "slots": {"a": [1, 2]}})
    async with store.conversation(key) as tx:
        assert tx.conversation.state == {"flow": "menu", "slots": {"a": [1, 2]}}
        assert tx.conversation.version == 1
        await tx.save({"flow": "find"})
        assert tx.conversation.version == 2

    assert await store.load_state(key) == {"flow": "find"}
    assert await store.load_state(ConversationKey("zalo", "someone-else")) is None


async def test_two_tasks_taking_turns_lose_no_update(store: Store) -> None:
    await asyncio.gather(increment(store, 20), increment(store, 20))

    assert await store.load_state(KEY) == {"count": 40}


async def test_two_stores_on_one_database_lose_no_update(durable_kit: StoreKit) -> None:
    one, two = await durable_kit.open(), await durable_kit.open()

    await asyncio.gather(increment(one, 20), increment(two, 20))

    assert await one.load_state(KEY) == {"count": 40}


async def test_two_processes_lose_no_update(durable_kit: StoreKit) -> None:
    store = await durable_kit.open()  # migrates the schema first
    assert durable_kit.url is not None
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.storage.turns_worker", durable_kit.url, "20", cwd=REPO
        )
        for _ in range(2)
    ]

    codes = [await asyncio.wait_for(worker.wait(), timeout=120) for worker in workers]

    assert codes == [0, 0]
    assert await store.load_state(KEY) == {"count": 40}


async def test_an_exception_rolls_the_whole_turn_back(store: Store, key: ConversationKey) -> None:
    item = await store.accept(key, "msg-1", {"kind": "text", "text": "xin chào"})
    assert item is not None
    async with store.conversation(key) as tx:
        await tx.save({"step": 1})

    with pytest.raises(RuntimeError, match="engine failed"):
        async with store.conversation(key) as tx:
            await tx.save({"step": 2})
            await tx.add_replies([{"text": "một"}], item.id)
            await tx.add_event(TurnEvent(key, "menu", "start", None, "text", "xin chào"))
            await tx.add_feedback(None, True, "tốt")
            await tx.mark_processed(item.id)
            raise RuntimeError("engine failed")

    assert await store.load_state(key) == {"step": 1}
    assert [i.id for i in await store.pending_inbox()] == [item.id]
    assert await store.due_outbox() == []
    assert [e async for e in store.events()] == []
    async with store.conversation(key) as tx:  # the lock was released
        assert tx.conversation.version == 1
        assert not await tx.is_processed(item.id)


async def test_is_processed_sees_earlier_turns_and_this_one(store: Store, key: ConversationKey) -> None:
    first = await store.accept(key, "msg-1", {"kind": "text", "text": "a"})
    second = await store.accept(key, "msg-2", {"kind": "text", "text": "b"})
    assert first is not None and second is not None
    async with store.conversation(key) as tx:
        await tx.mark_processed(first.id)
        assert await tx.is_processed(first.id)

    async with store.conversation(key) as tx:
        assert await tx.is_processed(first.id)
        assert not await tx.is_processed(second.id)


async def test_marking_an_unknown_inbox_item_fails(store: Store, key: ConversationKey) -> None:
    with pytest.raises(StorageError, match="inbox item 999 does not exist"):
        async with store.conversation(key) as tx:
            await tx.mark_processed(999)


async def test_a_transaction_cannot_be_used_after_its_block(store: Store, key: ConversationKey) -> None:
    async with store.conversation(key) as tx:
        pass

    with pytest.raises(StorageError, match="already ended"):
        await tx.save({"late": True})
    assert await store.load_state(key) is None


async def test_one_conversation_does_not_wait_for_another(kit: StoreKit, store: Store) -> None:
    if kit.kind.startswith("sqlite"):
        pytest.skip("SQLite has one write lock for the whole database: writers take turns by design")
    a, b = ConversationKey("web", "a"), ConversationKey("web", "b")
    inside_a, b_done = asyncio.Event(), asyncio.Event()

    async def hold_a() -> bool:
        async with store.conversation(a) as tx:
            inside_a.set()
            await asyncio.wait_for(b_done.wait(), timeout=10)  # would time out if b waited for a
            await tx.save({"x": 1})
        return True

    async def turn_b() -> None:
        await inside_a.wait()
        async with store.conversation(b) as tx:
            await tx.save({"y": 1})
        b_done.set()

    held, _ = await asyncio.gather(hold_a(), turn_b())

    assert held and await store.load_state(a) == {"x": 1}


async def test_state_and_work_in_flight_survive_a_restart(kit: StoreKit, key: ConversationKey) -> None:
    if not kit.durable:
        pytest.skip(f"a {kit.kind} store does not outlive its process")
    before = await kit.open()
    item = await before.accept(key, "msg-1", {"kind": "text", "text": "a"})
    assert item is not None
    async with before.conversation(key) as tx:
        await tx.save({"flow": "khai-sinh", "step": 3})
        replies = await tx.add_replies([{"text": "bước 3"}], None)
    await before.update_secret("zalo", lambda _: {"refresh_token": "rt-1"})
    await before.close()
    kit.opened.remove(before)

    after = await kit.open()

    assert await after.load_state(key) == {"flow": "khai-sinh", "step": 3}
    assert await after.pending_inbox() == [item]
    assert [o.id for o in await after.due_outbox()] == [replies[0].id]
    assert await after.get_secret("zalo") == {"refresh_token": "rt-1"}


async def test_a_turn_that_waited_for_another_workers_turn_on_its_item_does_not_apply_it_again(
    durable_kit: StoreKit, key: ConversationKey
) -> None:
    # Two workers take the same accepted message (a recovery round while its first worker is slow).
    # The second waits for the conversation's lock; whatever snapshot it read the item in, its turn
    # must not be applied a second time.
    one, two = await durable_kit.open(), await durable_kit.open()
    item = await one.accept(key, "msg-1", {"kind": "text", "text": "a"})
    assert item is not None
    async with one.conversation(key) as tx:  # an existing conversation: the second waits for its row
        await tx.save({"turns": 0})
    first_inside = asyncio.Event()

    async def first() -> None:
        async with one.conversation(key, inbox_id=item.id) as tx:
            assert not await tx.is_processed(item.id)
            first_inside.set()
            await _until_someone_waits_for(tx, durable_kit.kind)
            # No save: the conversation's row stays as the second read it, so PostgreSQL does not
            # re-read that row (nor the flag beside it) once the lock is granted.
            await tx.mark_processed(item.id)

    async def second() -> str:
        await first_inside.wait()
        try:
            async with two.conversation(key, inbox_id=item.id) as tx:
                if await tx.is_processed(item.id):
                    return "saw it processed"
                await tx.save({"turns": 1})
                await tx.mark_processed(item.id)
        except AlreadyProcessed:
            return "rolled back"
        return "applied again"

    _, outcome = await asyncio.gather(first(), second())

    assert outcome in ("saw it processed", "rolled back")
    assert await one.load_state(key) == {"turns": 0}


async def _until_someone_waits_for(tx: ConversationTx, kind: str) -> None:
    """Return once another transaction waits for the conversation's row lock (PostgreSQL), so that
    its statement started before this one commits; on SQLite (one writer) a pause has to do."""
    if kind != "postgres":
        await asyncio.sleep(0.5)
        return
    # A transaction waiting for a row lock waits for the holder's transaction id.
    query = sa.text("SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'")
    for _ in range(200):
        if (await tx.connection.execute(query)).scalar():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the second worker never waited for the lock")
