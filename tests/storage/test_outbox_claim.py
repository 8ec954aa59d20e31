"""Claiming replies for delivery: each reply goes to one worker only, and a conversation's replies in order.

The same promises on every store; the last tests run several stores, then several processes, on one
database and check that no reply is claimed twice and none is claimed before the one it follows is done.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import sys
from pathlib import Path

import pytest

from bot.errors import StorageError
from bot.storage.base import CLAIM_SECONDS, ConversationKey, OutboxItem, utcnow
from bot.storage.database import BEGIN_OPTION, IMMEDIATE
from bot.storage.sql import queries
from bot.storage.sql.store import SqlStore
from tests.storage.claim_worker import deliver_everything
from tests.storage.conftest import Store, StoreKit

A = ConversationKey("zalo", "a")
B = ConversationKey("telegram", "b")
REPO = Path(__file__).resolve().parents[2]


async def _turn(store: Store, key: ConversationKey, *texts: str) -> list[OutboxItem]:
    async with store.conversation(key) as tx:
        return await tx.add_replies([{"text": t, "buttons": []} for t in texts], None)


def _texts(items: list[OutboxItem]) -> list[str]:
    return [item.reply["text"] for item in items]


async def test_a_claim_takes_the_conversations_due_replies_in_order(store: Store) -> None:
    await _turn(store, A, "một", "hai")
    await _turn(store, B, "khác")
    await _turn(store, A, "ba")
    now = utcnow()

    claimed = await store.claim_outbox(A, now=now, lease_seconds=60)

    assert _texts(claimed) == ["một", "hai", "ba"]
    assert all(item.key == A for item in claimed)
    assert {item.next_attempt_at for item in claimed} == {now + dt.timedelta(seconds=60)}
    assert [item.id for item in claimed] == sorted(item.id for item in claimed)


async def test_a_claimed_reply_is_neither_due_nor_claimable_until_its_lease_ends(store: Store) -> None:
    (reply,) = await _turn(store, A, "một")
    now = utcnow()
    await store.claim_outbox(A, now=now, lease_seconds=30)

    assert await store.claim_outbox(A, now=now) == []
    assert await store.due_outbox(now=now + dt.timedelta(seconds=29)) == []
    # Its worker died before marking it: once the lease ends, it is due again and another may claim it.
    later = now + dt.timedelta(seconds=31)
    (again,) = await store.claim_outbox(A, now=later)
    assert again.id == reply.id
    assert again.attempts == 0  # a claim is not a failed attempt


async def test_a_claim_honours_its_limit_and_leaves_the_rest_held_back(store: Store) -> None:
    await _turn(store, A, "1", "2", "3")
    now = utcnow()

    first = await store.claim_outbox(A, limit=2, now=now)

    assert _texts(first) == ["1", "2"]
    # "3" must not go out while "1" and "2" may still be on their way, not even to this worker
    assert await store.claim_outbox(A, now=now) == []
    for item in first:
        await store.mark_delivered(item.id)
    assert _texts(await store.claim_outbox(A, now=now)) == ["3"]


async def test_a_reply_written_after_a_claim_waits_for_the_claimed_ones(store: Store) -> None:
    await _turn(store, A, "một")
    claimed = await store.claim_outbox(A)
    await _turn(store, A, "hai")

    assert await store.claim_outbox(A) == []
    assert A not in {item.key for item in await store.due_outbox()}
    await store.mark_delivered(claimed[0].id)
    assert _texts(await store.claim_outbox(A)) == ["hai"]


async def test_other_conversations_are_not_held_back_by_a_claim(store: Store) -> None:
    await _turn(store, A, "một")
    await _turn(store, B, "khác")

    await store.claim_outbox(A)

    assert _texts(await store.due_outbox()) == ["khác"]
    assert _texts(await store.claim_outbox(B)) == ["khác"]


async def test_a_reply_waiting_for_a_retry_is_not_claimed_nor_are_those_after_it(store: Store) -> None:
    one, _ = await _turn(store, A, "một", "hai")
    retry_at = utcnow() + dt.timedelta(minutes=1)
    await store.mark_failed(one.id, "HTTP 500", retry_at)

    assert await store.claim_outbox(A) == []
    assert _texts(await store.claim_outbox(A, now=retry_at)) == ["một", "hai"]


async def test_marking_ends_the_claim(store: Store) -> None:
    one, two, three = await _turn(store, A, "một", "hai", "ba")
    now = utcnow()
    await store.claim_outbox(A, now=now)

    await store.mark_delivered(one.id)
    await store.mark_failed(two.id, "rejected for good", None)
    retry_at = now + dt.timedelta(seconds=5)
    await store.mark_failed(three.id, "timeout", retry_at)

    (again,) = await store.claim_outbox(A, now=retry_at)
    assert (again.id, again.attempts, again.last_error) == (three.id, 1, "timeout")


async def test_marking_the_last_reply_claims_the_next_batch_in_the_same_step(store: Store) -> None:
    (first,) = await _turn(store, A, "một")
    await store.claim_outbox(A, limit=1)
    await _turn(store, A, "hai", "ba")  # written while "một" was being sent: held back until now

    claimed = await store.mark_delivered_and_claim(first.id, A, limit=5)

    assert _texts(claimed) == ["hai", "ba"]
    assert _texts(await store.due_outbox()) == []  # "một" delivered, the others claimed
    assert await store.claim_outbox(A) == []


async def test_marking_an_unknown_reply_claims_nothing(store: Store) -> None:
    await _turn(store, A, "một")

    with pytest.raises(StorageError, match="outbox item 999 does not exist"):
        await store.mark_delivered_and_claim(999, A)

    assert _texts(await store.claim_outbox(A)) == ["một"]


async def test_released_replies_are_due_again_at_once(store: Store) -> None:
    await _turn(store, A, "một", "hai")
    claimed = await store.claim_outbox(A)

    await store.release_outbox(claimed)

    assert _texts(await store.due_outbox()) == ["một", "hai"]
    assert [item.id for item in await store.claim_outbox(A)] == [item.id for item in claimed]


async def test_release_leaves_alone_what_is_no_longer_this_claims(store: Store) -> None:
    one, two = await _turn(store, A, "một", "hai")
    now = utcnow()
    claimed = await store.claim_outbox(A, now=now, lease_seconds=10)
    await store.mark_delivered(one.id)
    # The lease ran out and another worker claimed "hai" again: the first worker's late release must not
    # hand it to a third.
    later = now + dt.timedelta(seconds=11)
    (reclaimed,) = await store.claim_outbox(A, now=later, lease_seconds=10)

    await store.release_outbox(claimed)

    assert reclaimed.id == two.id
    assert await store.due_outbox(now=later) == []
    assert await store.claim_outbox(A, now=later) == []


async def test_release_of_nothing_is_harmless(store: Store) -> None:
    await store.release_outbox([])


async def test_the_default_lease_is_long_enough_for_a_slow_send() -> None:
    # Zalo's sender gives up on one HTTP call after 15 s: a lease shorter than that would let a second
    # worker send a reply the first is still sending.
    assert CLAIM_SECONDS >= 2 * 15


async def test_concurrent_claims_never_share_a_reply(kit: StoreKit) -> None:
    stores = [await kit.open() for _ in range(1 if kit.kind in ("memory", "sqlite-memory") else 3)]
    keys = [ConversationKey("zalo", f"u{n}") for n in range(4)]
    for key in keys:
        await _turn(stores[0], key, *[f"{key.user_id}-{n}" for n in range(3)])

    async def claim_all(store: Store, key: ConversationKey) -> list[int]:
        return [item.id for item in await store.claim_outbox(key)]

    rounds = await asyncio.gather(*(claim_all(s, k) for s in stores for k in keys for _ in range(3)))

    claimed = [outbox_id for ids in rounds for outbox_id in ids]
    assert len(claimed) == len(set(claimed)) == 12


async def test_a_claim_waits_for_one_under_way_and_then_sees_it(durable_kit: StoreKit) -> None:
    """The interleaving that needs the claim lock: worker 1 has claimed "một" but not yet committed when
    worker 2, asking for more, starts its claim. Worker 2 must wait, then see "một" claimed and take
    nothing, rather than skip the locked row and take "hai" and "ba" out of order."""
    store = await durable_kit.open()
    assert isinstance(store, SqlStore)
    await _turn(store, A, "một", "hai", "ba")
    now = utcnow()
    async with store.engine.connect() as conn:
        if durable_kit.kind == "sqlite":
            await conn.execution_options(**{BEGIN_OPTION: IMMEDIATE})
        async with conn.begin():
            if durable_kit.kind == "postgres":
                await conn.execute(queries.claim_lock(A))
            claim = queries.claim_outbox(A, now, now + dt.timedelta(seconds=30), 1)
            mine = (await conn.execute(*claim)).all()
            other = asyncio.get_running_loop().create_task(store.claim_outbox(A, limit=3))
            await asyncio.sleep(0.3)
            assert not other.done(), "the second claim should wait for the first to commit"
    assert [row.reply["text"] for row in mine] == ["một"]
    assert await other == []


async def test_processes_delivering_from_one_database_send_each_reply_once_and_in_order(
    durable_kit: StoreKit,
) -> None:
    store = await durable_kit.open()
    keys = [ConversationKey("zalo", f"p{n}") for n in range(6)]
    written: dict[int, ConversationKey] = {}
    for round_number in range(4):
        for key in keys:
            for item in await _turn(
                store, key, f"{key.user_id}-{round_number}-a", f"{key.user_id}-{round_number}-b"
            ):
                written[item.id] = key
    assert durable_kit.url is not None

    users = [key.user_id for key in keys]
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.storage.claim_worker",
            durable_kit.url,
            str(batch),
            *users,
            cwd=REPO,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        for batch in (1, 2, 3)
    ]
    for worker in workers:
        assert worker.stdout is not None
        assert await worker.stdout.readline() == b"ready\n"
    outputs = await asyncio.gather(*(worker.communicate(b"go\n") for worker in workers))
    assert [worker.returncode for worker in workers] == [0, 0, 0]

    sends = [json.loads(line) for stdout, _ in outputs for line in stdout.decode().splitlines()]
    sent_ids = [send["id"] for send in sends]
    assert sorted(sent_ids) == sorted(written)  # every reply, none twice
    assert len({send["worker"] for send in sends}) > 1, "the workers should have shared the work"
    for key in keys:
        # Across processes (CLOCK_MONOTONIC is one clock for the machine): a reply was claimed only after
        # the one before it in its conversation had been marked delivered.
        mine = sorted((s for s in sends if written[s["id"]] == key), key=lambda s: s["id"])
        for before, after in itertools.pairwise(mine):
            assert after["claimed_ns"] > before["delivered_ns"] or after["batch"] == before["batch"]
    assert await store.due_outbox() == []


async def test_the_worker_helper_delivers_everything_in_process(store: Store) -> None:
    """The worker's loop itself, on every store: what it reports is what the store has marked."""
    await _turn(store, A, "một", "hai")
    await _turn(store, B, "khác")

    sends = await deliver_everything(store, [A, B], worker="solo")

    assert sorted(_texts_of(sends)) == ["hai", "khác", "một"]
    assert await store.due_outbox() == []


def _texts_of(sends: list[dict[str, object]]) -> list[str]:
    return [str(send["text"]) for send in sends]
