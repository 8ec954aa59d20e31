"""TelegramSender against httpx.MockTransport: the sendMessage it posts and how Bot API errors map."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.channels.telegram.sender import TelegramSender
from bot.errors import ChannelAuthError, ChannelError, ChannelRateLimited, ChannelRejected

TOKEN = "123456:MOCK-token-not-real"
ME = {"id": 123456, "is_bot": True, "first_name": "Motcua", "username": "motcua_test_bot"}
Answer = Callable[[dict[str, Any]], httpx.Response]


def ok(result: Any) -> httpx.Response:
    return httpx.Response(200, json={"ok": True, "result": result})


def fail(status: int, description: str, **parameters: Any) -> httpx.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return httpx.Response(status, json=body)


def sent(params: dict[str, Any]) -> httpx.Response:
    chat = {"id": int(params["chat_id"]), "type": "private"}
    return ok({"message_id": 7, "date": 1_700_000_000, "chat": chat, "text": params["text"]})


@dataclass
class MockBotApi:
    """Answers sendMessage from a script (then successfully), records each call's form fields."""

    script: list[Answer] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[-1]
        assert request.url.path == f"/bot{TOKEN}/{method}"
        if method == "getMe":
            return ok(ME)
        params = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        if "reply_markup" in params:
            params["reply_markup"] = json.loads(params["reply_markup"])
        self.calls.append(params)
        answer = self.script.pop(0) if self.script else sent
        return answer(params)


@pytest.fixture
def api() -> MockBotApi:
    return MockBotApi()


@pytest.fixture
async def bot(api: MockBotApi) -> AsyncIterator[Bot]:
    def request() -> HTTPXRequest:
        return HTTPXRequest(httpx_kwargs={"transport": httpx.MockTransport(api)})

    async with Bot(TOKEN, request=request(), get_updates_request=request()) as bot:
        yield bot


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def sender(bot: Bot, waits: list[float]) -> TelegramSender:
    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    return TelegramSender(bot, max_inline_wait=10, sleep=sleep)


async def test_send_posts_escaped_html_with_the_keyboard_as_json(
    sender: TelegramSender, api: MockBotApi
) -> None:
    await sender.send("555", {"text": "Lệ phí <0đ> & nhanh", "buttons": [{"id": "yes", "label": "Có"}]})
    [call] = api.calls
    assert call["chat_id"] == "555"
    assert call["parse_mode"] == "HTML"
    assert call["text"] == "Lệ phí &lt;0đ&gt; &amp; nhanh"
    assert call["reply_markup"] == {"inline_keyboard": [[{"text": "Có", "callback_data": "yes"}]]}
    assert json.loads(call["link_preview_options"]) == {"is_disabled": True}


async def test_a_long_reply_goes_out_in_order_with_buttons_on_the_last_message(
    sender: TelegramSender, api: MockBotApi
) -> None:
    text = "Đoạn một.\n\n" + "chữ " * 1100 + "\n\n" + "cuối " * 10
    await sender.send("555", {"text": text, "buttons": [{"id": "next", "label": "Tiếp"}]})
    assert len(api.calls) == 2
    assert "reply_markup" not in api.calls[0]
    assert api.calls[1]["reply_markup"]["inline_keyboard"] == [[{"text": "Tiếp", "callback_data": "next"}]]
    assert api.calls[1]["text"].endswith("cuối")


async def test_retry_after_on_the_first_message_is_handed_to_the_service(
    sender: TelegramSender, api: MockBotApi
) -> None:
    api.script.append(lambda _: fail(429, "Too Many Requests: retry after 3", retry_after=3))
    with pytest.raises(ChannelRateLimited) as caught:
        await sender.send("555", {"text": "Xin chào", "buttons": []})
    assert caught.value.retry_after == 3.0
    assert caught.value.code == 429


async def test_retry_after_mid_reply_is_waited_out_so_no_part_is_sent_twice(
    sender: TelegramSender, api: MockBotApi, waits: list[float]
) -> None:
    api.script.extend([sent, lambda _: fail(429, "Too Many Requests: retry after 2", retry_after=2)])
    await sender.send("555", {"text": "một " * 1100 + "\n\nhai", "buttons": []})
    assert waits == [2.0]
    assert [c["text"][-3:] for c in api.calls] == ["một", "hai", "hai"]


async def test_a_long_wait_mid_reply_is_still_handed_to_the_service(
    sender: TelegramSender, api: MockBotApi
) -> None:
    api.script.extend([sent, lambda _: fail(429, "Too Many Requests: retry after 60", retry_after=60)])
    with pytest.raises(ChannelRateLimited) as caught:
        await sender.send("555", {"text": "một " * 1100 + "\n\nhai", "buttons": []})
    assert caught.value.retry_after == 60.0


@pytest.mark.parametrize(
    ("response", "error", "code"),
    [
        (fail(403, "Forbidden: bot was blocked by the user"), ChannelRejected, 403),
        (fail(400, "Bad Request: chat not found"), ChannelRejected, 400),
        (fail(401, "Unauthorized"), ChannelAuthError, 401),
        (fail(502, "Bad Gateway"), ChannelError, "NetworkError"),
    ],
)
async def test_bot_api_errors_map_to_motcua_errors(
    sender: TelegramSender,
    api: MockBotApi,
    response: httpx.Response,
    error: type[ChannelError],
    code: int | str,
) -> None:
    api.script.append(lambda _: response)
    with pytest.raises(ChannelError) as caught:
        await sender.send("555", {"text": "Xin chào", "buttons": []})
    assert type(caught.value) is error
    assert caught.value.code == code
    assert TOKEN not in str(caught.value)


async def test_a_dropped_connection_is_a_retryable_channel_error(
    sender: TelegramSender, api: MockBotApi
) -> None:
    def drop(_: dict[str, Any]) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    api.script.append(drop)
    with pytest.raises(ChannelError) as caught:
        await sender.send("555", {"text": "Xin chào", "buttons": []})
    assert type(caught.value) is ChannelError


async def test_an_overlong_button_id_is_refused_before_anything_is_sent(
    sender: TelegramSender, api: MockBotApi
) -> None:
    with pytest.raises(ChannelRejected, match="procedure:dang-ky-thuong-tru"):
        await sender.send(
            "555", {"text": "Chọn", "buttons": [{"id": "procedure:dang-ky-thuong-tru" * 3, "label": "A"}]}
        )
    assert api.calls == []


async def test_a_user_id_that_is_no_chat_id_is_refused(sender: TelegramSender, api: MockBotApi) -> None:
    with pytest.raises(ChannelRejected):
        await sender.send("web-visitor", {"text": "Xin chào", "buttons": []})
    assert api.calls == []
