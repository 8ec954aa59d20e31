"""TelegramChannel against the fake Bot API on 127.0.0.1: start-up, webhook registration, the secret check,
parsing raw JSON, answering callback queries, and shutting down."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from bot.channels.base import InboundMessage, Sender
from bot.channels.telegram import TelegramChannel, start_channel, start_telegram_channel
from bot.config import Settings, load_settings
from bot.domain.messages import Incoming
from bot.errors import ChannelError, ConfigError
from tests.fakes.telegram_server import FakeTelegram, button_update, message_update

SECRET = "s3cret_Token-1"


class RecordingService:
    """The service as the channel sees it: accept (deduplicated like the inbox) and register_sender."""

    def __init__(self) -> None:
        self.accepted: list[InboundMessage] = []
        self.senders: dict[str, Sender] = {}

    async def accept(self, msg: InboundMessage) -> bool:
        if any(m.dedupe_key == msg.dedupe_key for m in self.accepted):
            return False
        self.accepted.append(msg)
        return True

    def register_sender(self, sender: Sender) -> None:
        self.senders[sender.channel] = sender


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram().running() as fake:
        yield fake


def telegram_settings(fake: FakeTelegram, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "telegram_token": fake.token,
        "telegram_base_url": fake.base_url,
        "telegram_webhook_secret": SECRET,
        "public_base_url": "https://motcua.example.vn",
    }
    return load_settings(**(values | overrides))


@pytest.fixture
def service() -> RecordingService:
    return RecordingService()


@pytest.fixture
async def channel(fake: FakeTelegram, service: RecordingService) -> AsyncIterator[TelegramChannel]:
    channel = await start_telegram_channel(telegram_settings(fake), service)
    yield channel
    await channel.aclose()


async def test_start_up_checks_the_token_registers_the_sender_and_sets_the_webhook(
    fake: FakeTelegram, service: RecordingService, channel: TelegramChannel
) -> None:
    assert [c.method for c in fake.calls] == ["getMe", "setWebhook"]
    assert fake.webhook_url == "https://motcua.example.vn/webhooks/telegram"
    assert fake.webhook_secret == SECRET
    assert fake.calls_to("setWebhook")[0].params["allowed_updates"] == ["message", "callback_query"]
    assert service.senders["telegram"] is channel


@pytest.mark.parametrize(
    "overrides",
    [{"public_base_url": "http://127.0.0.1:8000"}, {"telegram_webhook_secret": None}],
    ids=["not-https", "no-secret"],
)
async def test_the_webhook_is_left_alone_when_it_could_not_work(
    fake: FakeTelegram, service: RecordingService, overrides: dict[str, Any]
) -> None:
    channel = await start_telegram_channel(telegram_settings(fake, **overrides), service)
    await channel.aclose()
    assert [c.method for c in fake.calls] == ["getMe"]


async def test_a_refused_set_webhook_does_not_stop_start_up(
    fake: FakeTelegram, service: RecordingService, caplog: pytest.LogCaptureFixture
) -> None:
    fake.fail_next("setWebhook", 400, "Bad Request: bad webhook: HTTPS url must be provided for webhook")
    with caplog.at_level(logging.ERROR, logger="motcua.telegram"):
        channel = await start_telegram_channel(telegram_settings(fake), service)
    await channel.aclose()
    assert "setWebhook failed" in caplog.text
    assert service.senders["telegram"] is channel


async def test_a_wrong_token_stops_start_up_without_printing_it(
    fake: FakeTelegram, service: RecordingService
) -> None:
    settings = telegram_settings(fake, telegram_token="999:WRONG-token")
    with pytest.raises(ConfigError, match="MOTCUA_TELEGRAM_TOKEN") as caught:
        await start_telegram_channel(settings, service)
    assert "WRONG-token" not in str(caught.value)
    assert service.senders == {}


async def test_the_token_never_reaches_the_http_log(
    fake: FakeTelegram, service: RecordingService, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="httpx"):
        channel = await start_telegram_channel(telegram_settings(fake), service)
        await channel.send("555", {"text": "Xin chào", "buttons": []})
        await channel.aclose()
    requests = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert len(requests) == 3  # getMe, setWebhook, sendMessage
    assert all("/bot<token>/" in line and fake.token not in line for line in requests)


async def test_an_unreachable_telegram_does_not_stop_start_up_and_sends_fail_retryably(
    service: RecordingService,
) -> None:
    with FakeTelegram().running() as gone:
        settings = telegram_settings(gone)  # the port is closed once the fake stops
    channel = await start_telegram_channel(settings, service)
    try:
        with pytest.raises(ChannelError) as caught:
            await channel.send("555", {"text": "Xin chào", "buttons": []})
        assert type(caught.value) is ChannelError
    finally:
        await channel.aclose()


async def test_start_channel_is_off_without_a_token(service: RecordingService) -> None:
    assert await start_channel(load_settings(), service, None) is None
    assert service.senders == {}


@pytest.mark.parametrize(
    ("header", "matches"),
    [
        (SECRET, True),
        ("s3cret_Token-2", False),
        ("s3cret", False),
        ("", False),
        (None, False),
        ("sécret", False),
    ],
)
def test_the_secret_header_must_match_exactly(
    channel: TelegramChannel, header: str | None, matches: bool
) -> None:
    assert channel.secret_matches(header) is matches


async def test_without_a_configured_secret_nothing_matches(
    fake: FakeTelegram, service: RecordingService
) -> None:
    channel = await start_telegram_channel(telegram_settings(fake, telegram_webhook_secret=None), service)
    await channel.aclose()
    assert not channel.secret_matches("")
    assert not channel.secret_matches("anything")


def test_parse_maps_a_real_update(channel: TelegramChannel) -> None:
    parsed = channel.parse(message_update(77, 555, "/start khai-sinh"))
    assert parsed.inbound is not None
    assert parsed.inbound.incoming == Incoming.started("khai-sinh")


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"message": {}},
        {"update_id": "77"},
        {"update_id": True},
        {"update_id": 77, "message": "text"},
        {"update_id": 77, "message": {"message_id": 1}},
        {
            "update_id": 77,
            "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}, "text": 5},
        },
        {"update_id": 77, "callback_query": {"id": "q"}},
    ],
)
def test_parse_refuses_what_is_not_an_update(channel: TelegramChannel, data: Any) -> None:
    with pytest.raises(ValueError, match="update"):
        channel.parse(data)


async def test_deliver_hands_messages_to_the_service_once(
    channel: TelegramChannel, service: RecordingService
) -> None:
    parsed = channel.parse(message_update(78, 555, "xin chào"))
    assert await channel.deliver(parsed, service) is True
    assert await channel.deliver(parsed, service) is False
    ignored = channel.parse({"update_id": 79, "edited_message": message_update(79, 555, "x")["message"]})
    assert await channel.deliver(ignored, service) is False
    assert [m.dedupe_key for m in service.accepted] == ["78"]


async def test_callback_queries_are_answered_and_an_expired_one_is_tolerated(
    fake: FakeTelegram, channel: TelegramChannel
) -> None:
    parsed = channel.parse(button_update(80, 555, "online", query_id="q-1"))
    assert parsed.callback_query_id == "q-1"
    await channel.answer_callback(parsed.callback_query_id)
    fake.fail_next("answerCallbackQuery", 400, "Bad Request: query is too old and response timeout expired")
    await channel.answer_callback("q-2")
    answered = fake.calls_to("answerCallbackQuery")
    assert [(c.params["callback_query_id"], c.status) for c in answered] == [("q-1", 200), ("q-2", 400)]


async def test_closing_twice_is_harmless(fake: FakeTelegram, service: RecordingService) -> None:
    channel = await start_telegram_channel(telegram_settings(fake), service)
    await channel.aclose()
    await channel.aclose()
