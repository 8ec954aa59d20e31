"""Telegram end to end over real sockets: the app under uvicorn on 127.0.0.1 with the fake Bot API, the
webhook posted like Telegram posts it, replies read back from what the fake Bot API received.

One app serves the module (start-up takes seconds); every test talks as a citizen of its own, with fresh
chat and update ids, so tests do not see each other's messages. Polling gets an app-free setup of its own:
two services on one database would both deliver the same outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.channels.telegram import SECRET_HEADER, run_polling, start_telegram_channel
from bot.cli.chat import open_service
from bot.config import Settings, load_settings
from bot.content.model import load_content
from bot.domain.messages import Incoming
from tests.fakes.telegram_server import (
    PHOTO,
    STICKER,
    FakeTelegram,
    button_update,
    message_update,
    visible_text,
)
from tests.support.server import live_app

pytestmark = pytest.mark.e2e

SECRET = "e2e_secret-Token"
PUBLIC = "https://motcua.example.vn"
_ids = itertools.count(10_000)  # chat ids and update ids, unique across the module


def telegram_settings(fake: FakeTelegram, database: Path) -> Settings:
    return load_settings(
        database_url=f"sqlite:///{database}",
        telegram_token=fake.token,
        telegram_base_url=fake.base_url,
        telegram_webhook_secret=SECRET,
        public_base_url=PUBLIC,
        outbox_poll_seconds=0.1,
    )


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram().running() as fake:
        yield fake


@pytest.fixture(scope="module")
def settings(fake: FakeTelegram, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return telegram_settings(fake, tmp_path_factory.mktemp("telegram") / "motcua.db")


@pytest.fixture(scope="module")
def base(settings: Settings) -> Iterator[str]:
    with live_app(settings) as base:
        yield base


@dataclass
class Citizen:
    """One Telegram user in a private chat with the bot, posting through the webhook."""

    base: str
    fake: FakeTelegram
    chat: int = field(default_factory=lambda: next(_ids))

    def post(self, update: dict[str, Any], secret: str | None = SECRET) -> httpx.Response:
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        return httpx.post(f"{self.base}/webhooks/telegram", json=update, headers=headers, timeout=10)

    def says(self, text: str | None = None, **content: Any) -> httpx.Response:
        return self.post(message_update(next(_ids), self.chat, text, **content))

    def presses(self, data: str, query_id: str) -> httpx.Response:
        return self.post(button_update(next(_ids), self.chat, data, query_id=query_id))

    def received(self, count: int, timeout: float = 15.0) -> list[dict[str, Any]]:
        """Wait until this chat has `count` messages; their sendMessage parameters."""
        deadline = time.monotonic() + timeout
        while len(calls := self._delivered()) < count:
            assert time.monotonic() < deadline, f"chat {self.chat} got {len(calls)} messages, wanted {count}"
            time.sleep(0.02)
        return [c.params for c in calls]

    def settled(self, quiet: float = 0.8) -> int:
        """The number of messages once none has arrived for `quiet` seconds."""
        count = len(self._delivered())
        while True:
            time.sleep(quiet)
            if (now := len(self._delivered())) == count:
                return count
            count = now

    def _delivered(self) -> list[Any]:
        return [
            c
            for c in self.fake.calls_to("sendMessage")
            if c.status == 200 and c.params["chat_id"] == str(self.chat)
        ]


@pytest.fixture
def citizen(base: str, fake: FakeTelegram) -> Citizen:
    return Citizen(base, fake)


def engine_says(settings: Settings, incoming: Incoming) -> list[str]:
    content = load_content(settings.catalogue_dir, settings.flows_file, settings.lexicon_file)
    return [reply.text.strip() for reply in content.engine.handle(None, incoming).replies]


def test_start_up_registers_the_webhook_with_its_secret(fake: FakeTelegram, base: str) -> None:
    assert fake.webhook_url == f"{PUBLIC}/webhooks/telegram"
    assert fake.webhook_secret == SECRET


@pytest.mark.parametrize("secret", [None, "wrong-secret", SECRET + "x"], ids=["missing", "wrong", "longer"])
def test_a_post_without_the_right_secret_is_refused_and_stores_nothing(
    citizen: Citizen, secret: str | None
) -> None:
    update = message_update(next(_ids), citizen.chat, "xin chào")
    assert citizen.post(update, secret).status_code == 403
    assert citizen.settled(0.5) == 0
    # Nothing was stored: the same update_id, now with the secret, is new to the inbox and answered.
    assert citizen.post(update).status_code == 200
    assert citizen.received(1)


@pytest.mark.parametrize(
    ("body", "status"),
    [(b"{not json", 400), (b'{"no_update_id": 1}', 400), (b"[]", 400), (b"[" * 300_000, 413)],
    ids=["malformed", "not-an-update", "array", "oversized"],
)
def test_bodies_that_are_no_update_are_refused(base: str, body: bytes, status: int) -> None:
    headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
    assert (
        httpx.post(f"{base}/webhooks/telegram", content=body, headers=headers, timeout=10).status_code
        == status
    )


def test_text_gets_a_reply_with_an_inline_keyboard(citizen: Citizen) -> None:
    assert citizen.says("/start").status_code == 200
    citizen.received(1)
    messages = citizen.received(citizen.settled())
    keyboards = [m["reply_markup"]["inline_keyboard"] for m in messages if "reply_markup" in m]
    assert keyboards, "the greeting offers buttons"
    assert all(row[0].get("callback_data") or row[0].get("url") for row in keyboards[-1])


def test_a_button_press_is_answered_and_moves_the_conversation_on(
    fake: FakeTelegram, citizen: Citizen
) -> None:
    citizen.says("/start")
    citizen.received(1)
    before = citizen.received(citizen.settled())
    buttons = [row[0] for row in before[-1]["reply_markup"]["inline_keyboard"] if "callback_data" in row[0]]
    query_id = f"q-{citizen.chat}"
    assert citizen.presses(buttons[0]["callback_data"], query_id).status_code == 200
    after = citizen.received(len(before) + 1)
    assert after[len(before) :], "the press produced the next step"
    deadline = time.monotonic() + 5
    while query_id not in [c.params["callback_query_id"] for c in fake.calls_to("answerCallbackQuery")]:
        assert time.monotonic() < deadline, "the callback query was never answered"
        time.sleep(0.02)


def test_a_deep_link_opens_that_procedure(settings: Settings, citizen: Citizen) -> None:
    expected = engine_says(settings, Incoming.started("khai-sinh"))
    procedure = load_content(
        settings.catalogue_dir, settings.flows_file, settings.lexicon_file
    ).catalogue.get("khai-sinh")
    assert procedure is not None
    citizen.says("/start khai-sinh")
    citizen.received(len(expected))
    shown = citizen.fake.sent_texts(citizen.chat)
    assert shown == expected
    assert any(procedure.name in text for text in shown)


def test_a_redelivered_update_is_answered_once(citizen: Citizen) -> None:
    update = message_update(next(_ids), citizen.chat, "/start")
    assert citizen.post(update).status_code == 200
    assert citizen.post(update).status_code == 200
    citizen.received(1)
    count = citizen.settled()
    assert citizen.post(update).status_code == 200
    assert citizen.settled() == count


def test_retry_after_is_honoured_then_the_reply_is_delivered(fake: FakeTelegram, citizen: Citizen) -> None:
    fake.rate_limit_next("sendMessage", retry_after=1, chat_id=citizen.chat)
    citizen.says("/start")
    citizen.received(1)
    attempts = [c for c in fake.calls_to("sendMessage") if c.params["chat_id"] == str(citizen.chat)]
    refused, delivered = attempts[0], next(c for c in attempts if c.status == 200)
    assert refused.status == 429
    assert delivered.params["text"] == refused.params["text"]
    assert delivered.at - refused.at >= 0.9


def test_stickers_photos_and_edits_do_not_break_the_conversation(citizen: Citizen) -> None:
    citizen.says("/start")
    citizen.received(1)
    count = citizen.settled()
    for content in ({"sticker": STICKER}, {"photo": PHOTO, "caption": "ảnh giấy tờ"}):
        assert citizen.says(**content).status_code == 200
        citizen.received(count + 1)  # the engine asks, in words, to type instead
        count = citizen.settled()
    edited = message_update(next(_ids), citizen.chat, "sửa lại")
    edited["edited_message"] = edited.pop("message")
    assert citizen.post(edited).status_code == 200
    assert citizen.settled() == count
    assert citizen.says("khai sinh").status_code == 200
    assert citizen.received(count + 1)


@pytest.fixture
def own_fake() -> Iterator[FakeTelegram]:
    with FakeTelegram().running() as fake:
        yield fake


async def test_a_long_reply_is_split_within_telegrams_limit(own_fake: FakeTelegram, tmp_path: Path) -> None:
    class Registry:
        def register_sender(self, sender: Any) -> None: ...
        async def accept(self, msg: Any) -> bool: return True  # fmt: skip

    paragraph = " ".join(["Hồ sơ gồm tờ khai, giấy chứng sinh <bản chính> & giấy tờ tùy thân."] * 25)
    text = "\n\n".join([paragraph] * 7)  # 7 x ~1,650 characters: two paragraphs fit in one message
    settings = telegram_settings(own_fake, tmp_path / "motcua.db")
    channel = await start_telegram_channel(settings, Registry(), register_webhook=False)
    try:
        await channel.send("901", {"text": text, "buttons": [{"id": "done", "label": "Xong"}]})
    finally:
        await channel.aclose()
    calls = [c for c in own_fake.calls_to("sendMessage") if c.status == 200]
    assert [c.status for c in own_fake.calls_to("sendMessage")] == [200] * 4  # the fake refuses > 4,096
    assert ["reply_markup" in c.params for c in calls] == [False, False, False, True]
    shown = [visible_text(c.params["text"], "HTML") for c in calls]
    assert shown == ["\n\n".join([paragraph] * 2)] * 3 + [paragraph]


async def test_polling_mode_serves_the_same_conversation(own_fake: FakeTelegram, tmp_path: Path) -> None:
    settings = telegram_settings(own_fake, tmp_path / "motcua.db")
    expected = engine_says(settings, Incoming.started("khai-sinh"))
    async with open_service(settings) as service:
        polling = asyncio.create_task(run_polling(settings, service, poll_timeout=1))
        try:
            own_fake.push_update(message_update(next(_ids), 1001, "/start khai-sinh"))
            await own_fake.await_calls("sendMessage", len(expected))
            assert own_fake.sent_texts(1001) == expected
            own_fake.push_update(message_update(next(_ids), 1001, sticker=STICKER))
            await own_fake.await_calls("sendMessage", len(expected) + 1)
        finally:
            polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await polling
    assert [c.method for c in own_fake.calls[:3]] == ["getMe", "deleteWebhook", "getUpdates"]
    assert own_fake.calls_to("getUpdates")[-1].params["timeout"] == "0"
