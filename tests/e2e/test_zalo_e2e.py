"""Zalo end to end over real sockets: the app under uvicorn, the fake Zalo platform beside it.

Signed webhooks go to the app; its replies arrive at the fake's message API. What the citizen should
receive is not written here: the engine itself, run on the same content with the same inputs, is the
oracle, and the adapter's renderer turns its replies into the Zalo messages expected.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from bot.channels.zalo.render import render_reply
from bot.config import Settings, load_settings
from bot.content.model import load_content
from bot.domain.messages import Incoming
from tests.fakes.zalo_server import FakeZalo, ZaloEvents, zalo_error
from tests.support.channel_e2e import ChannelBot, Oracle, delivered, wait_until
from tests.support.server import live_app

pytestmark = pytest.mark.e2e

APP_ID, OA_ID = "2553928453557884079", "3662729599332560487"
APP_SECRET, OA_SECRET = "app-secret-e2e", "oa-secret-key-e2e"
EVENTS = ZaloEvents(app_id=APP_ID, oa_id=OA_ID, oa_secret_key=OA_SECRET)
CHECKOUT_PROCEDURES = Path(__file__).resolve().parents[2] / "procedures"


class Bot(ChannelBot[FakeZalo]):
    channel = "zalo"

    def post(self, event: dict[str, Any], *, key: str | None = None, signed: bool = True) -> httpx.Response:
        raw, headers = EVENTS.signed(event, key=key)
        if not signed:
            headers = {"Content-Type": "application/json"}
        return httpx.post(f"{self.url}/webhooks/zalo", content=raw, headers=headers, timeout=10)


def buttons(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [b for m in messages if "attachment" in m for b in m["attachment"]["payload"]["buttons"]]


def zalo_settings(database: Path, fake: FakeZalo, **overrides: Any) -> Settings:
    return load_settings(
        database_url=f"sqlite:///{database}",
        outbox_poll_seconds=0.2,
        zalo_app_id=APP_ID,
        zalo_app_secret=APP_SECRET,
        zalo_oa_secret_key=OA_SECRET,
        zalo_access_token="at-0",
        zalo_refresh_token="rt-0",
        zalo_openapi_base=fake.url,
        zalo_oauth_base=fake.url,
        **overrides,
    )


def own_fake() -> AbstractContextManager[FakeZalo]:
    return FakeZalo(app_id=APP_ID, app_secret=APP_SECRET, access_token="at-0", refresh_token="rt-0").running()


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeZalo]:
    with own_fake() as server:
        yield server


@pytest.fixture
def fresh_fake() -> Iterator[FakeZalo]:
    with own_fake() as server:
        yield server


@pytest.fixture(scope="module")
def shared_bot(tmp_path_factory: pytest.TempPathFactory, fake: FakeZalo) -> Iterator[Bot]:
    """One app for the module (starting one takes seconds); every test talks as its own citizens."""
    settings = zalo_settings(tmp_path_factory.mktemp("zalo-e2e") / "motcua.db", fake)
    oracle = Oracle.of(settings, render_reply)
    with live_app(settings) as url:
        yield Bot(url, settings, fake, oracle)


@pytest.fixture
def bot(shared_bot: Bot) -> Bot:
    shared_bot.fake.reset()
    return shared_bot


def test_follow_greets(bot: Bot) -> None:
    expected = bot.oracle.expect("u-follow", Incoming.started())
    assert expected, "the engine greets a new follower"
    assert bot.post(EVENTS.follow("u-follow")).status_code == 200
    assert delivered(bot, "u-follow", len(expected)) == expected


def test_text_gets_buttons_and_a_tap_moves_on(bot: Bot) -> None:
    user = "u-text"
    expected = bot.oracle.expect(user, Incoming.typed("làm giấy khai sinh cho con"))
    assert bot.post(EVENTS.text(user, "làm giấy khai sinh cho con")).status_code == 200
    first = delivered(bot, user, len(expected))
    assert first == expected
    taps = [b for b in buttons(first) if b["type"] == "oa.query.hide"]
    assert taps, "the answer offers buttons"
    button_id = taps[0]["payload"].removeprefix("#b:")
    expected_next = bot.oracle.expect(user, Incoming.pressed(button_id))
    assert bot.post(EVENTS.tap(user, button_id)).status_code == 200
    after = delivered(bot, user, len(first) + len(expected_next))
    assert after[len(first) :] == expected_next
    assert expected_next != first


def test_unsigned_or_badly_signed_webhooks_are_refused_and_leave_no_trace(bot: Bot) -> None:
    event = EVENTS.text("u-forged", "xin chào")
    assert bot.post(event, signed=False).status_code == 401
    assert bot.post(event, key="the-app-secret-instead").status_code == 401
    raw, headers = EVENTS.signed(event)
    tampered = raw.replace("xin chào".encode(), "tạm biệt".encode())
    assert httpx.post(f"{bot.url}/webhooks/zalo", content=tampered, headers=headers).status_code == 401
    time.sleep(0.6)
    assert bot.inbox_count("u-forged") == 0
    assert bot.fake.state.attempts == 0


def test_a_redelivered_message_is_answered_once(bot: Bot) -> None:
    user = "u-redelivery"
    event = EVENTS.text(user, "đăng ký thường trú", msg_id="same-msg-id")
    expected = bot.oracle.expect(user, Incoming.typed("đăng ký thường trú"))
    for _ in range(3):
        assert bot.post(event).status_code == 200
    assert delivered(bot, user, len(expected), settle=1.0) == expected
    assert bot.inbox_count(user) == 1


def test_an_expired_token_is_refreshed_and_the_reply_delivered(bot: Bot) -> None:
    user = "u-refresh"
    bot.fake.expire_access_tokens()
    expected = bot.oracle.expect(user, Incoming.typed("xin chào"))
    assert bot.post(EVENTS.text(user, "xin chào")).status_code == 200
    assert delivered(bot, user, len(expected)) == expected
    assert bot.fake.state.refreshes == 1
    [(value,)] = bot.db("SELECT value FROM secrets WHERE name = 'zalo_tokens'")
    stored = json.loads(value)  # the new pair is kept, and it is the one Zalo now honours
    assert stored["access_token"] in bot.fake.state.access_tokens
    assert stored["refresh_token"] in bot.fake.state.refresh_tokens
    assert stored["refresh_token"] != "rt-0"


def test_rate_limiting_backs_off_then_delivers(bot: Bot) -> None:
    user = "u-rate"
    bot.fake.script(zalo_error(-32))
    expected = bot.oracle.expect(user, Incoming.typed("xin chào"))
    started = time.monotonic()
    assert bot.post(EVENTS.text(user, "xin chào")).status_code == 200
    assert delivered(bot, user, len(expected)) == expected
    assert time.monotonic() - started >= 1.5  # waited for the back-off, did not hammer
    assert bot.fake.state.attempts == len(expected) + 1


def test_outside_the_window_is_recorded_and_not_retried(bot: Bot) -> None:
    user = "u-window"
    bot.fake.script(zalo_error(-230))
    refused, *others = bot.oracle.expect_per_reply(user, Incoming.typed("xin chào"))
    rest = [message for reply in others for message in reply]
    assert bot.post(EVENTS.text(user, "xin chào")).status_code == 200
    failed = "SELECT last_error FROM outbox WHERE user_id = ? AND failed_at IS NOT NULL"
    wait_until(lambda: bool(bot.db(failed, user)))
    assert delivered(bot, user, len(rest), settle=1.5) == rest  # several rounds: none retries it
    [(error,)] = bot.db(failed, user)
    assert "-230" in error
    assert bot.fake.state.attempts == 1 + len(rest)  # tried once; the turn's other replies still go
    assert refused[0] not in bot.fake.messages_to(user)


def test_an_image_gets_the_polite_please_type_reply(bot: Bot) -> None:
    user = "u-image"
    greeting = bot.oracle.expect(user, Incoming.typed("xin chào"))
    assert bot.post(EVENTS.text(user, "xin chào")).status_code == 200
    delivered(bot, user, len(greeting))
    expected = bot.oracle.expect(user, Incoming.unsupported("image"))
    assert expected[0]["text"] == bot.oracle.content.flows.messages.not_text  # flows.yaml's own words
    assert bot.post(EVENTS.media(user, "image")).status_code == 200
    assert delivered(bot, user, len(greeting) + len(expected))[len(greeting) :] == expected


def test_echoes_and_receipts_are_ignored(bot: Bot) -> None:
    before = bot.inbox_count()
    for event in (
        EVENTS.echo("u-echo", "Chào bạn!"),
        EVENTS.receipt("u-echo"),
        EVENTS.receipt("u-echo", "user_received_message"),
    ):
        assert bot.post(event).status_code == 200
    time.sleep(0.8)
    assert bot.inbox_count() == before
    assert bot.fake.state.attempts == 0


def catalogue_copy(target: Path, thuong_tru: dict[str, Any]) -> Path:
    """The real catalogue with `thuong-tru.yaml` replaced."""
    target.mkdir(exist_ok=True)
    for source in CHECKOUT_PROCEDURES.glob("*.yaml"):
        shutil.copy(source, target / source.name)
    (target / "thuong-tru.yaml").write_text(yaml.safe_dump(thuong_tru, allow_unicode=True), encoding="utf-8")
    return target


def longest_reply(settings: Settings, *texts: str) -> str:
    """The longest message the last of `texts` gets, typed one after the other."""
    content = load_content(settings.catalogue_dir, settings.flows_file, settings.lexicon_file)
    state = None
    for text in texts:
        turn = content.engine.handle(state, Incoming.typed(text))
        state = turn.state
    return max((r.text for r in turn.replies), key=len)


def test_text_over_zalos_limit_is_split_into_messages_zalo_accepts(
    tmp_path: Path, fresh_fake: FakeZalo
) -> None:
    """The engine already keeps every message within 2,000 characters, but counts code points; an emoji
    is two units for Zalo's (JavaScript) counting. A document list full of 📌 that the engine sends as one
    message is too long for Zalo, and the adapter must split it. (Its own app and platform: the shared
    ones have rotated their tokens.)"""
    fake = fresh_fake
    question, papers = "đăng ký thường trú", "giấy tờ"  # the short card first, then its papers
    procedure = yaml.safe_load((CHECKOUT_PROCEDURES / "thuong-tru.yaml").read_text(encoding="utf-8"))
    documents = [
        {**doc, "name": f"{doc['name']} ({i + 1})"} for i in range(2) for doc in procedure["documents"]
    ]
    procedure["documents"] = documents
    base = zalo_settings(tmp_path / "long.db", fake, catalogue_dir=catalogue_copy(tmp_path / "p1", procedure))
    room = 2000 - len(longest_reply(base, question, papers)) - 10
    pins = "📌" * (room // len(documents))
    procedure["documents"] = [{**doc, "note": pins + doc["note"]} for doc in documents]
    settings = zalo_settings(
        tmp_path / "long.db", fake, catalogue_dir=catalogue_copy(tmp_path / "p2", procedure)
    )
    oracle = Oracle.of(settings, render_reply)
    user = "u-long"
    card = oracle.expect(user, Incoming.typed(question))
    per_reply = oracle.expect_per_reply(user, Incoming.typed(papers))
    assert any(len(reply) > 1 for reply in per_reply), "a reply should be over Zalo's limit"
    expected = card + [message for reply in per_reply for message in reply]
    with live_app(settings) as url:
        long_bot = Bot(url, settings, fake, oracle)
        assert long_bot.post(EVENTS.text(user, question)).status_code == 200
        delivered(long_bot, user, len(card))
        assert long_bot.post(EVENTS.text(user, papers)).status_code == 200
        received = delivered(long_bot, user, len(expected))
    assert received == expected
    assert fake.state.attempts == len(expected)  # the fake, counting like Zalo, refused none
