"""A handoff on Messenger end to end over real sockets: the app (with the staff inbox) under uvicorn and
the fake Messenger platform. A citizen asks for a person from Messenger; a volunteer claims the
conversation and replies through the inbox API; the reply reaches the citizen's Messenger thread."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bot.config import Settings, load_settings
from bot.content.model import load_content
from bot.domain.handoff_config import HandoffConfig, fill
from tests.fakes.messenger_server import FakeMessenger, MessengerEvents
from tests.handoff.support import serve, staff_headers
from tests.support.channel_e2e import Thread

pytestmark = pytest.mark.e2e

APP_SECRET, PAGE_TOKEN = "handoff-messenger-secret", "handoff-page-token"
EVENTS = MessengerEvents(page_id="104857600000001", app_secret=APP_SECRET)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeMessenger]:
    with FakeMessenger(page_token=PAGE_TOKEN).running() as fake:
        yield fake


@pytest.fixture(scope="module")
def settings(fake: FakeMessenger, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return load_settings(
        database_url=f"sqlite:///{tmp_path_factory.mktemp('handoff-messenger') / 'motcua.db'}",
        messenger_app_secret=APP_SECRET,
        messenger_verify_token="verify",
        messenger_page_token=PAGE_TOKEN,
        messenger_graph_base=fake.url,
        outbox_poll_seconds=0.1,
    )


class MessengerThread(Thread):
    """One citizen's Messenger thread with the ward's page."""

    def __init__(self, base: str, fake: FakeMessenger, psid: str) -> None:
        self.base, self.fake, self.psid = base, fake, psid

    def post(self, event: dict[str, Any]) -> None:
        raw, headers = EVENTS.signed(EVENTS.delivery_of(event))
        assert httpx.post(f"{self.base}/webhooks/messenger", content=raw, headers=headers).status_code == 200

    @property
    def texts(self) -> list[str]:
        return [m.get("text", "") for m in self.fake.messages_to(self.psid)]


def test_a_volunteers_reply_reaches_the_citizen_on_messenger(fake: FakeMessenger, settings: Settings) -> None:
    config: HandoffConfig | None = load_content(
        settings.catalogue_dir, settings.flows_file, settings.lexicon_file
    ).flows.handoff
    assert config is not None
    with serve(settings) as base:
        volunteer = staff_headers(settings, "volunteer", "Trần Văn Minh", "Bộ phận Một cửa")
        thread = MessengerThread(base, fake, "9200000000000001")
        thread.post(EVENTS.get_started(thread.psid, ref="khai-sinh"))
        thread.wait_for(1)
        count = thread.settled()
        thread.post(EVENTS.text(thread.psid, "gặp cán bộ"))
        thread.wait_for(count + 1)
        count = thread.settled()
        thread.post(EVENTS.quick_reply(thread.psid, "Nhắn tin với cán bộ", "contact.options.person"))
        thread.wait_for(count + 1)
        count = thread.settled()
        marker = "Mình vướng ở bước đăng nhập VNeID 🙁, số 0912 345 678"
        thread.post(EVENTS.text(thread.psid, marker))
        assert thread.wait_for(count + 1)[-1] == config.messages.waiting_ack

        inbox = httpx.get(f"{base}/admin/api/inbox", headers=volunteer).json()["items"]
        [item] = [i for i in inbox if i["channel"] == "messenger"]
        said = [line["text"] for line in item["transcript"] if line["who"] == "citizen"]
        assert "0912 345 678" not in " ".join(said), "the phone number is masked in the staff inbox"
        assert httpx.post(f"{base}/admin/api/inbox/{item['id']}/claim", headers=volunteer).status_code == 200
        assert thread.wait_for(count + 2)[-1] == fill(config.messages.claimed, {"person": "Trần Văn Minh"})

        reply = "Chào bạn, bạn chọn “Tài khoản định danh điện tử” rồi quét mã QR nhé."
        sent = httpx.post(
            f"{base}/admin/api/inbox/{item['id']}/reply", json={"text": reply}, headers=volunteer
        )
        assert sent.status_code == 200
        assert thread.wait_for(count + 3)[-1] == fill(
            config.messages.person_says, {"text": reply, "person": "Trần Văn Minh"}
        )
        heard = thread.settled()
        thread.post(EVENTS.text(thread.psid, "khai sinh"))  # would be a search if the bot were listening
        assert thread.settled() == heard
