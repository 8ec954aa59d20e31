"""ZaloSender against httpx.MockTransport: the wire format, Zalo's error codes, token refresh."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from bot.channels.zalo.channel import ZaloSender, classify
from bot.channels.zalo.tokens import SECRET_NAME, ZaloTokens
from bot.domain.messages import Button, Reply
from bot.errors import ChannelAuthError, ChannelError, ChannelRateLimited, ChannelRejected
from tests.fakes import MemorySecrets, ZaloMock

USER = "6142494823000000001"
BASE = "https://openapi.test"
OAUTH = "https://oauth.test"
NOW = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)  # 10:00 in Vietnam


@pytest.fixture
def zalo() -> ZaloMock:
    return ZaloMock()


@pytest.fixture
def secrets() -> MemorySecrets:
    return MemorySecrets({SECRET_NAME: {"access_token": "at-0", "refresh_token": "rt-0", "expires_at": None}})


@pytest.fixture
async def http(zalo: ZaloMock) -> AsyncIterator[httpx.AsyncClient]:
    async with zalo.client() as client:
        yield client


def make_sender(http: httpx.AsyncClient, secrets: MemorySecrets, **options: Any) -> ZaloSender:
    tokens = ZaloTokens(
        secrets, http, app_id="app-1", app_secret="app-secret", oauth_base=OAUTH, poll_seconds=0.01
    )
    return ZaloSender(http, tokens, openapi_base=BASE, clock=lambda: NOW, **options)


@pytest.fixture
def sender(http: httpx.AsyncClient, secrets: MemorySecrets) -> ZaloSender:
    return make_sender(http, secrets)


def hello(text: str = "Xin chào!") -> dict[str, Any]:
    return Reply(text, buttons=(Button("find", "Tìm thủ tục"),)).to_json()


async def test_a_reply_is_posted_to_the_v3_cs_api_with_the_token_header(
    zalo: ZaloMock, sender: ZaloSender
) -> None:
    seen: list[httpx.Request] = []
    original = zalo.__call__

    async def spy(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return await original(request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(spy)) as client:
        sender_spied = ZaloSender(client, sender.tokens, openapi_base=BASE + "/", clock=lambda: NOW)
        await sender_spied.send(USER, hello())
    [request] = seen
    assert str(request.url) == "https://openapi.test/v3.0/oa/message/cs"
    assert request.headers["access_token"] == "at-0"
    assert request.headers["content-type"] == "application/json"
    body = json.loads(request.content)
    assert body["recipient"] == {"user_id": USER}
    assert body["message"]["text"] == "Xin chào!"
    assert body["message"]["attachment"]["payload"]["buttons"][0]["payload"] == "#b:find"


@pytest.mark.parametrize("code", [-216, -220])
async def test_a_rejected_token_is_refreshed_once_and_the_message_resent(
    code: int, zalo: ZaloMock, sender: ZaloSender, secrets: MemorySecrets
) -> None:
    zalo.script = [code]
    await sender.send(USER, hello())
    assert [token for token, _ in zalo.sent] == ["at-0", "at-1"]
    assert len(zalo.delivered) == 1
    [refresh] = zalo.refresh_requests
    assert str(refresh.url) == "https://oauth.test/v4/oa/access_token"
    assert refresh.headers["secret_key"] == "app-secret"
    assert refresh.headers["content-type"] == "application/x-www-form-urlencoded"
    form = parse_qs(refresh.content.decode())
    assert form == {"refresh_token": ["rt-0"], "app_id": ["app-1"], "grant_type": ["refresh_token"]}
    stored = await secrets.get_secret(SECRET_NAME)
    assert stored is not None
    assert (stored["access_token"], stored["refresh_token"]) == ("at-1", "rt-1")
    assert "lease_owner" not in stored


async def test_a_token_refused_again_after_refreshing_is_an_auth_error(
    zalo: ZaloMock, sender: ZaloSender
) -> None:
    zalo.script = [-216, -216]
    with pytest.raises(ChannelAuthError) as caught:
        await sender.send(USER, hello())
    assert caught.value.code == -216
    assert zalo.refreshes == 1  # refreshed once, not in a loop


async def test_concurrent_sends_hitting_216_refresh_once(zalo: ZaloMock, sender: ZaloSender) -> None:
    zalo.valid_tokens = set()  # at-0 has expired
    zalo.refresh_delay = 0.02
    await asyncio.gather(*(sender.send(f"user-{i}", hello()) for i in range(5)))
    assert zalo.refreshes == 1
    assert len(zalo.refresh_requests) == 1
    assert len(zalo.delivered) == 5


async def test_two_workers_sharing_the_store_refresh_once(
    zalo: ZaloMock, http: httpx.AsyncClient, secrets: MemorySecrets
) -> None:
    zalo.valid_tokens = set()
    zalo.refresh_delay = 0.05  # the second worker finds the first one's lease and waits for its pair
    worker_a, worker_b = make_sender(http, secrets), make_sender(http, secrets)
    await asyncio.gather(worker_a.send("user-a", hello()), worker_b.send("user-b", hello()))
    assert len(zalo.refresh_requests) == 1
    assert sorted(token for token, _ in zalo.sent) == ["at-0", "at-0", "at-1", "at-1"]
    assert len(zalo.delivered) == 2
    assert worker_a.tokens.refreshes + worker_b.tokens.refreshes == 1


async def test_a_refused_refresh_is_an_auth_error_and_frees_the_lease(
    zalo: ZaloMock, sender: ZaloSender, secrets: MemorySecrets
) -> None:
    zalo.valid_tokens, zalo.refresh_tokens = set(), set()  # the refresh token was burnt elsewhere
    with pytest.raises(ChannelAuthError) as caught:
        await sender.send(USER, hello())
    assert caught.value.code == -14014
    stored = await secrets.get_secret(SECRET_NAME)
    assert stored is not None and "lease_owner" not in stored
    assert stored["refresh_token"] == "rt-0"


async def test_rate_limit_backs_off_doubling_and_resets_after_success(
    zalo: ZaloMock, sender: ZaloSender
) -> None:
    waits = []
    zalo.script = [-32, -32, -32]
    for _ in range(3):
        with pytest.raises(ChannelRateLimited) as caught:
            await sender.send(USER, hello())
        waits.append(caught.value.retry_after)
    assert waits == [2.0, 4.0, 8.0]
    await sender.send(USER, hello())
    zalo.script = [-32]
    with pytest.raises(ChannelRateLimited) as caught:
        await sender.send(USER, hello())
    assert caught.value.retry_after == 2.0


async def test_rate_limit_wait_is_capped(
    zalo: ZaloMock, http: httpx.AsyncClient, secrets: MemorySecrets
) -> None:
    sender = make_sender(http, secrets, rate_limit_backoff=10.0, rate_limit_cap=25.0)
    zalo.script = [-32] * 3
    waits = []
    for _ in range(3):
        with pytest.raises(ChannelRateLimited) as caught:
            await sender.send(USER, hello())
        waits.append(caught.value.retry_after)
    assert waits == [10.0, 20.0, 25.0]


@pytest.mark.parametrize("code", [-230, -232, -201, -213, -227, -233, -240])
async def test_undeliverable_codes_are_rejected_for_good(
    code: int, zalo: ZaloMock, sender: ZaloSender
) -> None:
    zalo.script = [code]
    with pytest.raises(ChannelRejected) as caught:
        await sender.send(USER, hello())
    assert caught.value.code == code
    assert len(zalo.sent) == 1  # not retried, no refresh


@pytest.mark.parametrize("code", [-1, -124, -999])
async def test_other_codes_are_plain_channel_errors(code: int, zalo: ZaloMock, sender: ZaloSender) -> None:
    zalo.script = [code]
    with pytest.raises(ChannelError) as caught:
        await sender.send(USER, hello())
    assert type(caught.value) is ChannelError
    assert caught.value.code == code


def test_night_time_refusal_waits_until_six_in_vietnam() -> None:
    late = dt.datetime(2026, 3, 2, 16, 30, tzinfo=dt.UTC)  # 23:30 in Vietnam
    error = classify(-234, "night", rate_limit_backoff=2.0, now=late)
    assert isinstance(error, ChannelRateLimited)
    assert error.retry_after == 6.5 * 3600
    early = dt.datetime(2026, 3, 2, 22, 0, tzinfo=dt.UTC)  # 05:00 the next morning
    error = classify(-234, "night", rate_limit_backoff=2.0, now=early)
    assert isinstance(error, ChannelRateLimited) and error.retry_after == 3600


def test_out_of_quota_waits_an_hour() -> None:
    for code in (-211, -218):
        error = classify(code, "quota", rate_limit_backoff=2.0, now=NOW)
        assert isinstance(error, ChannelRateLimited) and error.retry_after == 3600


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        (httpx.Response(500, text="oops"), 500),
        (httpx.Response(502, text="bad gateway"), 502),
        (httpx.Response(200, text="<html>not json</html>"), "bad-answer"),
        (httpx.Response(200, json={"message": "no code"}), "bad-answer"),
        (httpx.Response(200, json={"error": "-32"}), "bad-answer"),
        (httpx.ReadTimeout("slow"), "timeout"),
        (httpx.ConnectError("refused"), "network"),
    ],
)
async def test_transport_failures_are_retryable_channel_errors(
    answer: httpx.Response | Exception, code: int | str, zalo: ZaloMock, sender: ZaloSender
) -> None:
    zalo.script = [answer]
    with pytest.raises(ChannelError) as caught:
        await sender.send(USER, hello())
    assert type(caught.value) is ChannelError
    assert caught.value.code == code


async def test_http_429_is_a_rate_limit(zalo: ZaloMock, sender: ZaloSender) -> None:
    zalo.script = [httpx.Response(429, text="slow down")]
    with pytest.raises(ChannelRateLimited):
        await sender.send(USER, hello())


def three_part_reply() -> dict[str, Any]:
    text = " ".join(
        f"Bước {i}: chuẩn bị tờ khai và giấy chứng sinh bản chính để nộp trực tuyến." for i in range(60)
    )
    return Reply(text, buttons=(Button("menu", "Về menu"),)).to_json()  # about 4,700 characters


async def test_a_retry_resumes_a_long_reply_where_it_failed(zalo: ZaloMock, sender: ZaloSender) -> None:
    reply = three_part_reply()
    zalo.script = [0, -32]  # part 1 goes, part 2 is rate limited
    with pytest.raises(ChannelRateLimited):
        await sender.send(USER, reply)
    await sender.send(USER, reply)
    texts = [body["message"]["text"] for _, body in zalo.sent]
    assert len(texts) == 4  # part 1, part 2 refused, then parts 2 and 3: part 1 is not repeated
    assert texts[1] == texts[2] and texts[0] != texts[2]
    await sender.send(USER, reply)  # delivered in full: the same reply later is sent whole again
    assert len(zalo.sent) == 7


async def test_a_rejected_long_reply_is_forgotten(zalo: ZaloMock, sender: ZaloSender) -> None:
    reply = three_part_reply()
    zalo.script = [0, -230]
    with pytest.raises(ChannelRejected):
        await sender.send(USER, reply)
    await sender.send(USER, reply)
    assert len(zalo.sent) == 5  # two, then the whole three again


async def test_an_empty_reply_sends_nothing(zalo: ZaloMock, sender: ZaloSender) -> None:
    await sender.send(USER, Reply("").to_json())
    assert zalo.sent == []
