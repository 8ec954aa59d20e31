"""Every kind of Zalo webhook event -> what the service gets (or nothing)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.channels.zalo.events import button_id, to_inbound
from bot.domain.messages import Incoming, IncomingKind
from tests.fakes.zalo_server import ZaloEvents

EVENTS = ZaloEvents(app_id="app-1", oa_id="oa-1", oa_secret_key="k")
USER = "6142494823000000001"


def test_typed_text_becomes_a_text_message_keyed_by_msg_id() -> None:
    message = to_inbound(EVENTS.text(USER, "làm giấy khai sinh", msg_id="cb31dff1"))
    assert message is not None
    assert (message.channel, message.user_id) == ("zalo", USER)
    assert message.incoming == Incoming.typed("làm giấy khai sinh")
    assert message.dedupe_key == "zalo:msg:cb31dff1"


def test_a_button_payload_becomes_a_press() -> None:
    message = to_inbound(EVENTS.tap(USER, "proc:khai-sinh"))
    assert message is not None
    assert message.incoming == Incoming.pressed("proc:khai-sinh")


@pytest.mark.parametrize("text", ["#b:", "#b:   ", "b:menu", "#B:menu", " #b:menu"])
def test_text_that_only_looks_like_a_payload_stays_text(text: str) -> None:
    assert button_id(text) is None
    message = to_inbound(EVENTS.text(USER, text))
    assert message is not None
    assert message.incoming.kind is IncomingKind.TEXT


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_text_is_ignored(text: str) -> None:
    assert to_inbound(EVENTS.text(USER, text)) is None


def test_follow_greets_and_is_keyed_by_follower_and_time() -> None:
    event = EVENTS.follow(USER)
    message = to_inbound(event)
    assert message is not None
    assert message.user_id == USER
    assert message.incoming == Incoming.started()
    assert message.dedupe_key == f"zalo:follow:{USER}:{event['timestamp']}"


@pytest.mark.parametrize(
    "kind", ["image", "sticker", "gif", "audio", "video", "file", "location", "link", "business_card"]
)
def test_non_text_messages_become_unsupported_with_their_kind(kind: str) -> None:
    event = EVENTS.media(USER, kind)
    message = to_inbound(event)
    assert message is not None
    assert message.incoming == Incoming.unsupported(kind)
    assert message.dedupe_key == f"zalo:msg:{event['message']['msg_id']}"


def test_an_image_with_a_caption_is_still_unsupported() -> None:
    event = EVENTS.media(USER, "image")
    event["message"]["text"] = "đây là ảnh CCCD"
    message = to_inbound(event)
    assert message is not None and message.incoming.kind is IncomingKind.UNSUPPORTED


@pytest.mark.parametrize(
    "event",
    [
        EVENTS.echo(USER, "Xin chào"),
        EVENTS.user_event("oa_send_image", "oa-1", {}),
        EVENTS.user_event("oa_send_list", "oa-1", {}),
        EVENTS.receipt(USER, "user_seen_message"),
        EVENTS.receipt(USER, "user_received_message"),
        {**EVENTS.follow(USER), "event_name": "unfollow"},
        EVENTS.user_event("user_reacted_message", USER, {"react_icon": "/-heart"}),
        EVENTS.user_event("anonymous_send_text", USER, {"text": "hi"}),
        EVENTS.user_event("user_submit_info", USER, {}),
        {"app_id": "app-1", "event_name": "user_click_chatnow", "user_id": USER, "timestamp": "1"},
        {"app_id": "app-1", "event_name": "something_new", "timestamp": "1"},
        {"app_id": "app-1", "timestamp": "1"},
    ],
    ids=lambda e: str(e.get("event_name", "no-name")),
)
def test_echoes_receipts_and_unknown_events_are_ignored(event: dict[str, Any]) -> None:
    assert to_inbound(event) is None


@pytest.mark.parametrize(
    "broken",
    [
        {"event_name": "user_send_text", "message": {"text": "hi", "msg_id": "1"}},  # no sender
        {"event_name": "user_send_text", "sender": {"id": ""}, "message": {"text": "hi"}},
        {"event_name": "user_send_text", "sender": "123", "message": {"text": "hi"}},
        {"event_name": "user_send_text", "sender": {"id": True}, "message": {"text": "hi"}},
        {"event_name": "user_send_text", "sender": {"id": "1"}, "message": {"text": 42}},
        {"event_name": "user_send_text", "sender": {"id": "1"}, "message": "hi"},
        {"event_name": "follow", "follower": {}},
        {"event_name": "follow"},
    ],
)
def test_events_missing_what_we_need_are_ignored(broken: dict[str, Any]) -> None:
    assert to_inbound(broken) is None


def test_numeric_ids_are_kept_as_exact_text() -> None:
    event: dict[str, Any] = {
        "event_name": "user_send_text",
        "sender": {"id": 6142494823123456789},
        "message": {"text": "hi", "msg_id": 77},
    }
    message = to_inbound(event)
    assert message is not None
    assert message.user_id == "6142494823123456789"
    assert message.dedupe_key == "zalo:msg:77"


def test_without_msg_id_the_sender_and_timestamp_key_the_message() -> None:
    event = EVENTS.text(USER, "xin chào")
    del event["message"]["msg_id"]
    first, again = to_inbound(event), to_inbound(dict(event))
    assert first is not None and again is not None
    assert first.dedupe_key == again.dedupe_key == f"zalo:user_send_text:{USER}:{event['timestamp']}"
