"""Where the office-hours notice goes: into the handoff message when it fits, else a message of its own
that takes the buttons (so the way out stays on the last message)."""

from __future__ import annotations

from bot.domain.messages import MESSAGE_LIMIT, Button, Link, Reply
from bot.handoff.desk import _with_notice

MENU = (Button("menu", "Về menu chính"),)


def test_the_notice_joins_the_handoff_message() -> None:
    before = Reply("Trước đó.")
    replies = _with_notice((before, Reply("Đã chuyển tới cán bộ.", MENU)), "Đang trong giờ làm việc.")
    assert replies == (before, Reply("Đã chuyển tới cán bộ.\n\nĐang trong giờ làm việc.", MENU))


def test_a_notice_that_would_not_fit_is_sent_after_it_with_the_buttons() -> None:
    long = "x" * (MESSAGE_LIMIT - 10)
    link = (Link("Cổng", "https://dichvucong.gov.vn"),)
    replies = _with_notice((Reply(long, MENU, link),), "Đang trong giờ làm việc.")
    assert replies == (Reply(long, (), link), Reply("Đang trong giờ làm việc.", MENU))
    assert all(len(r.text) <= MESSAGE_LIMIT for r in replies)
