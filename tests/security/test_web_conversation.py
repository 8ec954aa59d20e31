"""The web chat belongs to its owner: a server-made token opens a conversation, nothing else does."""

from __future__ import annotations

import logging

import pytest

from api.conversation_token import user_id_for
from tests.handoff.test_inbox_api import Kit, act, handoff
from tests.handoff.test_inbox_api import kit as kit  # the fixture
from tests.support.web_chat import HEADER, WebChat


def test_a_post_without_a_token_starts_a_conversation_and_hands_out_its_token(kit: Kit) -> None:
    chat = WebChat(kit.client)
    first = chat.post(start="ho-chieu").json()
    assert isinstance(first["token"], str) and len(first["token"]) >= 32
    later = chat.post(text="menu").json()
    assert "token" not in later  # the conversation goes on: no new token
    other = WebChat(kit.client).post(start="").json()
    assert other["token"] != first["token"]


def test_the_token_is_accepted_in_the_body_as_well(kit: Kit) -> None:
    chat = WebChat(kit.client)
    chat.say(start="ho-chieu")
    response = kit.client.post("/api/chat", json={"token": chat.token, "text": "quay lại"})
    assert response.status_code == 200 and "token" not in response.json()


def test_the_web_api_takes_no_user_id(kit: Kit) -> None:
    assert kit.client.post("/api/chat", json={"user_id": "w-victim", "text": "a"}).status_code == 422
    assert kit.client.get("/api/chat/updates?user_id=w-victim").status_code == 401


@pytest.mark.parametrize("header", [None, "", "not a token", "x" * 20])
def test_updates_require_the_token(kit: Kit, header: str | None) -> None:
    headers = {} if header is None else {HEADER: header}
    assert kit.client.get("/api/chat/updates", headers=headers).status_code == 401


def test_another_page_cannot_read_or_write_the_conversation(kit: Kit) -> None:
    citizen = handoff(kit)
    act(kit, kit.volunteer, citizen, "claim")
    act(kit, kit.volunteer, citizen, "reply", text="Số hồ sơ của bạn là 42, mời bạn đến lấy.")
    mine = citizen.chat.updates(0).json()["messages"]
    assert any("42" in m["text"] for m in mine)
    # Someone else: a fresh token, or the conversation's user id (seen in the staff inbox), opens nothing.
    stranger = WebChat(kit.client)
    stranger.say(start="")
    theirs = stranger.updates(0).json()["messages"]
    assert not any("42" in m["text"] for m in theirs)
    assert citizen.chat.token is not None
    user_id = user_id_for(citizen.chat.token, kit.client.app.state.runtime.settings.secret_salt)  # type: ignore[attr-defined]
    assert kit.client.get("/api/chat/updates", headers={HEADER: user_id}).json()["messages"] == []


def test_polling_does_not_mark_messages_as_fetched(kit: Kit) -> None:
    citizen = handoff(kit)
    start = citizen.cursor
    act(kit, kit.volunteer, citizen, "claim")
    act(kit, kit.volunteer, citizen, "reply", text="Chào bạn.")
    first = citizen.chat.updates(start).json()["messages"]
    again = citizen.chat.updates(start).json()["messages"]
    assert first and again == first


def test_user_ids_stay_out_of_the_logs(kit: Kit, caplog: pytest.LogCaptureFixture) -> None:
    chat = WebChat(kit.client)
    with caplog.at_level(logging.INFO):  # what a server logs (a driver's DEBUG shows SQL parameters)
        chat.say(start="")
        chat.say(text="khai sinh")
        chat.updates(0)
    assert chat.token is not None
    user_id = user_id_for(chat.token, kit.client.app.state.runtime.settings.secret_salt)  # type: ignore[attr-defined]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert user_id not in logged and chat.token not in logged
