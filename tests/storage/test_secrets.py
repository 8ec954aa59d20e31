"""Channel secrets: read-modify-write one caller at a time, also across stores (worker processes)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.storage.conftest import Store, StoreKit


async def test_a_missing_secret_is_none(store: Store) -> None:
    assert await store.get_secret("zalo") is None


async def test_update_creates_then_replaces(store: Store) -> None:
    seen: list[dict[str, Any] | None] = []

    def rotate(current: dict[str, Any] | None) -> dict[str, Any]:
        seen.append(current)
        return {"refresh_token": f"rt-{len(seen)}"}

    assert await store.update_secret("zalo", rotate) == {"refresh_token": "rt-1"}
    assert await store.update_secret("zalo", rotate) == {"refresh_token": "rt-2"}
    assert seen == [None, {"refresh_token": "rt-1"}]
    assert await store.get_secret("zalo") == {"refresh_token": "rt-2"}


async def test_returning_none_keeps_the_value(store: Store) -> None:
    await store.update_secret("zalo", lambda _: {"access_token": "at-1"})

    kept = await store.update_secret("zalo", lambda _: None)

    assert kept == {"access_token": "at-1"}
    assert await store.get_secret("zalo") == {"access_token": "at-1"}
    assert await store.update_secret("telegram", lambda _: None) is None
    assert await store.get_secret("telegram") is None


async def test_a_failing_update_changes_nothing(store: Store) -> None:
    await store.update_secret("zalo", lambda _: {"refresh_token": "rt-1"})

    def broken(_: dict[str, Any] | None) -> dict[str, Any]:
        raise RuntimeError("Zalo said -14014")

    with pytest.raises(RuntimeError, match="-14014"):
        await store.update_secret("zalo", broken)
    assert await store.get_secret("zalo") == {"refresh_token": "rt-1"}


async def _spend_refresh_token(store: Store, spent: list[str]) -> None:
    async def refresh(current: dict[str, Any] | None) -> dict[str, Any]:
        token = (current or {"refresh_token": "rt-0"})["refresh_token"]
        await asyncio.sleep(0.005)  # the HTTP call to Zalo, made while holding the lock
        spent.append(token)
        return {"refresh_token": f"rt-{len(spent)}"}

    await store.update_secret("zalo", refresh)


async def test_concurrent_updates_run_one_at_a_time(store: Store) -> None:
    spent: list[str] = []

    await asyncio.gather(*(_spend_refresh_token(store, spent) for _ in range(10)))

    assert spent == [f"rt-{n}" for n in range(10)]  # every refresh token used exactly once
    assert await store.get_secret("zalo") == {"refresh_token": "rt-10"}


async def test_updates_through_two_stores_run_one_at_a_time(durable_kit: StoreKit) -> None:
    one, two = await durable_kit.open(), await durable_kit.open()
    spent: list[str] = []

    await asyncio.gather(*(_spend_refresh_token(s, spent) for _ in range(5) for s in (one, two)))

    assert sorted(spent, key=lambda t: int(t.split("-")[1])) == [f"rt-{n}" for n in range(10)]
    assert await two.get_secret("zalo") == {"refresh_token": "rt-10"}
