"""Messenger end to end over real sockets: the app under uvicorn, the fake Messenger platform beside it.

Signed deliveries (serialised as Meta does: Vietnamese and emoji escaped as \\uXXXX) go to the app; its
replies arrive at the fake's Send API. What the citizen should receive is not written here: the engine
itself, run on the same content with the same inputs, is the oracle, and the adapter's renderer turns
its replies into the Messenger messages expected.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.channels.messenger.render import render_reply
from bot.config import Settings, load_settings
from bot.domain.messages import Incoming
from tests.fakes.messenger_server import FakeMessenger, MessengerEvents, graph_error, too_many_requests
from tests.support.channel_e2e import ChannelBot, Oracle, delivered, wait_until
from tests.support.server import free_port, live_app

pytestmark = pytest.mark.e2e

PAGE_ID, APP_SECRET, VERIFY_TOKEN, PAGE_TOKEN = "107385954523210", "app-secret-e2e", "verify-e2e", "pt-e2e"
EVENTS = MessengerEvents(page_id=PAGE_ID, app_secret=APP_SECRET)
GREETING = "Chào bạn 👋 mình muốn làm giấy khai sinh cho con"


class Bot(ChannelBot[FakeMessenger]):
    channel = "messenger"

    def post(self, *events: dict[str, Any], secret: str | None = None, signed: bool = True) -> httpx.Response:
        raw, headers = EVENTS.signed(EVENTS.delivery_of(*events), secret=secret)
        if not signed:
            headers = {"Content-Type": "application/json"}
        return httpx.post(f"{self.url}/webhooks/messenger", content=raw, headers=headers, timeout=10)


def quick_replies(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [q for m in messages for q in m.get("quick_replies", [])]


def messenger_settings(database: Path, fake: FakeMessenger, **overrides: Any) -> Settings:
    return load_settings(
        database_url=f"sqlite:///{database}",
        outbox_poll_seconds=0.2,
        messenger_app_secret=APP_SECRET,
        messenger_verify_token=VERIFY_TOKEN,
        messenger_page_token=PAGE_TOKEN,
        messenger_api_version="v25.0",
        **{"messenger_graph_base": fake.url, **overrides},
    )


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeMessenger]:
    with FakeMessenger(page_token=PAGE_TOKEN).running() as server:
        yield server


@pytest.fixture(scope="module")
def shared_bot(tmp_path_factory: pytest.TempPathFactory, fake: FakeMessenger) -> Iterator[Bot]:
    """One app for the module (starting one takes seconds); every test talks as its own citizens."""
    settings = messenger_settings(tmp_path_factory.mktemp("messenger-e2e") / "motcua.db", fake)
    oracle = Oracle.of(settings, render_reply)
    with live_app(settings) as url:
        yield Bot(url, settings, fake, oracle)


@pytest.fixture
def bot(shared_bot: Bot) -> Bot:
    shared_bot.fake.reset()
    return shared_bot


def test_the_handshake_echoes_the_challenge_only_for_our_token(bot: Bot) -> None:
    url = f"{bot.url}/webhooks/messenger"
    ours = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
    answer = httpx.get(url, params=ours)
    assert (answer.status_code, answer.text) == (200, "1158201444")
    assert httpx.get(url, params={**ours, "hub.verify_token": "someone-else"}).status_code == 403
    assert httpx.get(url, params={**ours, "hub.mode": "unsubscribe"}).status_code == 403


def test_signed_text_in_vietnamese_with_emoji_gets_guidance_and_buttons(bot: Bot) -> None:
    user = "9100000000000009"
    raw, _ = EVENTS.signed(EVENTS.delivery_of(EVENTS.text(user, GREETING)))
    assert b"\\u" in raw and "👋".encode() not in raw, "the body is escaped the way Meta sends it"
    expected = bot.oracle.expect(user, Incoming.typed(GREETING))
    assert bot.post(EVENTS.text(user, GREETING)).status_code == 200
    first = delivered(bot, user, len(expected))
    assert first == expected
    offered = quick_replies(first)
    assert offered, "the answer offers buttons as quick replies"
    assert all(len(q["title"]) <= 20 for q in offered)
    tapped = offered[0]
    expected_next = bot.oracle.expect(user, Incoming.pressed(tapped["payload"]))
    assert bot.post(EVENTS.quick_reply(user, tapped["title"], tapped["payload"])).status_code == 200
    after = delivered(bot, user, len(first) + len(expected_next))
    assert after[len(first) :] == expected_next
    assert expected_next != first


def test_unsigned_or_wrongly_signed_deliveries_are_refused_and_change_nothing(bot: Bot) -> None:
    user = "9100000000000002"
    event = EVENTS.text(user, "xin chào 🙂")
    assert bot.post(event, signed=False).status_code == 401
    assert bot.post(event, secret="not-the-app-secret").status_code == 401
    raw, headers = EVENTS.signed(EVENTS.delivery_of(event))
    url = f"{bot.url}/webhooks/messenger"
    tampered = raw.replace(b"xin ch", b"tam bi")
    assert httpx.post(url, content=tampered, headers=headers).status_code == 401
    # The same JSON re-serialised with the characters unescaped is other bytes: refused too.
    unescaped = json.dumps(json.loads(raw), ensure_ascii=False, separators=(",", ":")).encode()
    assert unescaped != raw
    assert httpx.post(url, content=unescaped, headers=headers).status_code == 401
    time.sleep(0.6)
    assert bot.inbox_count(user) == 0
    assert bot.fake.state.attempts == 0


def test_a_redelivered_message_and_postback_are_answered_once(bot: Bot) -> None:
    user = "9100000000000005"
    message = EVENTS.text(user, "đăng ký thường trú", mid="m_same-mid")
    expected = bot.oracle.expect(user, Incoming.typed("đăng ký thường trú"))
    for _ in range(3):
        assert bot.post(message).status_code == 200
    received = delivered(bot, user, len(expected), settle=1.0)
    assert received == expected
    tap = EVENTS.postback(user, "menu", "Về menu chính")
    expected_tap = bot.oracle.expect(user, Incoming.pressed("menu"))
    assert bot.post(tap, tap).status_code == 200  # twice in one delivery, and once more later
    assert bot.post(tap).status_code == 200
    assert (
        delivered(bot, user, len(received) + len(expected_tap), settle=1.0)[len(received) :] == expected_tap
    )
    assert bot.inbox_count(user) == 2


def test_an_m_me_ref_link_opens_the_procedure(bot: Bot) -> None:
    new, known = "9100000000000007", "9100000000000006"
    expected = bot.oracle.expect(new, Incoming.started("khai-sinh"))
    assert any(
        "khai sinh" in m.get("text", m.get("attachment", {}).get("payload", {}).get("text", "")).lower()
        for m in expected
    )
    assert bot.post(EVENTS.get_started(new, ref="khai-sinh")).status_code == 200  # a first visit
    assert delivered(bot, new, len(expected)) == expected
    greeting = bot.oracle.expect(known, Incoming.typed("xin chào"))
    assert bot.post(EVENTS.text(known, "xin chào")).status_code == 200
    delivered(bot, known, len(greeting))
    opened = bot.oracle.expect(known, Incoming.started("khai-sinh"))
    assert bot.post(EVENTS.referral(known, "khai-sinh")).status_code == 200  # an existing thread
    assert delivered(bot, known, len(greeting) + len(opened))[len(greeting) :] == opened


def test_rate_limits_are_retried_with_back_off_and_delivered(bot: Bot) -> None:
    user = "9100000000000004"
    bot.fake.script(
        too_many_requests(), graph_error(613, message="Calls to this API have exceeded the rate limit.")
    )
    expected = bot.oracle.expect(user, Incoming.typed("xin chào"))
    assert bot.post(EVENTS.text(user, "xin chào")).status_code == 200
    assert delivered(bot, user, len(expected)) == expected
    # Both refusals were recorded on the reply and retried later through the outbox, then delivered.
    tries = "SELECT attempts, last_error, delivered_at IS NOT NULL FROM outbox WHERE user_id = ? ORDER BY seq"
    first_try = bot.db(tries, user)[0]
    assert first_try[0] == 2 and "613" in first_try[1] and first_try[2]
    assert bot.fake.state.attempts == len(expected) + 2


def test_outside_the_window_is_recorded_and_not_retried(bot: Bot) -> None:
    user = "9100000000000010"
    bot.fake.script(graph_error(10, 2018278, message="This message is sent outside of allowed window."))
    refused, *others = bot.oracle.expect_per_reply(user, Incoming.typed("xin chào"))
    rest = [message for reply in others for message in reply]
    assert bot.post(EVENTS.text(user, "xin chào")).status_code == 200
    failed = "SELECT last_error FROM outbox WHERE user_id = ? AND failed_at IS NOT NULL"
    wait_until(lambda: bool(bot.db(failed, user)))
    assert delivered(bot, user, len(rest), settle=1.5) == rest  # several rounds: none retries it
    [(error,)] = bot.db(failed, user)
    assert "10/2018278" in error and PAGE_TOKEN not in error
    assert bot.fake.state.attempts == 1 + len(rest)
    assert refused[0] not in bot.fake.messages_to(user)


def test_echoes_reads_and_deliveries_are_ignored(bot: Bot) -> None:
    before = bot.inbox_count()
    user = "9100000000000001"
    assert (
        bot.post(EVENTS.echo(user, "Chào bạn!"), EVENTS.read(user), EVENTS.delivery(user)).status_code == 200
    )
    time.sleep(0.8)
    assert bot.inbox_count() == before
    assert bot.fake.state.attempts == 0


def test_a_photo_gets_the_please_type_reply(bot: Bot) -> None:
    user = "9100000000000003"
    greeting = bot.oracle.expect(user, Incoming.typed("xin chào"))
    assert bot.post(EVENTS.text(user, "xin chào")).status_code == 200
    delivered(bot, user, len(greeting))
    expected = bot.oracle.expect(user, Incoming.unsupported("image"))
    assert expected[0]["text"] == bot.oracle.content.flows.messages.not_text  # flows.yaml's own words
    assert bot.post(EVENTS.image(user)).status_code == 200
    assert delivered(bot, user, len(greeting) + len(expected))[len(greeting) :] == expected


def test_a_reply_accepted_while_meta_is_unreachable_is_delivered_after_a_restart(
    tmp_path: Path, fake: FakeMessenger
) -> None:
    """Nothing accepted is lost: the first app accepts the message but cannot reach Meta and stops; the
    next app on the same database delivers the reply."""
    fake.reset()
    database, user = tmp_path / "restart.db", "9100000000000008"
    base = load_settings()
    oracle = Oracle.of(base, render_reply)
    expected = oracle.expect(user, Incoming.typed("xin chào"))
    unreachable = messenger_settings(database, fake, messenger_graph_base=f"http://127.0.0.1:{free_port()}")
    with live_app(unreachable) as url:
        first = Bot(url, unreachable, fake, oracle)
        assert first.post(EVENTS.text(user, "xin chào")).status_code == 200
        pending = "SELECT count(*) FROM outbox WHERE user_id = ? AND last_error IS NOT NULL"
        wait_until(lambda: first.db(pending, user)[0][0] > 0)
    assert fake.messages_to(user) == []
    settings = messenger_settings(database, fake)
    with live_app(settings) as url:
        assert delivered(Bot(url, settings, fake, oracle), user, len(expected)) == expected
