"""Every kind of Telegram update maps to one outcome, and none of them raises."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Update

from bot.channels.telegram.mapping import CHANNEL, ParsedUpdate, map_update
from bot.domain.messages import Incoming, IncomingKind
from tests.fakes.telegram_server import PHOTO, STICKER, VOICE, button_update, message_update

CHAT = 555


def parse(data: dict[str, Any]) -> ParsedUpdate:
    return map_update(Update.de_json(data, None))


def test_text_is_typed_by_the_chat_with_the_update_id_as_dedupe_key() -> None:
    parsed = parse(message_update(10000, CHAT, "làm giấy khai sinh cho con"))
    assert parsed.inbound is not None
    assert parsed.inbound.channel == CHANNEL
    assert parsed.inbound.user_id == str(CHAT)
    assert parsed.inbound.incoming == Incoming.typed("làm giấy khai sinh cho con")
    assert parsed.inbound.dedupe_key == "10000"
    assert parsed.callback_query_id is None


@pytest.mark.parametrize(
    ("text", "payload"),
    [
        ("/start", ""),
        ("/start khai-sinh", "khai-sinh"),
        ("/start@motcua_test_bot dang-ky-thuong-tru", "dang-ky-thuong-tru"),
        ("/START ref_abc-1", "ref_abc-1"),
    ],
)
def test_start_and_deep_links_reach_the_engine_as_started(text: str, payload: str) -> None:
    parsed = parse(message_update(10001, CHAT, text))
    assert parsed.inbound is not None
    assert parsed.inbound.incoming == Incoming.started(payload)


def test_other_commands_become_the_words_they_name() -> None:
    parsed = parse(message_update(10002, CHAT, "/menu"))
    assert parsed.inbound is not None
    assert parsed.inbound.incoming == Incoming.typed("menu")


def test_a_button_press_carries_the_button_id_and_its_query_to_answer() -> None:
    parsed = parse(button_update(10003, CHAT, "online", query_id="q-77"))
    assert parsed.inbound is not None
    assert parsed.inbound.user_id == str(CHAT)
    assert parsed.inbound.incoming == Incoming.pressed("online")
    assert parsed.inbound.dedupe_key == "10003"
    assert parsed.callback_query_id == "q-77"


def test_a_press_without_data_is_ignored_but_still_answered() -> None:
    data = button_update(10004, CHAT, "x", query_id="q-78")
    del data["callback_query"]["data"]
    parsed = parse(data)
    assert parsed.inbound is None
    assert parsed.callback_query_id == "q-78"


@pytest.mark.parametrize(
    ("content", "what"),
    [
        ({"sticker": STICKER}, "sticker"),
        ({"photo": PHOTO, "caption": "ảnh CCCD của tôi"}, "photo"),
        ({"voice": VOICE}, "voice"),
        ({"location": {"latitude": 21.03, "longitude": 105.85}}, "location"),
        ({"contact": {"phone_number": "0912345678", "first_name": "An"}}, "contact"),
    ],
)
def test_non_text_messages_ask_the_engine_to_say_please_type(content: dict[str, Any], what: str) -> None:
    parsed = parse(message_update(10005, CHAT, **content))
    assert parsed.inbound is not None
    assert parsed.inbound.incoming.kind is IncomingKind.UNSUPPORTED
    assert parsed.inbound.incoming == Incoming.unsupported(what)


def test_a_shared_contact_never_carries_the_phone_number_on() -> None:
    parsed = parse(message_update(10006, CHAT, contact={"phone_number": "0912345678", "first_name": "An"}))
    assert parsed.inbound is not None
    assert "0912345678" not in repr(parsed.inbound)


def test_an_edited_message_is_ignored() -> None:
    data = message_update(10007, CHAT, "sửa lại câu hỏi")
    data["edited_message"] = {**data.pop("message"), "edit_date": 1_700_000_100}
    assert parse(data) == ParsedUpdate(10007, None)


def test_a_channel_post_is_ignored() -> None:
    post = {"message_id": 5, "date": 1_700_000_000, "chat": {"id": -100123, "type": "channel"}, "text": "tin"}
    assert parse({"update_id": 10008, "channel_post": post}) == ParsedUpdate(10008, None)


def test_group_messages_and_group_presses_are_not_conversations() -> None:
    group = message_update(10009, CHAT, "xin chào")
    group["message"]["chat"] = {"id": -4001, "type": "group", "title": "Tổ dân phố"}
    assert parse(group).inbound is None
    press = button_update(10010, CHAT, "online", query_id="q-79")
    press["callback_query"]["message"]["chat"] = {"id": -4001, "type": "supergroup"}
    assert parse(press) == ParsedUpdate(10010, None, "q-79")


def test_unknown_and_membership_updates_are_ignored() -> None:
    assert parse({"update_id": 10011, "a_kind_from_bot_api_99": {"x": 1}}) == ParsedUpdate(10011, None)
    member = {
        "chat": {"id": CHAT, "type": "private"},
        "from": {"id": CHAT, "is_bot": False, "first_name": "An"},
        "date": 1_700_000_000,
        "old_chat_member": {"status": "member", "user": {"id": 1, "is_bot": True, "first_name": "M"}},
        "new_chat_member": {
            "status": "kicked",
            "until_date": 0,
            "user": {"id": 1, "is_bot": True, "first_name": "M"},
        },
    }
    assert parse({"update_id": 10012, "my_chat_member": member}) == ParsedUpdate(10012, None)


def test_a_service_message_without_text_or_content_is_ignored() -> None:
    assert (
        parse(
            message_update(
                10013,
                CHAT,
                pinned_message={"message_id": 1, "date": 0, "chat": {"id": CHAT, "type": "private"}},
            )
        ).inbound
        is None
    )


def test_messages_from_other_bots_are_ignored() -> None:
    data = message_update(10014, CHAT, "xin chào")
    data["message"]["from"]["is_bot"] = True
    assert parse(data).inbound is None
