"""The fake Zalo platform over real sockets, driven by the real sender: both sides must agree."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from bot.channels.zalo.channel import ZaloSender
from bot.channels.zalo.tokens import SECRET_NAME, ZaloTokens
from bot.domain.messages import Button, Reply
from bot.errors import ChannelError, ChannelRateLimited, ChannelRejected
from tests.fakes import MemorySecrets
from tests.fakes.zalo_server import FakeZalo, hang, http_status, zalo_error

pytestmark = pytest.mark.e2e

USER = "6142494823000000001"


@pytest.fixture
def fake() -> Iterator[FakeZalo]:
    server = FakeZalo(app_id="app-1", app_secret="app-secret").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
def secrets() -> MemorySecrets:
    return MemorySecrets({SECRET_NAME: {"access_token": "at-0", "refresh_token": "rt-0", "expires_at": None}})


@pytest.fixture
def sender(fake: FakeZalo, http: httpx.AsyncClient, secrets: MemorySecrets) -> ZaloSender:
    tokens = ZaloTokens(secrets, http, app_id="app-1", app_secret="app-secret", oauth_base=fake.url)
    return ZaloSender(http, tokens, openapi_base=fake.url, timeout=1.0)


def menu(count: int = 2) -> dict[str, object]:
    buttons = tuple(Button(f"b{i}", f"Lựa chọn {i}") for i in range(count))
    return Reply("Bạn muốn làm gì?", buttons=buttons).to_json()


async def test_a_reply_is_recorded_as_zalo_would_show_it(fake: FakeZalo, sender: ZaloSender) -> None:
    await sender.send(USER, menu(7))
    messages = fake.messages_to(USER)
    assert [m["text"] for m in messages] == ["Bạn muốn làm gì?", "…"]
    assert [len(m["attachment"]["payload"]["buttons"]) for m in messages] == [5, 2]


async def test_expired_tokens_are_refreshed_and_the_old_refresh_token_is_burnt(
    fake: FakeZalo, sender: ZaloSender, secrets: MemorySecrets, http: httpx.AsyncClient
) -> None:
    fake.expire_access_tokens()
    await sender.send(USER, menu())
    assert fake.state.refreshes == 1
    assert len(fake.messages_to(USER)) == 1
    stored = await secrets.get_secret(SECRET_NAME)
    assert stored is not None and stored["refresh_token"] == "rt-1"
    reused = await http.post(
        f"{fake.url}/v4/oa/access_token",
        data={"refresh_token": "rt-0", "app_id": "app-1", "grant_type": "refresh_token"},
        headers={"secret_key": "app-secret"},
    )
    assert reused.json()["error"] == -14014


async def test_the_oauth_endpoint_wants_the_app_secret(fake: FakeZalo, http: httpx.AsyncClient) -> None:
    form = {"refresh_token": "rt-0", "app_id": "app-1", "grant_type": "refresh_token"}
    wrong = await http.post(f"{fake.url}/v4/oa/access_token", data=form, headers={"secret_key": "oa-key"})
    assert wrong.json()["error"] != 0
    as_json = await http.post(
        f"{fake.url}/v4/oa/access_token", json=form, headers={"secret_key": "app-secret"}
    )
    assert as_json.json()["error"] != 0
    right = await http.post(f"{fake.url}/v4/oa/access_token", data=form, headers={"secret_key": "app-secret"})
    assert right.json() == {"access_token": "at-1", "refresh_token": "rt-1", "expires_in": "90000"}


async def test_scripted_answers_reach_the_sender_as_the_right_errors(
    fake: FakeZalo, sender: ZaloSender
) -> None:
    fake.script(zalo_error(-32), zalo_error(-230), http_status(500), zalo_error(-216))
    with pytest.raises(ChannelRateLimited):
        await sender.send(USER, menu())
    with pytest.raises(ChannelRejected):
        await sender.send(USER, menu())
    with pytest.raises(ChannelError) as caught:
        await sender.send(USER, menu())
    assert caught.value.code == 500
    await sender.send(USER, menu())  # -216 scripted: refreshed and resent
    assert fake.state.refreshes == 1
    assert len(fake.messages_to(USER)) == 1
    assert fake.state.attempts == 5


async def test_a_hanging_server_times_out(fake: FakeZalo, sender: ZaloSender) -> None:
    fake.script(hang(3.0))
    with pytest.raises(ChannelError) as caught:
        await sender.send(USER, menu())
    assert caught.value.code == "timeout"


@pytest.mark.parametrize(
    "message",
    [
        {"text": ""},
        {"text": "x" * 2001},
        {"text": "hi", "attachment": {"type": "template", "payload": {"buttons": [{"title": "a"}] * 6}}},
        {
            "text": "hi",
            "attachment": {
                "type": "template",
                "payload": {
                    "buttons": [
                        {
                            "title": "Một tiêu đề dài hơn hai mươi ký tự",
                            "type": "oa.query.hide",
                            "payload": "#b:x",
                        }
                    ]
                },
            },
        },
        {
            "text": "hi",
            "attachment": {
                "type": "template",
                "payload": {"buttons": [{"title": "Web", "type": "oa.open.url", "payload": "https://x"}]},
            },
        },
    ],
)
async def test_the_fake_refuses_what_zalo_would_refuse(
    fake: FakeZalo, http: httpx.AsyncClient, message: dict[str, object]
) -> None:
    body = {"recipient": {"user_id": USER}, "message": message}
    answer = await http.post(f"{fake.url}/v3.0/oa/message/cs", json=body, headers={"access_token": "at-0"})
    assert answer.status_code == 200
    assert answer.json()["error"] == -201
    assert fake.messages_to(USER) == []


async def test_a_wrong_token_is_216_with_http_200(fake: FakeZalo, http: httpx.AsyncClient) -> None:
    body = {"recipient": {"user_id": USER}, "message": {"text": "hi"}}
    answer = await http.post(f"{fake.url}/v3.0/oa/message/cs", json=body, headers={"access_token": "nope"})
    assert (answer.status_code, answer.json()["error"]) == (200, -216)
