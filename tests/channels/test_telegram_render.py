"""Reply -> Telegram messages: inline keyboard JSON, HTML escaping, and splitting at 4,096 UTF-16 units."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.channels.telegram.render import MAX_TEXT_UTF16, render_reply, split_text, utf16_len
from bot.domain.messages import Button, Link, Reply
from bot.errors import ChannelRejected


def test_buttons_become_one_callback_button_per_row_and_links_url_buttons() -> None:
    reply = Reply(
        "Bạn muốn nộp hồ sơ thế nào?",
        buttons=(Button("online", "Nộp trực tuyến"), Button("office", "Đến bộ phận một cửa")),
        links=(Link("Cổng Dịch vụ công", "https://dichvucong.gov.vn"),),
    )
    [message] = render_reply(reply)
    assert message.keyboard is not None
    assert message.keyboard.to_dict() == {
        "inline_keyboard": [
            [{"text": "Nộp trực tuyến", "callback_data": "online"}],
            [{"text": "Đến bộ phận một cửa", "callback_data": "office"}],
            [{"text": "Cổng Dịch vụ công", "url": "https://dichvucong.gov.vn"}],
        ]
    }


def test_a_reply_without_buttons_has_no_keyboard() -> None:
    [message] = render_reply(Reply("Cảm ơn bạn."))
    assert message.keyboard is None


def test_engine_text_is_escaped_for_html_mode() -> None:
    [message] = render_reply(Reply('Phí <50.000đ> & "miễn phí" khi nộp online'))
    assert message.html_text == 'Phí &lt;50.000đ&gt; &amp; "miễn phí" khi nộp online'


def test_a_callback_id_of_exactly_64_bytes_is_accepted() -> None:
    [message] = render_reply(Reply("Chọn", buttons=(Button("b" * 64, "Nhãn"),)))
    assert message.keyboard is not None


@pytest.mark.parametrize("button_id", ["x" * 65, "đ" * 33, ""])
def test_a_callback_id_outside_1_to_64_bytes_is_rejected_by_name(button_id: str) -> None:
    with pytest.raises(ChannelRejected) as caught:
        render_reply(Reply("Chọn", buttons=(Button(button_id, "Nhãn"),)))
    assert caught.value.code == "callback_data"
    assert repr(button_id) in str(caught.value)


def test_a_reply_without_text_is_rejected() -> None:
    with pytest.raises(ChannelRejected) as caught:
        render_reply(Reply("  \n ", buttons=(Button("ok", "Đồng ý"),)))
    assert caught.value.code == "empty_text"


def test_utf16_length_counts_emoji_twice() -> None:
    assert utf16_len("Hồ sơ") == 5
    assert utf16_len("🙂a") == 3


def test_long_text_splits_at_a_paragraph_and_the_keyboard_rides_on_the_last_part() -> None:
    paragraphs = ["Bước một. " * 200, "Bước hai. " * 200, "Bước ba. " * 200]
    reply = Reply("\n\n".join(p.strip() for p in paragraphs), buttons=(Button("next", "Tiếp"),))
    messages = render_reply(reply)
    assert [m.html_text for m in messages] == [
        paragraphs[0].strip() + "\n\n" + paragraphs[1].strip(),
        paragraphs[2].strip(),
    ]
    assert [m.keyboard is not None for m in messages] == [False, True]


def test_one_long_paragraph_splits_after_a_sentence() -> None:
    text = " ".join(f"Câu số {i} nói về giấy tờ cần mang theo." for i in range(200))
    parts = split_text(text)
    assert len(parts) == 2
    assert all(utf16_len(p) <= MAX_TEXT_UTF16 for p in parts)
    assert parts[0].endswith("theo.")
    assert " ".join(parts) == text


def test_emoji_are_never_cut_in_half() -> None:
    text = "🙂" * 2100  # 4,200 UTF-16 units, no boundary to cut at
    parts = split_text(text)
    assert [utf16_len(p) for p in parts] == [4096, 104]
    assert "".join(parts) == text


def test_text_at_the_limit_stays_in_one_message() -> None:
    text = "a" * MAX_TEXT_UTF16
    assert split_text(text) == [text]


@given(
    st.text(alphabet=st.sampled_from("ab đệ🙂.\n ,!?"), max_size=400), st.integers(min_value=2, max_value=60)
)
def test_parts_always_fit_and_keep_every_visible_character(text: str, limit: int) -> None:
    parts = split_text(text, limit)
    assert all(0 < utf16_len(p) <= limit for p in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())
