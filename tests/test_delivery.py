"""Delivery: replies claimed, sent in order, marked; failures retried, refusals recorded; never one reply
twice, also with two deliveries (two workers) on one store, or a stop in the middle of a batch.

A recording sender stands in for the channel; what it is told to do with each reply (fail, refuse, wait
for the test) is scripted by the reply's text.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.delivery import Delivery, backoff_seconds
from bot.errors import ChannelError, ChannelRateLimited, ChannelRejected
from bot.storage.base import ConversationKey, OutboxItem, utcnow
from bot.storage.memory import MemoryStore
from bot.storage.sql.store import SqlStore

A = ConversationKey("zalo", "a")
B = ConversationKey("zalo", "b")
Store = MemoryStore | SqlStore


class Recorder:
    """A Sender: records what it sent; "fail:", "refuse:", "slow:", "hold:" texts do what they say."""

    channel = "zalo"

    def __init__(self, shared: list[tuple[str, str]] | None = None) -> None:
        self.sent: list[tuple[str, str]] = []
        self.shared = shared if shared is not None else []  # one log for several senders, in send order
        self.attempts: list[str] = []
        self.released = asyncio.Event()
        self.holding = asyncio.Event()

    async def send(self, user_id: str, reply: dict[str, Any]) -> None:
        text = str(reply["text"])
        self.attempts.append(text)
        if text.startswith("fail:"):
            raise ChannelError("zalo", 500, "HTTP 500")
        if text.startswith("limit:"):
            raise ChannelRateLimited("zalo", -32, "rate limited", 7.0)
        if text.startswith("refuse:"):
            raise ChannelRejected("zalo", -230, "outside the window")
        if text.startswith("hold:"):
            self.holding.set()
            await self.released.wait()
        await asyncio.sleep(0)  # a real send yields to the event loop
        self.sent.append((user_id, text))
        self.shared.append((user_id, text))

    async def aclose(self) -> None:
        """Nothing to close."""

    def texts(self, user: str = "a") -> list[str]:
        return [text for to, text in self.sent if to == user]


@pytest.fixture(params=["memory", "sqlite"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    url = f"sqlite:///{tmp_path / 'd.db'}"
    opened: Store = MemoryStore() if request.param == "memory" else await SqlStore.open(url, migrate=True)
    yield opened
    await opened.close()


async def _turn(store: Store, key: ConversationKey, *texts: str) -> list[OutboxItem]:
    async with store.conversation(key) as tx:
        return await tx.add_replies([{"text": t, "buttons": []} for t in texts], None)


async def _undelivered(store: Store) -> list[str]:
    later = utcnow() + dt.timedelta(days=1)  # also what waits for a retry or sits under a claim
    return [str(item.reply["text"]) for item in await store.due_outbox(now=later)]


async def test_replies_are_sent_in_order_and_marked(store: Store) -> None:
    sender = Recorder()
    await _turn(store, A, "một", "hai")
    await _turn(store, A, "ba")
    await _turn(store, B, "khác")

    await Delivery(store, {"zalo": sender}).deliver_for(A)

    assert sender.texts() == ["một", "hai", "ba"]
    assert sender.texts("b") == []  # only the conversation asked for
    assert await _undelivered(store) == ["khác"]


async def test_a_failed_send_waits_its_back_off_and_holds_the_later_replies(store: Store) -> None:
    sender = Recorder()
    await _turn(store, A, "một", "fail:hai", "ba")

    await Delivery(store, {"zalo": sender}).deliver_for(A)

    assert sender.texts() == ["một"]
    assert sender.attempts == ["một", "fail:hai"]
    assert await store.due_outbox() == []  # "ba" is released but waits behind "hai"
    (retry,) = [o for o in await store.due_outbox(now=utcnow() + dt.timedelta(days=1)) if o.attempts]
    assert retry.reply["text"] == "fail:hai" and retry.last_error is not None and "500" in retry.last_error
    assert retry.next_attempt_at is not None
    assert retry.next_attempt_at - utcnow() <= dt.timedelta(seconds=backoff_seconds(1))


async def test_a_rate_limit_waits_as_long_as_the_channel_says(store: Store) -> None:
    sender = Recorder()
    await _turn(store, A, "limit:một")
    before = utcnow()

    await Delivery(store, {"zalo": sender}).deliver_for(A)

    (waiting,) = await store.due_outbox(now=before + dt.timedelta(seconds=8))
    assert waiting.next_attempt_at is not None and waiting.next_attempt_at >= before + dt.timedelta(seconds=7)
    assert await store.due_outbox(now=before + dt.timedelta(seconds=6)) == []


async def test_a_refused_reply_is_recorded_and_the_next_one_still_goes(store: Store) -> None:
    sender = Recorder()
    await _turn(store, A, "refuse:một", "hai")

    await Delivery(store, {"zalo": sender}).deliver_for(A)

    assert sender.texts() == ["hai"]
    assert await _undelivered(store) == []  # "một" given up for good, not retried


async def test_after_max_attempts_a_reply_is_given_up_and_the_next_one_goes(store: Store) -> None:
    sender = Recorder()
    await _turn(store, A, "fail:một", "hai")

    await Delivery(store, {"zalo": sender}, max_attempts=1).deliver_for(A)

    assert sender.attempts == ["fail:một", "hai"]
    assert sender.texts() == ["hai"]
    assert await _undelivered(store) == []


async def test_a_reply_written_while_the_conversation_is_being_sent_to_goes_out_in_that_round(
    store: Store,
) -> None:
    sender = Recorder()
    delivery = Delivery(store, {"zalo": sender})
    await _turn(store, A, "hold:một")
    first = asyncio.get_running_loop().create_task(delivery.deliver_for(A))
    await sender.holding.wait()

    await _turn(store, A, "hai")
    await delivery.deliver_for(A)  # returns at once: the running round is asked for one more
    sender.released.set()
    await first

    assert sender.texts() == ["hold:một", "hai"]


async def test_two_workers_on_one_store_send_each_reply_once_in_order(store: Store, tmp_path: Path) -> None:
    second = (
        store if isinstance(store, MemoryStore) else await SqlStore.open(f"sqlite:///{tmp_path / 'd.db'}")
    )
    log: list[tuple[str, str]] = []  # what the citizens received, in the order they received it
    workers = [Delivery(store, {"zalo": Recorder(log)}), Delivery(second, {"zalo": Recorder(log)})]
    keys = [ConversationKey("zalo", f"u{n}") for n in range(5)]
    expected = {key.user_id: [f"{key.user_id}-{n}" for n in range(6)] for key in keys}
    try:
        for n in range(0, 6, 2):  # turns keep arriving while both deliver
            for key in keys:
                await _turn(store, key, *expected[key.user_id][n : n + 2])
            await asyncio.gather(*(worker.deliver_for(key) for worker in workers for key in keys))
    finally:
        if second is not store:
            await second.close()

    for key in keys:
        assert [text for to, text in log if to == key.user_id] == expected[key.user_id]
    assert await _undelivered(store) == []


async def test_a_stop_mid_batch_releases_what_was_not_attempted(store: Store) -> None:
    sender = Recorder()
    delivery = Delivery(store, {"zalo": sender})
    await _turn(store, A, "hold:một", "hai", "ba")
    task = asyncio.get_running_loop().create_task(delivery.deliver_for(A))
    await sender.holding.wait()

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    # "một" may have reached the citizen: it stays claimed until its lease ends. The others are free
    # again, but wait behind it, so they cannot overtake it.
    assert await store.due_outbox() == []
    after_lease = utcnow() + dt.timedelta(seconds=31)
    assert [str(o.reply["text"]) for o in await store.due_outbox(now=after_lease)] == [
        "hold:một",
        "hai",
        "ba",
    ]


async def test_without_a_sender_replies_wait_untouched(store: Store) -> None:
    await _turn(store, A, "một")

    await Delivery(store, {}).deliver_for(A)
    await Delivery(store, {}).deliver_due()

    assert [str(o.reply["text"]) for o in await store.due_outbox()] == ["một"]


async def test_a_round_over_everything_due_reaches_every_conversation(store: Store) -> None:
    sender = Recorder()
    for n in range(12):
        await _turn(store, ConversationKey("zalo", f"u{n}"), f"u{n}-a", f"u{n}-b")

    await Delivery(store, {"zalo": sender}).deliver_due(concurrency=3)

    assert len(sender.sent) == 24
    for n in range(12):
        assert sender.texts(f"u{n}") == [f"u{n}-a", f"u{n}-b"]
