"""start_channel: what the app gets at start-up, from settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.channels.zalo.channel import ZaloSender, start_channel, webhook_for
from bot.channels.zalo.tokens import SECRET_NAME
from bot.config import Settings, load_settings
from tests.fakes import MemorySecrets, ZaloMock


@dataclass
class ServiceStub:
    store: MemorySecrets


def settings_for(tmp_path: Path, **zalo: str) -> Settings:
    return load_settings(database_url=f"sqlite:///{tmp_path / 'unused.db'}", **zalo)


ZALO_ON = {
    "zalo_app_id": "app-1",
    "zalo_oa_secret_key": "oa-secret",
    "zalo_app_secret": "app-secret",
    "zalo_access_token": "at-0",
    "zalo_refresh_token": "rt-0",
    "zalo_openapi_base": "https://openapi.test",
    "zalo_oauth_base": "https://oauth.test",
}


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with ZaloMock().client() as client:
        yield client


async def test_zalo_off_gives_no_sender_and_no_webhook(tmp_path: Path, http: httpx.AsyncClient) -> None:
    settings = settings_for(tmp_path)
    store = MemorySecrets()
    assert await start_channel(settings, ServiceStub(store), http) is None
    assert webhook_for(settings) is None
    assert await store.get_secret(SECRET_NAME) is None


async def test_zalo_on_seeds_tokens_and_sends_with_them(tmp_path: Path, http: httpx.AsyncClient) -> None:
    store = MemorySecrets()
    sender = await start_channel(settings_for(tmp_path, **ZALO_ON), ServiceStub(store), http)
    assert isinstance(sender, ZaloSender)
    assert sender.channel == "zalo"
    assert await store.get_secret(SECRET_NAME) == {
        "access_token": "at-0",
        "refresh_token": "rt-0",
        "expires_at": None,
    }
    assert await sender.tokens.access_token() == "at-0"
    await sender.aclose()
    assert not http.is_closed  # the app owns the client


async def test_a_restart_keeps_the_refreshed_pair(tmp_path: Path, http: httpx.AsyncClient) -> None:
    refreshed = {"access_token": "at-3", "refresh_token": "rt-3", "expires_at": 1.9e9}
    store = MemorySecrets({SECRET_NAME: refreshed})
    sender = await start_channel(settings_for(tmp_path, **ZALO_ON), ServiceStub(store), http)
    assert sender is not None
    assert await store.get_secret(SECRET_NAME) == refreshed


def test_the_webhook_checks_with_the_oa_secret_key(tmp_path: Path) -> None:
    webhook = webhook_for(settings_for(tmp_path, **ZALO_ON))
    assert webhook is not None
    assert webhook.app_id == "app-1"
