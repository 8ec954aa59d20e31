"""ZaloTokens: seeding from settings, early refresh, and the lease that makes a refresh single-flight."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from bot.channels.zalo.tokens import SECRET_NAME, ZaloTokens
from bot.errors import ChannelAuthError, ChannelError
from bot.storage.sql.store import SqlStore
from tests.fakes import MemorySecrets, ZaloMock

T0 = 1_780_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def zalo() -> ZaloMock:
    return ZaloMock()


@pytest.fixture
async def http(zalo: ZaloMock) -> AsyncIterator[httpx.AsyncClient]:
    async with zalo.client() as client:
        yield client


def keeper(
    secrets: MemorySecrets,
    http: httpx.AsyncClient,
    clock: Clock | None = None,
    sleep: Callable[[float], Awaitable[None]] | None = None,
) -> ZaloTokens:
    clock = clock or Clock()
    return ZaloTokens(
        secrets,
        http,
        app_id="app-1",
        app_secret="app-secret",
        oauth_base="https://oauth.test",
        clock=clock,
        sleep=sleep or clock.sleep,
    )


async def test_seeding_stores_the_configured_pair_when_none_is_stored(http: httpx.AsyncClient) -> None:
    secrets = MemorySecrets()
    await keeper(secrets, http).seed("at-0", "rt-0")
    assert await secrets.get_secret(SECRET_NAME) == {
        "access_token": "at-0",
        "refresh_token": "rt-0",
        "expires_at": None,
    }


async def test_seeding_never_overwrites_a_refreshed_pair(http: httpx.AsyncClient) -> None:
    stored = {"access_token": "at-7", "refresh_token": "rt-7", "expires_at": T0 + 90000}
    secrets = MemorySecrets({SECRET_NAME: stored})
    await keeper(secrets, http).seed("at-0", "rt-0")
    assert await secrets.get_secret(SECRET_NAME) == stored
    assert secrets.writes == 0


async def test_nothing_configured_nothing_seeded(http: httpx.AsyncClient) -> None:
    secrets = MemorySecrets()
    tokens = keeper(secrets, http)
    await tokens.seed(None, None)
    assert await secrets.get_secret(SECRET_NAME) is None
    with pytest.raises(ChannelAuthError):
        await tokens.access_token()


async def test_a_refresh_token_alone_is_enough_to_start(zalo: ZaloMock, http: httpx.AsyncClient) -> None:
    secrets = MemorySecrets()
    tokens = keeper(secrets, http)
    await tokens.seed(None, "rt-0")
    assert await tokens.access_token() == "at-1"
    assert zalo.refreshes == 1


async def test_expires_in_is_a_string_of_seconds(zalo: ZaloMock, http: httpx.AsyncClient) -> None:
    secrets = MemorySecrets(
        {SECRET_NAME: {"access_token": "at-0", "refresh_token": "rt-0", "expires_at": None}}
    )
    clock = Clock()
    assert await keeper(secrets, http, clock).refresh(failed="at-0") == "at-1"
    stored = await secrets.get_secret(SECRET_NAME)
    assert stored == {"access_token": "at-1", "refresh_token": "rt-1", "expires_at": T0 + 90000}


async def test_a_token_about_to_expire_is_refreshed_before_use(
    zalo: ZaloMock, http: httpx.AsyncClient
) -> None:
    secrets = MemorySecrets(
        {SECRET_NAME: {"access_token": "at-0", "refresh_token": "rt-0", "expires_at": T0 + 1800}}
    )
    assert await keeper(secrets, http).access_token() == "at-1"


async def test_a_token_with_hours_left_is_used_as_is(zalo: ZaloMock, http: httpx.AsyncClient) -> None:
    secrets = MemorySecrets(
        {SECRET_NAME: {"access_token": "at-0", "refresh_token": "rt-0", "expires_at": T0 + 5 * 3600}}
    )
    tokens = keeper(secrets, http)
    assert await tokens.access_token() == "at-0"
    assert await tokens.access_token() == "at-0"
    assert zalo.refresh_requests == []


async def test_a_failed_early_refresh_keeps_the_still_valid_token(
    zalo: ZaloMock, http: httpx.AsyncClient
) -> None:
    zalo.refresh_tokens = set()
    secrets = MemorySecrets(
        {SECRET_NAME: {"access_token": "at-0", "refresh_token": "rt-0", "expires_at": T0 + 600}}
    )
    assert await keeper(secrets, http).access_token() == "at-0"


async def test_a_failed_refresh_of_an_expired_token_is_raised(
    zalo: ZaloMock, http: httpx.AsyncClient
) -> None:
    zalo.refresh_tokens = set()
    secrets = MemorySecrets(
        {SECRET_NAME: {"access_token": "at-0", "refresh_token": "rt-0", "expires_at": T0 - 1}}
    )
    with pytest.raises(ChannelAuthError):
        await keeper(secrets, http).access_token()


async def test_a_newer_stored_token_is_adopted_without_refreshing(
    zalo: ZaloMock, http: httpx.AsyncClient
) -> None:
    secrets = MemorySecrets(
        {SECRET_NAME: {"access_token": "at-5", "refresh_token": "rt-5", "expires_at": None}}
    )
    assert await keeper(secrets, http).refresh(failed="at-4") == "at-5"
    assert zalo.refresh_requests == []


async def test_a_live_lease_of_another_worker_is_waited_for(zalo: ZaloMock, http: httpx.AsyncClient) -> None:
    lease = {"lease_owner": "other-worker", "lease_until": T0 + 30}
    secrets = MemorySecrets({SECRET_NAME: {"access_token": "at-0", "refresh_token": "rt-0", **lease}})
    clock = Clock()

    async def other_worker_finishes(seconds: float) -> None:
        clock.now += seconds
        if clock.now >= T0 + 1:
            await secrets.update_secret(
                SECRET_NAME, lambda _: {"access_token": "at-9", "refresh_token": "rt-9"}
            )

    tokens = keeper(secrets, http, clock, sleep=other_worker_finishes)
    assert await tokens.refresh(failed="at-0") == "at-9"
    assert zalo.refresh_requests == []


async def test_a_lease_left_by_a_crashed_worker_expires(zalo: ZaloMock, http: httpx.AsyncClient) -> None:
    lease = {"lease_owner": "crashed-worker", "lease_until": T0 + 30}
    secrets = MemorySecrets({SECRET_NAME: {"access_token": "at-0", "refresh_token": "rt-0", **lease}})
    assert await keeper(secrets, http).refresh(failed="at-0") == "at-1"
    assert len(zalo.refresh_requests) == 1


async def test_waiting_for_a_lease_gives_up_eventually(zalo: ZaloMock, http: httpx.AsyncClient) -> None:
    lease = {"lease_owner": "stuck-worker", "lease_until": T0 + 10_000}
    secrets = MemorySecrets({SECRET_NAME: {"access_token": "at-0", "refresh_token": "rt-0", **lease}})
    with pytest.raises(ChannelError) as caught:
        await keeper(secrets, http).refresh(failed="at-0")
    assert caught.value.code == "refresh-busy"


@pytest.mark.parametrize(
    "answer",
    [httpx.Response(500, text="down"), httpx.Response(200, text="not json"), httpx.Response(200, json=[1])],
)
async def test_oauth_outages_are_retryable_and_free_the_lease(answer: httpx.Response) -> None:
    async def handler(_: httpx.Request) -> httpx.Response:
        return answer

    secrets = MemorySecrets({SECRET_NAME: {"access_token": "at-0", "refresh_token": "rt-0"}})
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(ChannelError) as caught:
            await keeper(secrets, client).refresh(failed="at-0")
    assert not isinstance(caught.value, ChannelAuthError)
    stored = await secrets.get_secret(SECRET_NAME)
    assert stored == {"access_token": "at-0", "refresh_token": "rt-0"}


async def test_a_network_failure_during_refresh_is_retryable() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("down", request=request)

    secrets = MemorySecrets({SECRET_NAME: {"access_token": "at-0", "refresh_token": "rt-0"}})
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(ChannelError) as caught:
            await keeper(secrets, client).refresh(failed="at-0")
    assert caught.value.code == "network"


async def test_two_workers_on_one_real_database_refresh_once(database_url: str) -> None:
    """Two SqlStores on one database play two worker processes; only the lease keeps them apart."""
    first = await SqlStore.open(database_url, migrate=True)
    second = await SqlStore.open(database_url)
    zalo = ZaloMock()
    zalo.valid_tokens = set()  # at-0 has expired
    zalo.refresh_delay = 0.1
    try:
        async with zalo.client() as http:
            workers = [keeper_on(store, http) for store in (first, second)]
            await workers[0].seed("at-0", "rt-0")
            tokens = await asyncio.gather(*(w.refresh(failed="at-0") for w in workers))
        assert tokens == ["at-1", "at-1"]
        assert len(zalo.refresh_requests) == 1
        stored = await second.get_secret(SECRET_NAME)
        assert stored is not None and stored["refresh_token"] == "rt-1"
    finally:
        await first.close()
        await second.close()


def keeper_on(store: SqlStore, http: httpx.AsyncClient) -> ZaloTokens:
    return ZaloTokens(
        store,
        http,
        app_id="app-1",
        app_secret="app-secret",
        oauth_base="https://oauth.test",
        poll_seconds=0.02,
    )
