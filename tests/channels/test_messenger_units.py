"""Messenger adapter pieces in-process: the signature over Meta's escaped bytes, events ->
InboundMessage, Reply -> Send API bodies within Meta's limits, and Send API errors -> delivery
decisions (httpx.MockTransport)."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from api.routes.messenger import router
from bot.channels.messenger.events import GET_STARTED, events, to_inbound
from bot.channels.messenger.render import render_reply
from bot.channels.messenger.sender import MessengerSender
from bot.channels.messenger.signature import sign, signature_matches
from bot.channels.messenger.webhook import MAX_BODY_BYTES, MessengerWebhook
from bot.config import load_settings
from bot.domain.messages import Button, Incoming, Link, Reply
from bot.errors import ChannelAuthError, ChannelError, ChannelRateLimited, ChannelRejected, ConfigError
from bot.runtime import Runtime
from tests.fakes.messenger_server import MessengerEvents, message_problem

SECRET = "app-secret"
EVENTS = MessengerEvents(page_id="1001", app_secret=SECRET)
HOOK = MessengerWebhook(app_secret=SECRET, verify_token="verify")


def test_the_signature_covers_the_escaped_bytes_meta_sends() -> None:
    raw, headers = EVENTS.signed(
        EVENTS.delivery_of(EVENTS.text("7001", "Đăng ký khai sinh 👶 ở phường <1/2> 100% @ubnd"))
    )
    assert b"\\ud83d\\udc76" in raw and b"\\u0110" in raw  # emoji as a surrogate pair, Đ escaped
    assert b"\\/" in raw and b"\\u0040" in raw and b"@" not in raw
    assert signature_matches(headers["X-Hub-Signature-256"], raw_body=raw, app_secret=SECRET)
    decoded = json.dumps(json.loads(raw), ensure_ascii=False).encode()
    assert not signature_matches(headers["X-Hub-Signature-256"], raw_body=decoded, app_secret=SECRET)
    assert not signature_matches(sign(raw, "other"), raw_body=raw, app_secret=SECRET)
    assert not signature_matches("sha1=" + sign(raw, SECRET)[7:], raw_body=raw, app_secret=SECRET)
    assert not signature_matches("sha256=ạ", raw_body=raw, app_secret=SECRET)  # non-ASCII: False, no crash


def test_the_webhook_checks_the_signature_before_parsing() -> None:
    assert HOOK.check(b"{not json", None).status == 401
    assert HOOK.check(b"{not json", sign(b"{not json", "other")).status == 401
    assert HOOK.check(b"{not json", sign(b"{not json", SECRET)).status == 400
    assert HOOK.handshake("subscribe", "verify", "42") == "42"
    assert HOOK.handshake("subscribe", "guess", "42") is None


def test_a_delivery_with_several_entries_yields_every_event_in_order() -> None:
    delivery = EVENTS.delivery_of(EVENTS.text("7001", "một"), EVENTS.read("7001"), EVENTS.text("7002", "hai"))
    raw, headers = EVENTS.signed(delivery)
    outcome = HOOK.check(raw, headers["X-Hub-Signature-256"])
    assert outcome.status == 200
    assert [(m.user_id, m.incoming) for m in outcome.messages] == [
        ("7001", Incoming.typed("một")),
        ("7002", Incoming.typed("hai")),
    ]
    assert list(events({"object": "instagram", "entry": delivery["entry"]})) == []


@pytest.mark.parametrize(
    ("event", "incoming"),
    [
        (EVENTS.quick_reply("7003", "Tìm thủ tục", "menu.choose.find"), Incoming.pressed("menu.choose.find")),
        (EVENTS.postback("7003", "help", "Trợ giúp"), Incoming.pressed("help")),
        (EVENTS.get_started("7003"), Incoming.started("")),
        (EVENTS.get_started("7003", ref="khai-sinh"), Incoming.started("khai-sinh")),
        (EVENTS.referral("7003", "thuong-tru"), Incoming.started("thuong-tru")),
        (EVENTS.image("7003"), Incoming.unsupported("image")),
    ],
)
def test_events_become_what_the_citizen_did(event: dict[str, Any], incoming: Incoming) -> None:
    message = to_inbound(event)
    assert message is not None and message.incoming == incoming and message.channel == "messenger"


def test_echoes_receipts_and_senderless_events_are_ignored() -> None:
    for event in (
        EVENTS.echo("7003", "hi"),
        EVENTS.read("7003"),
        EVENTS.delivery("7003"),
        {"message": {"mid": "m"}},
    ):
        assert to_inbound(event) is None


def test_dedupe_keys_survive_redelivery_and_tell_taps_apart() -> None:
    text = EVENTS.text("7003", "xin chào", mid="m_1")
    assert to_inbound(text) == to_inbound(json.loads(json.dumps(text)))
    first, second = EVENTS.postback("7003", "help"), EVENTS.postback("7003", "help")
    key = to_inbound(first).dedupe_key  # type: ignore[union-attr]
    assert key == to_inbound(dict(first)).dedupe_key  # type: ignore[union-attr]
    assert key != to_inbound(second).dedupe_key  # type: ignore[union-attr]
    assert to_inbound(EVENTS.get_started("7003")).incoming.kind == "start"  # type: ignore[union-attr]
    assert GET_STARTED.startswith("#")


def test_long_text_and_many_buttons_stay_within_the_send_api_limits() -> None:
    paragraph = "Giấy tờ cần chuẩn bị: tờ khai, giấy chứng sinh 📄. " * 30
    buttons = tuple(Button(f"pick.{i}", f"Thủ tục đăng ký số {i} dài hơn hai mươi ký tự") for i in range(15))
    bodies = render_reply(
        "u", Reply(paragraph * 3, buttons, (Link("Cổng Dịch vụ công quốc gia", "https://dichvucong.gov.vn"),))
    )
    assert len(bodies) >= 3
    assert all(message_problem(body) is None for body in bodies), [message_problem(b) for b in bodies]
    assert all(body["messaging_type"] == "RESPONSE" for body in bodies)
    quick = bodies[-1]["message"]["quick_replies"]
    assert [q["payload"] for q in quick] == [b.id for b in buttons[:13]]  # the id in the payload
    overflow = [
        b["payload"]
        for body in bodies[:-1]
        for b in body["message"].get("attachment", {}).get("payload", {}).get("buttons", [])
        if b["type"] == "postback"
    ]
    assert overflow == ["pick.13", "pick.14"]


def test_a_short_reply_with_a_link_is_one_button_template() -> None:
    reply = Reply(
        "Xem thủ tục trên Cổng.",
        (Button("menu", "Về menu chính"),),
        (Link("Cổng DVC", "https://dichvucong.gov.vn"),),
    )
    [body] = render_reply("u", reply)
    payload = body["message"]["attachment"]["payload"]
    assert payload["template_type"] == "button"
    assert [b["type"] for b in payload["buttons"]] == ["postback", "web_url"]
    assert message_problem(body) is None


def _sender(answers: list[httpx.Response], seen: list[httpx.Request]) -> MessengerSender:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return (
            answers.pop(0) if answers else httpx.Response(200, json={"recipient_id": "u", "message_id": "m"})
        )

    client = httpx.AsyncClient(transport=httpx.MockTransport(handle))
    return MessengerSender(
        client, page_token="pt-Zx9", graph_base="https://graph.example", api_version="25.0"
    )


def _graph(status: int, code: int, subcode: int | None = None) -> httpx.Response:
    error: dict[str, Any] = {"message": "m", "type": "OAuthException", "code": code}
    if subcode:
        error["error_subcode"] = subcode
    return httpx.Response(status, json={"error": error})


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (httpx.Response(429, json={}), ChannelRateLimited),
        (_graph(400, 613), ChannelRateLimited),
        (_graph(400, 4), ChannelRateLimited),
        (_graph(500, 1200), ChannelError),
        (_graph(500, 2), ChannelError),
        (httpx.Response(502, text="Bad Gateway"), ChannelError),
        (_graph(400, 10, 2018278), ChannelRejected),
        (_graph(400, 551, 1545041), ChannelRejected),
        (_graph(400, 100, 2018001), ChannelRejected),
        (_graph(400, 190), ChannelAuthError),
    ],
)
async def test_send_api_errors_become_delivery_decisions(
    answer: httpx.Response, error: type[Exception]
) -> None:
    seen: list[httpx.Request] = []
    sender = _sender([answer], seen)
    with pytest.raises(error) as raised:
        await sender.send("u", Reply("Chào bạn").to_json())
    assert type(raised.value) is error
    assert "pt-Zx9" not in str(raised.value)
    assert seen[0].url.path == "/v25.0/me/messages" and seen[0].url.params["access_token"] == "pt-Zx9"


async def test_rate_limit_waits_double_and_reset_after_a_success() -> None:
    seen: list[httpx.Request] = []
    sender = _sender([_graph(400, 613), _graph(400, 613)], seen)
    waits = []
    for _ in range(2):
        with pytest.raises(ChannelRateLimited) as raised:
            await sender.send("u", Reply("a").to_json())
        waits.append(raised.value.retry_after)
    assert waits == [2.0, 4.0]
    await sender.send("u", Reply("a").to_json())
    assert sender._rate_limited_streak == 0


async def test_a_retried_long_reply_resumes_at_the_part_that_failed() -> None:
    seen: list[httpx.Request] = []
    ok = httpx.Response(200, json={"recipient_id": "u", "message_id": "m"})
    sender = _sender([ok, _graph(500, 1200)], seen)
    reply = Reply("Đoạn một. " * 300).to_json()  # about 3,000 characters: two messages
    with pytest.raises(ChannelError):
        await sender.send("u", reply)
    await sender.send("u", reply)
    texts = [json.loads(r.content)["message"]["text"] for r in seen]
    assert len(seen) == 3 and texts[1] == texts[2] != texts[0]


def test_a_half_configured_messenger_refuses_to_start() -> None:
    with pytest.raises(ConfigError, match="MOTCUA_MESSENGER_PAGE_TOKEN"):
        load_settings(messenger_app_secret="s", messenger_verify_token="v")
    assert not load_settings().messenger_enabled


async def test_the_route_answers_404_while_messenger_is_off() -> None:
    app = FastAPI()
    app.include_router(router)
    app.state.runtime = Runtime.of(load_settings(), None)  # type: ignore[arg-type]  # off: never reached
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        assert (await client.get("/webhooks/messenger", params={"hub.mode": "subscribe"})).status_code == 404
        assert (await client.post("/webhooks/messenger", content=b"{}")).status_code == 404


async def test_an_oversized_delivery_is_413_before_the_signature_or_the_service(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The route is the one place a delivery's size is checked (MessengerWebhook.check trusts it), also
    # for a body streamed without a Content-Length; this bare app has no app-wide BodyLimit in front.
    settings = load_settings(
        messenger_app_secret=SECRET, messenger_verify_token="v", messenger_page_token="t"
    )
    app = FastAPI()
    app.include_router(router)
    app.state.runtime = Runtime.of(settings, None)  # type: ignore[arg-type]  # never reached
    limit = MAX_BODY_BYTES

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(limit // 8192 + 1):
            yield b"x" * 8192

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        body = b"x" * (limit + 1)
        headers = {"X-Hub-Signature-256": sign(body, SECRET)}
        for content in (body, chunks()):
            response = await client.post("/webhooks/messenger", content=content, headers=headers)
            assert response.status_code == 413
    assert sum("body too large" in message for message in caplog.messages) == 2


def test_ids_are_bounded_before_they_reach_storage() -> None:
    assert to_inbound(EVENTS.text("not-a-psid", "xin chào")) is None
    assert to_inbound(EVENTS.text("9" * 65, "xin chào")) is None
    long_mid = to_inbound(EVENTS.text("7004", "xin chào", mid="m_" + "x" * 5000))
    assert long_mid is not None and len(long_mid.dedupe_key) <= 255
    other = to_inbound(EVENTS.text("7004", "xin chào", mid="m_" + "x" * 4999))
    assert other is not None and other.dedupe_key != long_mid.dedupe_key


async def test_the_page_token_never_reaches_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[httpx.Request] = []
    sender = _sender([], seen)
    with caplog.at_level(logging.INFO, logger="httpx"):
        await sender.send("7005", Reply("Chào bạn").to_json())
    assert seen and "pt-Zx9" in str(seen[0].url)
    logged = [record.getMessage() for record in caplog.records if record.name == "httpx"]
    assert logged and all("pt-Zx9" not in line for line in logged)
