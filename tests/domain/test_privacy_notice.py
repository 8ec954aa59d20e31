"""An ID-card or phone number typed in: the bot says once per conversation that it does not need them
(messages.personal_data in flows.yaml), then answers as usual."""

from __future__ import annotations

import pytest

from bot.content.model import Content
from tests.helpers import Chat


def notice(content: Content) -> str:
    text = content.flows.messages.personal_data
    assert text is not None
    return text


@pytest.mark.parametrize(
    "typed",
    [
        "làm lý lịch tư pháp, căn cước 001234567890",
        "sđt của tôi 0912 345 678, làm khai sinh",
        "cmnd 123456789",
    ],
)
def test_the_notice_comes_first_then_the_usual_answer(chat: Chat, real_content: Content, typed: str) -> None:
    chat.start()
    chat.type(typed)
    assert chat.replies[0].text == notice(real_content)
    assert len(chat.replies) > 1  # the question is still answered
    assert chat.last.trace.search_decision is not None


def test_the_notice_is_said_once_per_conversation(chat: Chat, real_content: Content) -> None:
    chat.type("căn cước 001234567890")
    chat.type("số điện thoại 0987654321")
    assert notice(real_content) not in chat.text
    chat.type("bắt đầu lại")
    chat.type("0912345678")
    assert notice(real_content) not in chat.text


@pytest.mark.parametrize("typed", ["lệ phí 150.000 đồng", "mã thủ tục 1.001193", "hồ sơ nộp ngày 12.03.2024"])
def test_no_notice_for_money_codes_or_dates(chat: Chat, real_content: Content, typed: str) -> None:
    chat.type(typed)
    assert notice(real_content) not in chat.text
    assert chat.state is not None and not chat.state.privacy_noted


def test_the_notice_survives_the_saved_state(chat: Chat) -> None:
    chat.type("0912345678")
    assert chat.state is not None and chat.state.privacy_noted
    assert chat.state.from_json(chat.state.to_json()).privacy_noted
