"""Deliver replies from a separate process: `python -m tests.storage.claim_worker URL BATCH USER...`.

Claims the listed zalo conversations' replies BATCH at a time (workers with different batch sizes make
the races a claim must survive more likely: one claim's candidates reaching past another's), "sends"
each (yielding to the event loop, so races have room to show), marks it delivered, and prints one JSON
line per reply: its id and text, the batch, and CLOCK_MONOTONIC times of the claim and of the mark,
until no reply is left undelivered. It says "ready" first, and starts when a line arrives on stdin."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sys
import time

from bot.storage.base import ConversationKey, Store, utcnow
from bot.storage.sql.store import SqlStore


async def deliver_everything(
    store: Store, keys: list[ConversationKey], worker: str, batch_size: int = 2
) -> list[dict[str, object]]:
    sends: list[dict[str, object]] = []
    batches = 0
    while True:
        claimed_any = False
        for key in keys:
            batch = await store.claim_outbox(key, limit=batch_size)
            claimed_ns = time.monotonic_ns()
            batches += 1
            for item in batch:
                claimed_any = True
                await asyncio.sleep(0.001)  # the "send"
                await store.mark_delivered(item.id)
                sends.append(
                    {
                        "id": item.id,
                        "text": item.reply["text"],
                        "worker": worker,
                        "batch": f"{worker}-{batches}",
                        "claimed_ns": claimed_ns,
                        "delivered_ns": time.monotonic_ns(),
                    }
                )
        if not claimed_any and not await _undelivered(store, keys):
            return sends
        if not claimed_any:
            await asyncio.sleep(0.005)  # others hold the rest; look again shortly


async def _undelivered(store: Store, keys: list[ConversationKey]) -> bool:
    """Whether any reply of `keys` is still waiting: due now, or claimed by someone (a far-future look)."""
    later = utcnow() + dt.timedelta(days=1)
    return any(item.key in keys for item in await store.due_outbox(limit=1000, now=later))


async def main(url: str, batch_size: int, users: list[str]) -> None:
    store = await SqlStore.open(url)
    keys = [ConversationKey("zalo", u) for u in users]
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)  # start together: the test says go once all are up
    try:
        sends = await deliver_everything(store, keys, f"pid{os.getpid()}", batch_size)
    finally:
        await store.close()
    for send in sends:
        print(json.dumps(send))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3:]))
