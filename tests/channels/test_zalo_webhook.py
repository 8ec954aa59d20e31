"""ZaloWebhook.check: size, signature, JSON, app and age, in that order, before anything is stored."""

from __future__ import annotations

import json
import time

import pytest

from bot.channels.zalo.signature import HEADER, sign
from bot.channels.zalo.webhook import ZaloWebhook
from bot.domain.messages import Incoming
from tests.fakes.zalo_server import ZaloEvents

APP_ID, SECRET = "2553928453557884079", "oa-secret"
EVENTS = ZaloEvents(app_id=APP_ID, oa_id="oa-1", oa_secret_key=SECRET)
USER = "6142494823000000001"


def now_ms() -> int:
    return int(time.time() * 1000)


def webhook(**options: float | None) -> ZaloWebhook:
    return ZaloWebhook(app_id=APP_ID, oa_secret_key=SECRET, **options)  # type: ignore[arg-type]


def test_a_signed_text_is_accepted() -> None:
    raw, headers = EVENTS.signed(EVENTS.text(USER, "đăng ký thường trú"))
    outcome = webhook().check(raw, headers[HEADER], now_ms=now_ms())
    assert outcome.status == 200
    assert outcome.message is not None
    assert outcome.message.incoming == Incoming.typed("đăng ký thường trú")


def test_a_missing_signature_is_401_before_the_body_is_parsed() -> None:
    outcome = webhook().check(b"not json at all", None, now_ms=now_ms())
    assert (outcome.status, outcome.message) == (401, None)


def test_a_wrong_signature_is_401() -> None:
    raw, _ = EVENTS.signed(EVENTS.text(USER, "hi"))
    _, other = EVENTS.signed(EVENTS.text(USER, "something else"))
    outcome = webhook().check(raw, other[HEADER], now_ms=now_ms())
    assert (outcome.status, outcome.message) == (401, None)


def test_a_signature_made_with_the_wrong_key_is_401() -> None:
    raw, headers = EVENTS.signed(EVENTS.text(USER, "hi"), key="the-app-secret")
    assert webhook().check(raw, headers[HEADER], now_ms=now_ms()).status == 401


def test_an_event_for_another_app_is_401_even_when_signed_with_our_key() -> None:
    other_app = ZaloEvents(app_id="999", oa_id="oa-1", oa_secret_key=SECRET)
    raw, headers = other_app.signed(other_app.text(USER, "hi"))
    outcome = webhook().check(raw, headers[HEADER], now_ms=now_ms())
    assert outcome.status == 401 and "another app" in outcome.reason


@pytest.mark.parametrize(
    "raw", [b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe", b"[" * 20000 + b"]" * 20000]
)
def test_a_body_that_is_not_a_json_object_is_400(raw: bytes) -> None:
    outcome = webhook().check(raw, "mac=" + "0" * 64, now_ms=now_ms())
    assert (outcome.status, outcome.message) == (400, None)


def test_without_app_id_or_timestamp_the_signature_cannot_be_checked() -> None:
    raw = json.dumps({"event_name": "user_send_text", "app_id": APP_ID}).encode()
    assert webhook().check(raw, sign(APP_ID, raw, "", SECRET), now_ms=now_ms()).status == 401


def test_ignored_events_are_answered_200_without_a_message() -> None:
    raw, headers = EVENTS.signed(EVENTS.echo(USER, "Chào bạn"))
    outcome = webhook().check(raw, headers[HEADER], now_ms=now_ms())
    assert (outcome.status, outcome.message) == (200, None)
    assert "oa_send_text" in outcome.reason


def test_old_events_pass_when_no_window_is_set() -> None:
    event = EVENTS.text(USER, "hi")
    event["timestamp"] = str(now_ms() - 12 * 3600 * 1000)  # Zalo retries for hours
    raw, headers = EVENTS.signed(event)
    assert webhook().check(raw, headers[HEADER], now_ms=now_ms()).status == 200


@pytest.mark.parametrize(("age_s", "status"), [(10, 200), (-10, 200), (400, 401), (-400, 401)])
def test_a_configured_window_refuses_stale_or_future_events(age_s: int, status: int) -> None:
    event = EVENTS.text(USER, "hi")
    event["timestamp"] = str(now_ms() - age_s * 1000)
    raw, headers = EVENTS.signed(event)
    assert webhook(max_age_seconds=300).check(raw, headers[HEADER], now_ms=now_ms()).status == status


def test_a_window_refuses_a_timestamp_that_is_not_a_number() -> None:
    event = EVENTS.text(USER, "hi")
    event["timestamp"] = "yesterday"
    raw, headers = EVENTS.signed(event)
    assert webhook(max_age_seconds=300).check(raw, headers[HEADER], now_ms=now_ms()).status == 401
