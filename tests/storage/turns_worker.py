"""Run conversation turns from a separate process: `python -m tests.storage.turns_worker URL TURNS`.

Each turn reads a counter from the state of one shared conversation, yields to the event loop (so any
missing lock shows up as a lost update) and saves the counter plus one."""

from __future__ import annotations

import asyncio
import sys

from bot.storage.base import ConversationKey
from bot.storage.sql.store import SqlStore

KEY = ConversationKey("zalo", "counter")


async def increment(store: SqlStore | object, turns: int) -> None:
    for _ in range(turns):
        async with store.conversation(KEY) as tx:  # type: ignore[union-attr]
            count = (tx.conversation.state or {}).get("count", 0)
            await asyncio.sleep(0.001)
            await tx.save({"count": count + 1})


async def main(url: str, turns: int) -> None:
    store = await SqlStore.open(url)
    try:
        await increment(store, turns)
    finally:
        await store.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
