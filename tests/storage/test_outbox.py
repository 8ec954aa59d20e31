"""Outbox: replies recorded in order, delivered in order, retried at their time, given up for good."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.errors import StorageError
from bot.storage.base import ConversationKey, OutboxItem, utcnow
from tests.storage.conftest import Store

A = ConversationKey("zalo", "a")
B = ConversationKey("telegram", "b")


async def _turn(
    store: Store, key: ConversationKey, *texts: str, inbox_id: int | None = None
) -> list[OutboxItem]:
    async with store.conversation(key) as tx:
        return await tx.add_replies([{"text": t, "buttons": []} for t in texts], inbox_id)


async def test_replies_are_due_in_the_order_they_were_written(store: Store) -> None:
    item = await store.accept(A, "m1", {"kind": "text", "text": "x"})
    assert item is not None
    first = await _turn(store, A, "một", "hai", inbox_id=item.id)
    second = await _turn(store, B, "ba")
    third = await _turn(store, A, "bốn")

    due = await store.due_outbox()

    assert [o.reply["text"] for o in due] == ["một", "hai", "ba", "bốn"]
    assert due == first + second + third
    assert [(o.seq, o.inbox_id, o.key) for o in first] == [(0, item.id, A), (1, item.id, A)]
    assert [o.id for o in due] == sorted(o.id for o in due)
    assert all(o.attempts == 0 and o.last_error is None for o in due)


async def test_seq_keeps_counting_within_one_turn(store: Store) -> None:
    async with store.conversation(A) as tx:
        head = await tx.add_replies([{"text": "1"}], None)
        tail = await tx.add_replies([{"text": "2"}, {"text": "3"}], None)
        assert await tx.add_replies([], None) == []

    assert [o.seq for o in head + tail] == [0, 1, 2]


async def test_delivered_replies_are_no_longer_due(store: Store) -> None:
    one, two = await _turn(store, A, "một", "hai")

    await store.mark_delivered(one.id)

    assert [o.id for o in await store.due_outbox()] == [two.id]


async def test_a_failed_reply_is_retried_at_its_time(store: Store) -> None:
    (reply,) = await _turn(store, A, "một")
    retry_at = utcnow() + dt.timedelta(minutes=5)

    await store.mark_failed(reply.id, "HTTP 503 from openapi.zalo.me", retry_at)

    assert await store.due_outbox() == []
    (again,) = await store.due_outbox(now=retry_at)
    assert (again.id, again.attempts, again.last_error) == (reply.id, 1, "HTTP 503 from openapi.zalo.me")
    assert again.next_attempt_at == retry_at
    await store.mark_failed(reply.id, "timeout", retry_at + dt.timedelta(minutes=1))
    (third,) = await store.due_outbox(now=retry_at + dt.timedelta(hours=1))
    assert (third.attempts, third.last_error) == (2, "timeout")


async def test_a_reply_given_up_is_never_due_again(store: Store) -> None:
    (reply,) = await _turn(store, A, "một")

    await store.mark_failed(reply.id, "user blocked the OA", None)

    assert await store.due_outbox(now=utcnow() + dt.timedelta(days=365)) == []


async def test_a_later_reply_waits_while_an_earlier_one_waits_for_a_retry(store: Store) -> None:
    one, two = await _turn(store, A, "một", "hai")
    (other,) = await _turn(store, B, "khác")
    retry_at = utcnow() + dt.timedelta(minutes=1)

    await store.mark_failed(one.id, "rate limited", retry_at)

    assert [o.id for o in await store.due_outbox()] == [other.id]
    assert [o.id for o in await store.due_outbox(now=retry_at)] == [one.id, two.id, other.id]
    await store.mark_failed(one.id, "gone", None)  # given up: it no longer holds the others back
    assert [o.id for o in await store.due_outbox()] == [two.id, other.id]


async def test_due_outbox_honours_its_limit(store: Store) -> None:
    replies = await _turn(store, A, *[str(n) for n in range(5)])

    assert await store.due_outbox(limit=2) == replies[:2]


async def test_marking_an_unknown_reply_fails(store: Store) -> None:
    with pytest.raises(StorageError, match="outbox item 999 does not exist"):
        await store.mark_delivered(999)
    with pytest.raises(StorageError, match="outbox item 999 does not exist"):
        await store.mark_failed(999, "x", None)


async def test_naive_datetimes_are_refused(store: Store) -> None:
    (reply,) = await _turn(store, A, "một")
    naive = dt.datetime(2030, 1, 1)

    with pytest.raises(ValueError, match="naive datetime"):
        await store.due_outbox(now=naive)
    with pytest.raises(ValueError, match="naive datetime"):
        await store.mark_failed(reply.id, "x", naive)


async def test_times_come_back_aware_and_in_utc(store: Store) -> None:
    (reply,) = await _turn(store, A, "một")
    hanoi = dt.timezone(dt.timedelta(hours=7))
    retry_at = dt.datetime(2030, 1, 1, 9, 30, tzinfo=hanoi)

    await store.mark_failed(reply.id, "x", retry_at)

    (due,) = await store.due_outbox(now=retry_at)
    assert due.next_attempt_at == retry_at
    assert due.next_attempt_at is not None and due.next_attempt_at.utcoffset() == dt.timedelta(0)
    assert await store.due_outbox(now=retry_at - dt.timedelta(seconds=1)) == []
