"""The terminal chat's rendering and scripted-input parsing."""

from __future__ import annotations

import asyncio
import re

import pytest

from bot.cli.chat import Style, chat_interactive, parse_jsonl_line, render, wrap_paragraph
from bot.config import Settings
from bot.domain.messages import Button, IncomingKind, Link, Reply


def test_wrapped_notes_keep_their_indentation_and_bullets_hang() -> None:
    lines = wrap_paragraph("   Lưu ý: " + "chữ " * 30, 40)
    assert len(lines) > 1
    assert all(line.startswith("   ") for line in lines)
    bullet = wrap_paragraph("☐ " + "giấy tờ " * 12, 30)
    assert all(line.startswith("  ") for line in bullet[1:])


def test_a_web_address_is_never_split() -> None:
    url = "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd-3fe0-70ac-b9d6-5e9e20d6eef7"
    lines = wrap_paragraph(f"Xem thủ tục: {url}", 40)
    assert url in lines


def test_buttons_are_numbered_across_messages(capsys: pytest.CaptureFixture[str]) -> None:
    replies = [
        Reply("Một", (Button("a", "Nút A"),)),
        Reply(
            "Hai", (Button("b", "Nút B"), Button("c", "Nút C")), (Link("Cổng", "https://dichvucong.gov.vn"),)
        ),
    ]
    order = render(replies, Style(enabled=False), 60)
    out = capsys.readouterr().out
    assert order == ["a", "b", "c"]
    assert "[1] Nút A" in out and "[3] Nút C" in out and "https://dichvucong.gov.vn" in out


@pytest.mark.parametrize(
    ("line", "kind", "value"),
    [
        ('{"user_id": "u", "text": "xin ct07"}', IncomingKind.TEXT, "xin ct07"),
        ('{"user_id": "u", "button": "menu"}', IncomingKind.BUTTON, "menu"),
        ('{"user_id": "u", "start": "khai-sinh"}', IncomingKind.START, "khai-sinh"),
    ],
)
def test_scripted_lines_become_incoming_messages(line: str, kind: IncomingKind, value: str) -> None:
    user, incoming = parse_jsonl_line(line)
    assert user == "u" and incoming.kind == kind
    assert value in (incoming.text, incoming.button, incoming.payload)


@pytest.mark.parametrize(
    "line",
    [
        "[]",
        '{"text": "x"}',
        '{"user_id": "", "text": "x"}',
        '{"user_id": "u"}',
        '{"user_id": "u", "text": 5}',
        '{"user_id": "u", "text": "a", "button": "b"}',
        "{",
    ],
)
def test_bad_scripted_lines_are_refused(line: str) -> None:
    with pytest.raises(ValueError):
        parse_jsonl_line(line)


def test_a_button_number_not_on_screen_says_which_are_and_stays_on_the_step(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    said: list[str] = []

    def number_of(label: str) -> str:
        shown = "".join(said)  # the latest numbering of the label is the one on screen
        found = re.findall(r"\[(\d+)\] " + re.escape(label), shown)
        assert found, f"no button {label!r} in {shown!r}"
        return found[-1]

    answers = [
        lambda: "khai sinh",
        lambda: number_of("Đăng ký khai sinh"),
        lambda: number_of("Hướng dẫn nộp trực tuyến"),
        lambda: "9",  # the step shows three buttons
        lambda: number_of("Xong, tiếp tục"),
    ]

    def typed(_prompt: str = "") -> str:
        said.append(capsys.readouterr().out)
        if not answers:
            raise EOFError
        return answers.pop(0)()

    monkeypatch.setattr("builtins.input", typed)
    assert asyncio.run(chat_interactive(settings, "terminal-test")) == 0
    walk_step, out_of_range, next_step = said[3], said[4], said[5]
    assert "Bước 1/" in walk_step
    assert "từ 1 đến 3" in out_of_range and "Bước" not in out_of_range and "chưa tìm thấy" not in out_of_range
    assert "Bước 2/" in next_step  # "Xong, tiếp tục" is still the step's button, numbered as before
