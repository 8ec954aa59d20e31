"""Reply -> Zalo v3 cs bodies: buttons (5 per message), titles, links, 2,000-character parts."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest

from bot.channels.zalo.render import MAX_TEXT, render_reply, short_title, split_text, text_units
from bot.content.model import load_content
from bot.domain.messages import Button, Link, Reply
from bot.domain.pick_labels import pick_labels
from tests.fakes.zalo_server import message_problem

ROOT = Path(__file__).resolve().parents[2]
USER = "6142494823000000001"

SENTENCES = [
    "Để đăng ký khai sinh trực tuyến, bạn cần có tài khoản định danh điện tử mức độ 2 trên VNeID.",
    "Hồ sơ gồm tờ khai đăng ký khai sinh và giấy chứng sinh do cơ sở y tế cấp.",
    "Bạn có thể nộp hồ sơ trên Cổng Dịch vụ công quốc gia tại dichvucong.gov.vn!",
    "Thời hạn giải quyết là ngay trong ngày làm việc; nếu nhận hồ sơ sau 15 giờ thì trả kết quả hôm sau.",
    "Lệ phí được miễn khi đăng ký đúng hạn?",
]


def buttons_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    attachment = body["message"].get("attachment")
    return list(attachment["payload"]["buttons"]) if attachment else []


def test_a_plain_reply_is_one_text_message() -> None:
    bodies = render_reply(USER, Reply("Xin chào! Tôi có thể giúp gì cho bạn?"))
    assert bodies == [
        {"recipient": {"user_id": USER}, "message": {"text": "Xin chào! Tôi có thể giúp gì cho bạn?"}}
    ]


def test_buttons_become_hidden_query_buttons_with_prefixed_payloads() -> None:
    reply = Reply(
        "Bạn muốn làm gì?", buttons=(Button("find", "Tìm thủ tục"), Button("track", "Tra cứu hồ sơ"))
    )
    [body] = render_reply(USER, reply)
    assert body["message"]["attachment"]["type"] == "template"
    assert buttons_of(body) == [
        {"title": "Tìm thủ tục", "type": "oa.query.hide", "payload": "#b:find"},
        {"title": "Tra cứu hồ sơ", "type": "oa.query.hide", "payload": "#b:track"},
    ]
    assert message_problem(body) is None


@pytest.mark.parametrize(("count", "per_message"), [(5, [5]), (6, [5, 1]), (11, [5, 5, 1]), (10, [5, 5])])
def test_more_than_five_buttons_continue_in_further_messages(count: int, per_message: list[int]) -> None:
    buttons = tuple(Button(f"b{i}", f"Lựa chọn {i}") for i in range(count))
    bodies = render_reply(USER, Reply("Chọn một thủ tục:", buttons=buttons))
    assert [len(buttons_of(b)) for b in bodies] == per_message
    assert bodies[0]["message"]["text"] == "Chọn một thủ tục:"
    assert all(b["message"]["text"] == "…" for b in bodies[1:])
    payloads = [button["payload"] for body in bodies for button in buttons_of(body)]
    assert payloads == [f"#b:b{i}" for i in range(count)]  # every button, in order
    assert all(message_problem(b) is None for b in bodies)


def test_long_labels_are_cut_at_a_word_within_twenty_characters() -> None:
    assert short_title("Đăng ký khai sinh") == "Đăng ký khai sinh"
    assert short_title("Đăng ký khai sinh cho con") == "Đăng ký khai sinh…"
    assert short_title("Giấykhaisinhbảnsaochứngthực") == "Giấykhaisinhbảnsaoc…"
    assert short_title("  Nộp   hồ sơ ") == "Nộp hồ sơ"
    for label in ("Thủ tục đăng ký thường trú cho trẻ em", "Xác nhận, thông tin cư trú"):
        assert len(short_title(label)) <= 20


def test_decomposed_vietnamese_is_composed_before_counting() -> None:
    decomposed = unicodedata.normalize("NFD", "Đăng ký thường trú nhé")
    assert len(decomposed) > 20
    assert short_title(decomposed) == "Đăng ký thường trú…"


def test_links_become_url_buttons_after_the_query_buttons() -> None:
    reply = Reply(
        "Nộp hồ sơ tại đây:",
        buttons=(Button("done", "Đã nộp xong"),),
        links=(Link("Cổng Dịch vụ công", "https://dichvucong.gov.vn"),),
    )
    [body] = render_reply(USER, reply)
    assert buttons_of(body)[1] == {
        "title": "Cổng Dịch vụ công",
        "type": "oa.open.url",
        "payload": {"url": "https://dichvucong.gov.vn"},
    }
    assert message_problem(body) is None


def test_links_without_room_for_a_button_are_written_into_the_text() -> None:
    buttons = tuple(Button(f"b{i}", f"Mục {i}") for i in range(4))
    links = (Link("Cổng Dịch vụ công", "https://dichvucong.gov.vn"), Link("VNeID", "https://vneid.gov.vn"))
    [body] = render_reply(USER, Reply("Xem thêm:", buttons=buttons, links=links))
    assert [b["type"] for b in buttons_of(body)] == ["oa.query.hide"] * 4 + ["oa.open.url"]
    assert body["message"]["text"] == "Xem thêm:\nVNeID: https://vneid.gov.vn"


def test_a_reply_with_only_links_still_has_text() -> None:
    [body] = render_reply(USER, Reply("", links=(Link("VNeID", "https://vneid.gov.vn"),)))
    assert body["message"]["text"] == "…"
    assert message_problem(body) is None


def test_an_empty_reply_sends_nothing() -> None:
    assert render_reply(USER, Reply("   ")) == []


def long_vietnamese(chars: int) -> str:
    text, i = "", 0
    while len(text) < chars:
        text += SENTENCES[i % len(SENTENCES)] + " "
        i += 1
    return text.strip()


def test_long_text_is_split_on_sentence_ends_and_buttons_go_last() -> None:
    text = long_vietnamese(4500)
    bodies = render_reply(USER, Reply(text, buttons=(Button("menu", "Về menu chính"),)))
    parts = [b["message"]["text"] for b in bodies]
    assert len(parts) == 3
    assert all(0 < len(p) <= MAX_TEXT for p in parts)
    assert all(p.endswith((".", "!", "?")) for p in parts)  # never mid-sentence
    assert " ".join(parts) == text  # nothing lost, nothing added
    assert [len(buttons_of(b)) for b in bodies] == [0, 0, 1]
    assert all(message_problem(b) is None for b in bodies)


def test_paragraph_breaks_are_preferred_when_late_enough() -> None:
    first = long_vietnamese(1500)
    second = long_vietnamese(1000)
    parts = split_text(first + "\n\n" + second)
    assert parts == [first, second]


def test_an_early_paragraph_break_does_not_waste_the_message() -> None:
    text = "Tóm tắt.\n\n" + long_vietnamese(2500)
    parts = split_text(text)
    assert len(parts[0]) > MAX_TEXT // 2


def test_text_without_sentences_is_cut_between_words() -> None:
    words = " ".join(["thủ tục"] * 400)  # 3,199 characters, no punctuation
    parts = split_text(words)
    assert all(len(p) <= MAX_TEXT for p in parts)
    assert all(not p.startswith(" ") and not p.endswith(" ") for p in parts)
    assert " ".join(parts) == words


def test_a_single_endless_word_is_cut_hard() -> None:
    parts = split_text("x" * 4500)
    assert [len(p) for p in parts] == [2000, 2000, 500]


def test_emoji_count_double_as_zalo_counts_them() -> None:
    text = "👍" * 1500  # 3,000 UTF-16 units
    parts = split_text(text)
    assert all(text_units(p) <= MAX_TEXT for p in parts)
    assert "".join(parts) == text


def test_a_boundary_right_at_the_limit_is_used() -> None:
    head = "a" * 1999 + "."
    parts = split_text(head + " Câu tiếp theo.")
    assert parts == [head, "Câu tiếp theo."]


def test_a_choice_label_keeps_the_words_that_differ_within_twenty_characters() -> None:
    """pick_labels tells apart names that part late ("opening words… words that differ"); Zalo's 20
    characters keep the words that differ and cut the opening words."""
    labels = pick_labels(
        [
            ("Trình báo mất hộ chiếu phổ…", "Trình báo mất hộ chiếu phổ thông (thực hiện tại cấp tỉnh)"),
            ("Trình báo mất hộ chiếu phổ…", "Trình báo mất hộ chiếu phổ thông (thực hiện tại cấp xã)"),
        ]
    )
    titles = [short_title(label) for label in labels]
    assert all(len(title) <= 20 for title in titles), titles
    assert titles[0].startswith("Trình") and titles[0].endswith("cấp tỉnh"), titles
    assert titles[1].startswith("Trình") and titles[1].endswith("cấp xã"), titles


def test_portal_choices_stay_told_apart_on_zalo() -> None:
    """Over the whole portal tier: groups of procedures whose buttons read alike, told apart by
    pick_labels, still differ once Zalo cuts them to 20 characters (159 of 422 groups before)."""
    content = load_content(
        ROOT / "procedures", ROOT / "flows.yaml", ROOT / "lexicon.yaml", ROOT / "portal.json"
    )
    by_short: dict[str, list[tuple[str, str]]] = {}
    for p in content.catalogue.procedures():
        if p.tier == "portal":
            by_short.setdefault(p.short_name.casefold(), []).append((p.short_name, p.name))
    alike = [group for group in by_short.values() if len({name for _, name in group}) == len(group) > 1]
    told_apart = 0
    for group in alike:
        titles = [short_title(label) for label in pick_labels(group[:5])]
        assert all(len(title) <= 20 for title in titles), titles
        told_apart += len(set(titles)) == len(titles)
    assert told_apart >= 0.85 * len(alike), f"{told_apart} of {len(alike)}"
