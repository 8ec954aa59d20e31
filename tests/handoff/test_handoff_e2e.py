"""A handoff end to end over real sockets: the app under uvicorn on 127.0.0.1 with the fake Telegram Bot
API. A citizen asks for a person through the webhook; a volunteer claims the conversation and replies
through the inbox API; the reply reaches the citizen's Telegram chat, the bot stays silent meanwhile,
and handing back asks the citizen to rate the help."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.channels.telegram import SECRET_HEADER
from bot.config import Settings, load_settings
from bot.content.model import load_content
from bot.domain.handoff_config import HandoffConfig, fill
from tests.fakes.telegram_server import FakeTelegram, button_update, message_update
from tests.handoff.support import serve, staff_headers
from tests.support.channel_e2e import Thread

pytestmark = pytest.mark.e2e

SECRET = "handoff_e2e-secret"
_ids = itertools.count(50_000)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram().running() as fake:
        yield fake


@pytest.fixture(scope="module")
def settings(fake: FakeTelegram, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    database: Path = tmp_path_factory.mktemp("handoff-e2e") / "motcua.db"
    return load_settings(
        database_url=f"sqlite:///{database}",
        telegram_token=fake.token,
        telegram_base_url=fake.base_url,
        telegram_webhook_secret=SECRET,
        public_base_url="https://motcua.example.vn",
        outbox_poll_seconds=0.1,
    )


@pytest.fixture(scope="module")
def base(settings: Settings) -> Iterator[str]:
    with serve(settings) as url:
        yield url


@pytest.fixture(scope="module")
def volunteer(base: str, settings: Settings) -> dict[str, str]:
    """A volunteer of the ward that receives handoffs, signed in with an API token."""
    return staff_headers(settings, "volunteer", "Trần Văn Minh", "Bộ phận Một cửa")


@pytest.fixture(scope="module")
def config(settings: Settings) -> HandoffConfig:
    found = load_content(settings.catalogue_dir, settings.flows_file, settings.lexicon_file).flows.handoff
    assert found is not None
    return found


class Chat(Thread):
    """One Telegram private chat with the bot."""

    def __init__(self, base: str, fake: FakeTelegram) -> None:
        self.base, self.fake, self.id = base, fake, next(_ids)

    def post(self, update: dict[str, Any]) -> None:
        response = httpx.post(f"{self.base}/webhooks/telegram", json=update, headers={SECRET_HEADER: SECRET})
        assert response.status_code == 200

    def says(self, text: str) -> None:
        self.post(message_update(next(_ids), self.id, text))

    def presses(self, data: str) -> None:
        self.post(button_update(next(_ids), self.id, data, query_id=f"q{next(_ids)}"))

    @property
    def texts(self) -> list[str]:
        return self.fake.sent_texts(self.id)

    def last_keyboard(self) -> list[str]:
        calls = [
            c
            for c in self.fake.calls_to("sendMessage")
            if c.status == 200 and c.params["chat_id"] == str(self.id)
        ]
        markup = calls[-1].params.get("reply_markup") or {"inline_keyboard": []}
        return [row[0].get("callback_data", "") for row in markup["inline_keyboard"]]


def test_a_volunteers_reply_reaches_the_citizen_on_telegram(
    base: str, fake: FakeTelegram, volunteer: dict[str, str], config: HandoffConfig
) -> None:
    chat = Chat(base, fake)
    chat.says("/start khai-sinh")
    chat.wait_for(1)
    count = chat.settled()
    chat.says("gặp cán bộ")
    chat.wait_for(count + 1)
    count = chat.settled()
    chat.presses("contact.options.person")
    queued = chat.wait_for(count + 1)[-1]
    assert config.hours_text in queued  # office hours (open or closed, whatever the clock says)
    marker = f"Tôi là chat {chat.id}, vướng ở bước đăng nhập"
    chat.says(marker)
    assert chat.wait_for(count + 2)[-1] == config.messages.waiting_ack

    inbox = httpx.get(f"{base}/admin/api/inbox", headers=volunteer).json()["items"]
    [item] = [i for i in inbox if any(line["text"] == marker for line in i["transcript"])]
    assert item["channel"] == "telegram" and item["status"] == "waiting"
    claim = httpx.post(f"{base}/admin/api/inbox/{item['id']}/claim", headers=volunteer)
    assert claim.status_code == 200
    claimed = chat.wait_for(count + 3)[-1]
    assert claimed == fill(config.messages.claimed, {"person": "Trần Văn Minh"})

    reply = "Chào bạn, bạn chọn “Tài khoản định danh điện tử” rồi quét mã QR nhé."
    sent = httpx.post(f"{base}/admin/api/inbox/{item['id']}/reply", json={"text": reply}, headers=volunteer)
    assert sent.status_code == 200
    assert chat.wait_for(count + 4)[-1] == fill(
        config.messages.person_says, {"text": reply, "person": "Trần Văn Minh"}
    )

    heard = chat.settled()
    chat.says("khai sinh")  # would be a search if the bot were listening
    chat.says("Cảm ơn, để mình thử")
    assert chat.settled() == heard  # the bot stays silent
    transcript = httpx.get(f"{base}/admin/api/inbox", headers=volunteer).json()["items"]
    [now] = [i for i in transcript if i["id"] == item["id"]]
    assert [line["text"] for line in now["transcript"] if line["who"] == "citizen"][-2:] == [
        "khai sinh",
        "Cảm ơn, để mình thử",
    ]

    released = httpx.post(f"{base}/admin/api/inbox/{item['id']}/release", headers=volunteer)
    assert released.status_code == 200
    assert chat.wait_for(heard + 2)[-2:] == [config.messages.released, config.rating.ask]
    rate = chat.last_keyboard()
    assert len(rate) == len(config.rating.options)
    chat.presses(rate[0])
    assert chat.wait_for(heard + 3)[heard + 2] == config.rating.thanks
