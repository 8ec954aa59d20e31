"""Request budgets: per conversation and per client address, 429 with Retry-After; a bounded inbox."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from bot.config import load_settings
from bot.errors import ConversationBusy
from bot.rate_limits import Budgets
from bot.storage.base import ConversationKey
from bot.storage.sql.store import SqlStore
from tests.support.web_chat import WebChat


@pytest.fixture
def app_settings(tmp_path: Path) -> dict[str, object]:
    return {"database_url": f"sqlite:///{tmp_path / 'motcua.db'}"}


def _client(app_settings: dict[str, object], **limits: object) -> Iterator[TestClient]:
    with TestClient(create_app(load_settings(**app_settings, **limits))) as client:
        yield client


def test_one_conversation_over_its_budget_gets_429_with_retry_after(app_settings: dict[str, object]) -> None:
    for client in _client(app_settings, rate_turns_per_minute=5):
        flooder, other = WebChat(client), WebChat(client)
        answers = [flooder.post(text="khai sinh").status_code for _ in range(8)]
        assert answers == [200] * 5 + [429] * 3
        refused = flooder.post(text="khai sinh")
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert refused.json() == {"detail": "too many requests"}
        assert other.post(start="").status_code == 200  # another citizen is not held back


def test_one_client_address_over_its_budget_gets_429(app_settings: dict[str, object]) -> None:
    for client in _client(app_settings, rate_client_per_minute=4):
        answers = [WebChat(client).post(start="").status_code for _ in range(6)]
        assert answers == [200] * 4 + [429] * 2


def test_polls_have_their_own_budget(app_settings: dict[str, object]) -> None:
    for client in _client(app_settings, rate_polls_per_minute=3):
        chat = WebChat(client)
        chat.say(start="")
        assert [chat.updates(0).status_code for _ in range(5)] == [200] * 3 + [429] * 2
        assert chat.post(text="menu").status_code == 200  # turns are counted apart


def test_a_budget_refills_with_time() -> None:
    now = [0.0]
    budgets = Budgets(per_minute=60, clock=lambda: now[0])
    assert [budgets.spend("a") for _ in range(60)] == [0.0] * 60
    assert budgets.spend("a") == 1.0
    now[0] += 2.0
    assert budgets.spend("a") == 0.0 and budgets.spend("b") == 0.0


async def test_the_inbox_holds_a_bounded_number_of_unprocessed_messages_per_conversation(
    tmp_path: Path,
) -> None:
    store = await SqlStore.open(f"sqlite:///{tmp_path / 'm.db'}", migrate=True)
    store.max_pending = 3
    key = ConversationKey("zalo", "flooder")
    try:
        accepted = [await store.accept(key, f"m{i}", {"kind": "text", "text": "a"}) for i in range(3)]
        assert all(accepted)
        with pytest.raises(ConversationBusy):
            await store.accept(key, "m3", {"kind": "text", "text": "a"})
        assert await store.accept(ConversationKey("zalo", "other"), "o1", {"kind": "text", "text": "a"})
        await asyncio.sleep(0)
        assert len(await store.pending_inbox()) == 4
    finally:
        await store.close()
