"""`FlowMap.finished`: whether a turn ran its flow to the end, checked against what the real engine did
with the same turn (the events come from conversations played through `Engine`)."""

from __future__ import annotations

import itertools

import pytest

from bot.report.flow_map import FlowMap
from bot.report.history import EventRecord
from tests.report.builders import Conversation, at, play, small_engine, small_flows


@pytest.fixture(scope="module")
def flow_map() -> FlowMap:
    return FlowMap(small_flows())


def turns(*steps: tuple[str, str]) -> list[EventRecord]:
    return play(small_engine(), Conversation("web", "citizen", at("2026-01-05 02:00"), list(steps))).events


def finished_after(flow_map: FlowMap, events: list[EventRecord]) -> list[tuple[str, bool]]:
    """For each turn after the first: the flow it was taken in, and whether it finished that flow."""
    return [
        (before.flow, flow_map.finished((before.flow, before.step), after))
        for before, after in itertools.pairwise(events)
    ]


def test_a_button_that_goes_to_a_step_of_the_same_flow_does_not_finish_it(flow_map: FlowMap) -> None:
    events = turns(("start", ""), ("press", "menu.choose.guide"), ("press", "guide.first.next"))
    assert finished_after(flow_map, events) == [("menu", True), ("guide", False)]


def test_a_call_on_the_way_to_the_end_finishes_the_flow_when_the_called_flow_starts(
    flow_map: FlowMap,
) -> None:
    events = turns(
        ("start", ""),
        ("press", "menu.choose.guide"),
        ("press", "guide.first.next"),
        ("press", "guide.second.done"),  # -> rate (call feedback) -> bye (end)
        ("press", "feedback.helpful.useful"),  # feedback ends, then guide, then home
    )
    assert [(e.flow, e.step) for e in events][-2:] == [("feedback", "helpful"), ("menu", "choose")]
    assert finished_after(flow_map, events)[-2:] == [("guide", True), ("feedback", True)]


def test_typed_words_of_a_button_count_as_pressing_it(flow_map: FlowMap) -> None:
    events = turns(
        ("start", ""),
        ("press", "menu.choose.guide"),
        ("press", "guide.first.next"),
        ("press", "guide.second.done"),
        ("type", "Có"),
    )
    assert finished_after(flow_map, events)[-1] == ("feedback", True)


def test_going_back_to_an_earlier_step_does_not_finish_the_flow(flow_map: FlowMap) -> None:
    events = turns(
        ("start", ""),
        ("press", "menu.choose.guide"),
        ("press", "guide.first.next"),
        ("press", "guide.second.again"),
    )
    assert finished_after(flow_map, events)[-1] == ("guide", False)


@pytest.mark.parametrize(
    "leaving",
    [
        ("type", "menu"),
        ("press", "menu"),
        ("type", "bắt đầu lại"),
        ("start", "thu-tuc-mau"),
        ("type", "đổi bằng lái"),
    ],
    ids=["typed command", "command button", "restart", "deep link", "new question"],
)
def test_leaving_by_a_command_a_deep_link_or_a_new_question_does_not_finish(
    flow_map: FlowMap, leaving: tuple[str, str]
) -> None:
    events = turns(("start", ""), ("press", "menu.choose.guide"), leaving)
    assert events[-1].flow != "guide"
    assert finished_after(flow_map, events)[-1] == ("guide", False)


def test_a_button_of_an_older_message_keeps_the_citizen_where_they_are(flow_map: FlowMap) -> None:
    events = turns(
        ("start", ""),
        ("press", "menu.choose.guide"),
        ("press", "guide.first.next"),
        ("press", "guide.first.next"),
    )
    assert (events[-1].flow, events[-1].step) == ("guide", "second")
    assert finished_after(flow_map, events)[-1] == ("guide", False)


def test_a_question_typed_in_the_home_menu_is_using_the_menu(flow_map: FlowMap) -> None:
    events = turns(("start", ""), ("type", "thủ tục mẫu"))
    assert events[-1].decision == "match"
    assert finished_after(flow_map, events) == [("menu", True)]


def test_a_text_answer_runs_the_flow_on_to_its_end(flow_map: FlowMap) -> None:
    found = turns(("start", ""), ("press", "menu.choose.find"), ("type", "thủ tục mẫu"))
    missed = turns(("start", ""), ("press", "menu.choose.find"), ("type", "giấy phép bay"))
    assert (found[-1].decision, missed[-1].decision) == ("match", "none")
    assert finished_after(flow_map, found)[-1] == ("find", True)  # handed over to the overview
    assert finished_after(flow_map, missed)[-1] == ("find", True)  # "not found", then its end


def test_a_walk_finishes_only_when_next_is_pressed_on_its_last_item(flow_map: FlowMap) -> None:
    events = turns(
        ("start", "thu-tuc-mau"),
        ("press", "menu.choose.online"),
        ("press", "online.steps.stuck"),
        ("press", "online.steps.next"),  # item 1 of 2 -> item 2
        ("type", "Xong, tiếp tục"),  # the last item: the walk is done
    )
    assert [e.step for e in events] == ["choose", "steps", "steps", "steps", "choose"]
    assert finished_after(flow_map, events)[1:] == [("online", False), ("online", False), ("online", True)]


def test_a_sticker_asks_the_same_step_again(flow_map: FlowMap) -> None:
    events = turns(("start", ""), ("press", "menu.choose.guide"))
    sticker = EventRecord(events[-1].at, "web", "citizen", "guide", "first", None, "unsupported", "sticker")
    assert not flow_map.finished(("guide", "first"), sticker)


def test_waiting_steps_are_listed_in_file_order(flow_map: FlowMap) -> None:
    assert flow_map.waiting_steps("guide") == ["first", "second"]
    assert flow_map.waiting_steps("overview") == []
    assert flow_map.is_waiting(("find", "ask_query")) and not flow_map.is_waiting(("find", "search"))
