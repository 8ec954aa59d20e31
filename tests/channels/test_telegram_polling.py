"""run_polling against the fake Bot API's getUpdates: offsets, callback answers, recovery, clean stop."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable, Iterator

import pytest

from bot.channels.base import InboundMessage, Sender
from bot.channels.telegram import run_polling
from bot.config import Settings, load_settings
from bot.domain.messages import Incoming
from bot.errors import ChannelError
from tests.fakes.telegram_server import STICKER, FakeTelegram, button_update, message_update


class PollingRecorder:
    """The service as polling sees it; `fail_accepts` makes the inbox unavailable that many times."""

    def __init__(self) -> None:
        self.accepted: list[InboundMessage] = []
        self.senders: dict[str, Sender] = {}
        self.fail_accepts = 0
        self.events: list[str] = []

    async def accept(self, msg: InboundMessage) -> bool:
        if self.fail_accepts:
            self.fail_accepts -= 1
            raise OSError("database is locked")
        if any(m.dedupe_key == msg.dedupe_key for m in self.accepted):
            return False
        self.accepted.append(msg)
        return True

    def register_sender(self, sender: Sender) -> None:
        self.senders[sender.channel] = sender

    def start(self) -> None:
        self.events.append("start")

    async def stop(self) -> None:
        self.events.append("stop")


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram().running() as fake:
        yield fake


@pytest.fixture
def settings(fake: FakeTelegram) -> Settings:
    return load_settings(telegram_token=fake.token, telegram_base_url=fake.base_url)


@pytest.fixture
def service() -> PollingRecorder:
    return PollingRecorder()


@pytest.fixture
async def polling(settings: Settings, service: PollingRecorder) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(run_polling(settings, service, poll_timeout=1))
    yield task
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def test_updates_are_accepted_in_order_and_presses_answered(
    fake: FakeTelegram, service: PollingRecorder, polling: asyncio.Task[None]
) -> None:
    fake.webhook_url = "https://old.example/webhooks/telegram"  # left over from webhook mode
    fake.push_update(message_update(501, 555, "/start khai-sinh"))
    fake.push_update(button_update(502, 555, "online", query_id="q-502"))
    fake.push_update(message_update(503, 555, sticker=STICKER))
    await until(lambda: len(service.accepted) == 3)
    assert [m.incoming for m in service.accepted] == [
        Incoming.started("khai-sinh"),
        Incoming.pressed("online"),
        Incoming.unsupported("sticker"),
    ]
    await fake.await_calls("answerCallbackQuery")
    assert fake.calls_to("answerCallbackQuery")[0].params["callback_query_id"] == "q-502"
    assert [c.method for c in fake.calls[:2]] == ["getMe", "deleteWebhook"]
    assert service.senders["telegram"] is not None
    assert service.events == ["start"]


async def test_the_next_poll_confirms_what_was_accepted(
    fake: FakeTelegram, service: PollingRecorder, polling: asyncio.Task[None]
) -> None:
    fake.push_update(message_update(601, 555, "xin chào"))
    await until(lambda: len(service.accepted) == 1)
    fake.push_update(message_update(602, 555, "cảm ơn"))
    await until(lambda: len(service.accepted) == 2)
    offsets = [c.params.get("offset") for c in fake.calls_to("getUpdates")]
    assert "602" in offsets
    assert [m.dedupe_key for m in service.accepted] == ["601", "602"]


async def test_an_update_the_inbox_could_not_take_is_fetched_again(
    fake: FakeTelegram, service: PollingRecorder, polling: asyncio.Task[None]
) -> None:
    service.fail_accepts = 1
    fake.push_update(message_update(701, 555, "xin chào"))
    await until(lambda: len(service.accepted) == 1)
    assert service.accepted[0].dedupe_key == "701"
    assert len([c for c in fake.calls_to("getUpdates") if c.status == 200]) >= 2


async def test_being_asked_to_slow_down_only_delays_polling(
    fake: FakeTelegram, service: PollingRecorder, polling: asyncio.Task[None]
) -> None:
    fake.rate_limit_next("getUpdates", retry_after=1)
    fake.push_update(message_update(801, 555, "xin chào"))
    await until(lambda: len(service.accepted) == 1)
    assert fake.calls_to("getUpdates")[0].status == 429


async def test_stopping_confirms_the_offset_stops_the_service_and_closes(
    fake: FakeTelegram, service: PollingRecorder, polling: asyncio.Task[None]
) -> None:
    fake.push_update(message_update(901, 555, "xin chào"))
    await until(lambda: len(service.accepted) == 1)
    polling.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await polling
    last = fake.calls_to("getUpdates")[-1]
    assert (last.params["offset"], last.params["timeout"]) == ("902", "0")
    assert service.events == ["start", "stop"]


async def test_another_process_polling_the_same_bot_stops_us_with_a_clear_error(
    fake: FakeTelegram, settings: Settings, service: PollingRecorder
) -> None:
    fake.fail_next("getUpdates", 409, "Conflict: terminated by other getUpdates request")
    with pytest.raises(ChannelError, match="terminated by other getUpdates"):
        await run_polling(settings, service, poll_timeout=1)
    assert service.events == ["start", "stop"]


async def test_a_bad_gateway_is_waited_out(
    fake: FakeTelegram, service: PollingRecorder, polling: asyncio.Task[None]
) -> None:
    fake.fail_next("getUpdates", 502, "Bad Gateway")
    fake.push_update(message_update(1001, 555, "xin chào"))
    await until(lambda: len(service.accepted) == 1)
    assert [c.status for c in fake.calls_to("getUpdates")][:2] == [502, 200]


async def test_a_request_telegram_will_never_accept_stops_polling(
    fake: FakeTelegram, settings: Settings, service: PollingRecorder
) -> None:
    fake.fail_next("getUpdates", 400, "Bad Request: wrong parameter allowed_updates")
    with pytest.raises(ChannelError, match="allowed_updates"):
        await run_polling(settings, service, poll_timeout=1)
