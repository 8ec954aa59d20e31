"""What the bot says around a handoff: honest waiting times, office hours, the hotline, ratings, leaving."""

from __future__ import annotations

import re

import pytest

from bot.content.model import Content
from bot.domain.handoff_config import HandoffConfig, fill
from bot.domain.messages import Incoming
from bot.handoff.wording import (
    Estimate,
    estimate,
    leaves,
    queue_notice,
    rating_of,
    rating_question,
    said,
    say_wait,
)
from tests.handoff.test_hours import vn, with_changes


def test_too_few_recent_waits_give_no_estimate() -> None:
    assert estimate([]) == Estimate(None, 0)
    assert estimate([60.0, 120.0]) == Estimate(None, 2)


def test_the_estimate_is_the_median_so_one_long_wait_does_not_dominate() -> None:
    assert estimate([60.0, 120.0, 36_000.0]) == Estimate(120.0, 3)
    assert estimate([60.0, 120.0, 180.0, 240.0]) == Estimate(150.0, 4)


@pytest.mark.parametrize(
    ("seconds", "n", "unit"),
    [(5, 1, "minutes"), (119, 2, "minutes"), (89 * 60, 89, "minutes"), (100 * 60, 2, "hours_wait")],
)
def test_a_wait_is_said_in_minutes_then_hours(
    config: HandoffConfig, seconds: float, n: int, unit: str
) -> None:
    assert say_wait(config, seconds) == fill(getattr(config.messages, unit), {"n": str(n)})


def test_in_office_hours_the_notice_gives_the_hours_and_the_recent_wait(config: HandoffConfig) -> None:
    notice = queue_notice(config, vn(3, 9, 0), Estimate(300.0, 7))
    texts = config.messages
    assert fill(texts.open_now, {"hours": config.hours_text}) in notice
    wait = fill(texts.minutes, {"n": "5"})
    assert fill(texts.estimate, {"wait": wait, "count": "7"}) in notice
    assert texts.no_hotline not in notice  # someone is on duty: no need to call


def test_without_history_the_notice_says_so_instead_of_guessing(config: HandoffConfig) -> None:
    notice = queue_notice(config, vn(3, 9, 0), Estimate(None, 1))
    assert config.messages.no_estimate in notice
    assert not re.search(r"\d+ phút", notice)


def test_out_of_hours_the_notice_says_when_the_office_opens_and_sends_to_the_office(
    config: HandoffConfig,
) -> None:
    unset = with_changes(config, hotline=None)
    notice = queue_notice(unset, vn(7, 20, 0), Estimate(300.0, 7))  # Saturday evening
    texts = unset.messages
    assert texts.no_hotline in notice
    assert (
        fill(texts.estimate, {"wait": say_wait(unset, 300.0), "count": "7"}) not in notice
    )  # no wait promised
    assert unset.days[0] in notice  # opens on Monday
    assert "{" not in notice


def test_out_of_hours_with_a_hotline_the_notice_gives_that_number(config: HandoffConfig) -> None:
    notice = queue_notice(with_changes(config, hotline="1900 1234"), vn(3, 18, 30), Estimate(None, 0))
    assert fill(config.messages.hotline, {"hotline": "1900 1234"}) in notice
    assert config.messages.no_hotline not in notice


def test_rating_buttons_and_typed_answers(config: HandoffConfig) -> None:
    question = rating_question(config)
    assert question.text == config.rating.ask
    assert [b.label for b in question.buttons] == [o.label for o in config.rating.options]
    best = max(config.rating.options, key=lambda o: o.value)
    button = next(b for b in question.buttons if b.label == best.label)
    assert rating_of(config, Incoming.pressed(button.id)) == best.value
    assert rating_of(config, Incoming.typed(str(best.value))) == best.value
    assert rating_of(config, Incoming.typed(best.label.upper())) == best.value
    for option in config.rating.options:
        for word in option.words:
            assert rating_of(config, Incoming.typed(word)) == option.value, word


@pytest.mark.parametrize(
    "incoming",
    [
        Incoming.typed("khai sinh"),
        Incoming.pressed("rate:9"),
        Incoming.started(""),
        Incoming.unsupported("photo"),
    ],
)
def test_anything_else_is_no_rating(config: HandoffConfig, incoming: Incoming) -> None:
    assert rating_of(config, incoming) is None


@pytest.mark.parametrize(
    ("incoming", "left"),
    [
        (Incoming.typed("menu"), True),
        (Incoming.typed("MENU!"), True),
        (Incoming.typed("bat dau lai"), True),
        (Incoming.pressed("menu"), True),
        (Incoming.started("khai-sinh"), True),  # a new deep link: the citizen moved on
        (Incoming.typed("tôi muốn hỏi về menu"), False),  # a sentence, not the command
        (Incoming.typed("gặp cán bộ"), False),
        (Incoming.typed("quay lại"), False),
        (Incoming.pressed("contact.options.find"), False),
        (Incoming.unsupported("sticker"), False),
    ],
)
def test_only_the_leave_commands_end_a_handoff(content: Content, incoming: Incoming, left: bool) -> None:
    config = content.flows.handoff
    assert config is not None
    assert leaves(config, content.engine.words, incoming) is left


def test_a_press_is_shown_with_the_label_the_citizen_saw() -> None:
    labels = {"contact.options.person": "Nhắn tin với cán bộ"}
    assert said(Incoming.pressed("contact.options.person"), labels) == "Nhắn tin với cán bộ"
    assert said(Incoming.pressed("gone.button"), labels) == "gone.button"
    assert said(Incoming.typed("xin chào"), labels) == "xin chào"
    assert said(Incoming.started("khai-sinh"), labels) == "/start khai-sinh"


def test_every_handoff_text_is_vietnamese_with_no_placeholder_left(config: HandoffConfig) -> None:
    values = {
        name: "x"
        for name in (
            "hours",
            "opens",
            "wait",
            "count",
            "hotline",
            "person",
            "text",
            "n",
            "time",
            "day",
            "date",
        )
    }
    for name in type(config.messages).model_fields:
        text = fill(getattr(config.messages, name), values)
        assert "{" not in text and "}" not in text, name
    assert any(ch in config.messages.released for ch in "ăâđêôơư"), "written with diacritics"
