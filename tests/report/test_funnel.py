"""The funnel of each flow, counted in conversations, from conversations played through the engine."""

from __future__ import annotations

import random

from bot.report.flow_map import FlowMap
from bot.report.funnel import FlowCount, StepCount, funnels
from bot.report.history import EventRecord
from tests.report.builders import GUIDE_TO_THE_END, Conversation, at, play, small_engine, small_flows


def history(*conversations: list[tuple[str, str]]) -> list[EventRecord]:
    engine = small_engine()
    events: list[EventRecord] = []
    for number, turns in enumerate(conversations):
        events += play(
            engine, Conversation("zalo", f"citizen-{number}", at("2026-02-02 02:00"), turns)
        ).events
    return events


def by_flow(counts: list[FlowCount]) -> dict[str, FlowCount]:
    return {c.flow: c for c in counts}


def test_started_completed_and_where_each_conversation_stopped() -> None:
    events = history(
        GUIDE_TO_THE_END,
        [("start", ""), ("press", "menu.choose.guide")],  # stops at the first step
        [("start", ""), ("press", "menu.choose.guide"), ("press", "guide.first.next"), ("type", "menu")],
        # back and forth, then stops at the second step: each step counts once for this conversation
        [
            ("start", ""),
            ("press", "menu.choose.guide"),
            ("press", "guide.first.next"),
            ("press", "guide.second.again"),
            ("press", "guide.first.next"),
        ],
    )
    guide = by_flow(funnels(FlowMap(small_flows()), events))["guide"]
    assert guide == FlowCount("guide", 4, 1, (StepCount("first", 4, 1), StepCount("second", 3, 2)))
    assert guide.abandoned == 3


def test_a_flow_completed_once_counts_as_completed_even_if_left_later() -> None:
    events = history([*GUIDE_TO_THE_END, ("press", "menu.choose.guide")])
    guide = by_flow(funnels(FlowMap(small_flows()), events))["guide"]
    assert (guide.started, guide.completed, [s.abandoned for s in guide.steps]) == (1, 1, [0, 0])


def test_every_flow_that_waits_is_listed_in_file_order_even_when_unused() -> None:
    counts = funnels(FlowMap(small_flows()), history([("start", "")]))
    assert [c.flow for c in counts] == ["menu", "find", "guide", "online", "feedback"]
    assert by_flow(counts)["menu"] == FlowCount("menu", 1, 0, (StepCount("choose", 1, 1),))
    assert by_flow(counts)["online"] == FlowCount("online", 0, 0, (StepCount("steps", 0, 0),))


def test_events_in_any_order_give_the_same_counts() -> None:
    events = history(GUIDE_TO_THE_END, [("start", ""), ("press", "menu.choose.find"), ("type", "giấy phép")])
    shuffled = events[:]
    random.Random(7).shuffle(shuffled)
    flow_map = FlowMap(small_flows())
    assert funnels(flow_map, shuffled) == funnels(flow_map, events)


def test_started_is_always_completed_plus_abandoned_at_each_step() -> None:
    moves = [
        "menu.choose.guide",
        "menu.choose.find",
        "guide.first.next",
        "guide.second.done",
        "guide.second.again",
        "feedback.helpful.useful",
        "feedback.helpful.not_useful",
        "menu",
        "back",
    ]
    rng = random.Random(11)
    conversations = [
        [("start", "")] + [("press", rng.choice(moves)) for _ in range(rng.randint(1, 8))] for _ in range(40)
    ]
    for count in funnels(FlowMap(small_flows()), history(*conversations)):
        assert count.started == count.completed + sum(s.abandoned for s in count.steps), count.flow
        assert all(s.reached <= count.started for s in count.steps)
