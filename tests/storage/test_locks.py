"""KeyedLocks: one holder per key at a time, different keys independent, no entry left behind."""

from __future__ import annotations

import asyncio

from bot.storage.locks import KeyedLocks


async def test_one_key_is_held_by_one_task_at_a_time() -> None:
    locks = KeyedLocks()
    inside: list[int] = []
    most = 0

    async def work() -> None:
        nonlocal most
        async with locks.hold("a"):
            inside.append(1)
            most = max(most, len(inside))
            await asyncio.sleep(0.001)
            inside.pop()

    await asyncio.gather(*(work() for _ in range(10)))

    assert most == 1


async def test_different_keys_do_not_wait_for_each_other() -> None:
    locks = KeyedLocks()
    b_done = asyncio.Event()

    async def hold_a() -> None:
        async with locks.hold("a"):
            await asyncio.wait_for(b_done.wait(), timeout=5)

    async def take_b() -> None:
        async with locks.hold("b"):
            b_done.set()

    await asyncio.gather(hold_a(), take_b())


async def test_entries_are_dropped_when_nobody_holds_or_waits() -> None:
    locks = KeyedLocks()
    release = asyncio.Event()

    async def hold() -> None:
        async with locks.hold("a"):
            await release.wait()

    tasks = [asyncio.create_task(hold()) for _ in range(3)]
    await asyncio.sleep(0)
    assert len(locks) == 1
    release.set()
    await asyncio.gather(*tasks)

    assert len(locks) == 0


async def test_a_cancelled_waiter_leaves_no_entry_behind() -> None:
    locks = KeyedLocks()
    release = asyncio.Event()

    async def hold() -> None:
        async with locks.hold("a"):
            await release.wait()

    holder = asyncio.create_task(hold())
    await asyncio.sleep(0)
    waiter = asyncio.create_task(hold())
    await asyncio.sleep(0)
    waiter.cancel()
    await asyncio.gather(waiter, return_exceptions=True)
    release.set()
    await holder

    assert len(locks) == 0
