"""Every figure of the report from a known history, checked exactly (worked out by hand)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.report.figures import (
    ChannelFigure,
    FeedbackFigure,
    Figures,
    ProcedureFigure,
    QuestionFigure,
    ScanFigure,
    SearchFigure,
    Totals,
    compute,
)
from bot.report.flow_map import FlowMap
from bot.report.history import AssistedRecord, EventRecord, FeedbackRecord, HandoffRecord, History
from bot.report.people import AssistedFigures, WaitFigures, WardFigure, WardHandoffs
from bot.report.quarter import Quarter
from tests.report.builders import at, small_flows

Q1 = Quarter(2026, 1)


def turn(
    channel: str,
    user: str,
    when: str,
    kind: str = "text",
    text: str = "",
    procedure: str | None = None,
    decision: str | None = None,
) -> EventRecord:
    return EventRecord(at(when), channel, user, "menu", "choose", procedure, kind, text, decision)


EVENTS = [
    turn("web", "a", "2026-01-01 01:00", "start"),  # 08:00 on 1 January in Hà Nội: week 1
    turn("web", "a", "2026-01-01 01:01", text="Khai sinh", procedure="khai-sinh", decision="match"),
    turn("web", "a", "2026-01-12 02:00", text="đăng ký kết hôn", procedure="ket-hon", decision="match"),
    turn("zalo", "b", "2026-01-06 03:00", "start", "khai-sinh", procedure="khai-sinh"),  # a leaflet
    turn("zalo", "b", "2026-01-06 03:01", text="giấy phép bay", decision="none"),
    turn("zalo", "b", "2026-01-06 03:02", text="Giay phep bay!", decision="none"),
    turn("zalo", "b", "2026-01-06 03:03", text="xem lại", decision="choose"),
    turn("zalo", "c", "2026-02-02 04:00", "start", "1.000001", procedure="khai-sinh"),  # a code in the link
    turn("zalo", "c", "2026-02-02 04:01", text="giấy phép bay", decision="none"),
    # the same pseudonym on another channel: another conversation, the same citizen
    turn("telegram", "a", "2026-03-31 16:59", text="ket hon", procedure="ket-hon", decision="match"),
    turn("web", "d", "2026-03-31 17:00", "start", "khai-sinh"),  # 1 April in Hà Nội: the next quarter
    turn("web", "e", "2025-12-31 16:59", "start"),  # still 2025 in Hà Nội
]
FEEDBACK = [
    FeedbackRecord(at("2026-01-06 05:00"), "web", "a", "khai-sinh", helpful=True, commented=False),
    FeedbackRecord(at("2026-02-01 05:00"), "zalo", "b", "khai-sinh", helpful=False, commented=True),
    FeedbackRecord(at("2026-02-03 05:00"), "zalo", "c", None, helpful=True, commented=False),
    FeedbackRecord(at("2026-04-02 05:00"), "zalo", "c", None, helpful=False, commented=False),
]
BEN_NGHE, TAN_PHU = "Phường Bến Nghé", "Xã Tân Phú"
HANDOFFS = [
    HandoffRecord(
        at("2026-01-05 02:00"),
        BEN_NGHE,
        "closed",
        True,
        at("2026-01-05 02:10"),
        at("2026-01-05 02:30"),
        "person",
        rating=5,
    ),
    HandoffRecord(
        at("2026-02-01 12:00"),
        BEN_NGHE,
        "closed",
        False,
        at("2026-02-02 01:30"),
        at("2026-02-02 02:00"),
        "citizen",
    ),  # at night: waited 13 h 30 for the office to open
    HandoffRecord(at("2026-03-03 03:00"), TAN_PHU, "active", True, at("2026-03-03 03:04")),
    HandoffRecord(at("2026-03-20 04:00"), TAN_PHU, "waiting", True),
    HandoffRecord(at("2026-04-02 04:00"), TAN_PHU, "waiting", True),  # next quarter
]
ASSISTED = [
    AssistedRecord(at("2026-01-10 02:00"), "Phường 1", "v1"),
    AssistedRecord(at("2026-01-11 02:00"), "Phường 1", "v1"),
    AssistedRecord(at("2026-02-11 02:00"), "Phường 1", "v2"),
    AssistedRecord(at("2026-02-12 02:00"), "Xã A", "v1"),
    AssistedRecord(at("2026-03-01 02:00"), None, None),
    AssistedRecord(at("2026-04-05 02:00"), "Xã A", "v3"),
]


@pytest.fixture(scope="module")
def figures() -> Figures:
    return compute(History(EVENTS, FEEDBACK, HANDOFFS, ASSISTED), Q1, FlowMap(small_flows()))


def test_totals_and_channels(figures: Figures) -> None:
    assert figures.totals == Totals(conversations=4, citizens=3, messages=10)
    assert figures.channels == [
        ChannelFigure("zalo", 2, 6),
        ChannelFigure("telegram", 1, 1),
        ChannelFigure("web", 1, 3),
    ]


def test_weeks(figures: Figures) -> None:
    rows = {
        w.week.key: (w.conversations, w.citizens, w.messages) for w in figures.weeks if w.messages or w.total
    }
    zero = {"telegram": 0, "web": 0, "zalo": 0}
    assert rows == {
        "2026-W01": ({**zero, "web": 1}, 1, 2),
        "2026-W02": ({**zero, "zalo": 1}, 1, 4),
        "2026-W03": (zero, 1, 1),  # a citizen back in another week: no new conversation
        "2026-W06": ({**zero, "zalo": 1}, 1, 2),
        "2026-W14": ({**zero, "telegram": 1}, 1, 1),
    }
    assert len(figures.weeks) == 14
    assert sum(w.total for w in figures.weeks) == figures.totals.conversations


def test_procedures_searches_and_questions(figures: Figures) -> None:
    assert figures.procedures == [ProcedureFigure("khai-sinh", 3), ProcedureFigure("ket-hon", 2)]
    assert figures.searches == [
        SearchFigure("match", 3, 2),
        SearchFigure("choose", 1, 1),
        SearchFigure("none", 3, 2),
    ]
    # three spellings of one question, grouped; shown as most citizens wrote it
    assert figures.questions == [QuestionFigure("giấy phép bay", 3, 2)]


def test_leaflet_scans_by_what_the_link_carried(figures: Figures) -> None:
    assert figures.scans == [ScanFigure("1.000001", 1, 1), ScanFigure("khai-sinh", 1, 1)]


def test_feedback(figures: Figures) -> None:
    assert figures.feedback == FeedbackFigure(None, helpful=2, not_helpful=1, comments=1)
    assert figures.feedback_by_procedure == [
        FeedbackFigure("khai-sinh", 1, 1, 1),
        FeedbackFigure(None, 1, 0, 0),
    ]


def test_handoffs(figures: Figures) -> None:
    handoffs = figures.handoffs
    assert handoffs is not None
    # waits of the three taken requests: 4, 10 and 810 minutes
    assert handoffs.waits == WaitFigures(
        requested=4, claimed=3, median_wait_minutes=10.0, p90_wait_minutes=810.0
    )
    assert handoffs.in_hours == WaitFigures(3, 2, 7.0, 10.0)
    assert handoffs.outcomes == {"waiting": 1, "active": 1, "closed_person": 1, "closed_citizen": 1}
    assert (handoffs.rated, handoffs.mean_rating) == (1, 5.0)
    assert handoffs.wards == [
        WardHandoffs(BEN_NGHE, WaitFigures(2, 2, 410.0, 810.0)),
        WardHandoffs(TAN_PHU, WaitFigures(2, 1, 4.0, 4.0)),
    ]


def test_assisted_sessions_by_ward(figures: Figures) -> None:
    assert figures.assisted == AssistedFigures(
        [WardFigure("Phường 1", 3, 2), WardFigure("Xã A", 1, 1), WardFigure(None, 1, 0)],
        sessions=5,
        volunteers=2,
    )


def test_parts_without_a_table_yet_are_none_not_zero() -> None:
    figures = compute(History(EVENTS, FEEDBACK), Q1, FlowMap(small_flows()))
    assert figures.handoffs is None and figures.assisted is None


def test_an_empty_quarter_has_zeros_and_no_percentages_to_divide_by() -> None:
    figures = compute(History([], [], [], []), Quarter(2025, 3), FlowMap(small_flows()))
    assert figures.totals == Totals(0, 0, 0)
    assert [s.searches for s in figures.searches] == [0, 0, 0]
    assert figures.handoffs is not None and figures.handoffs.waits == WaitFigures(0, 0, None, None)
    assert all(w.total == 0 for w in figures.weeks) and len(figures.weeks) == 14


def test_as_json(figures: Figures) -> None:
    data = json.loads(json.dumps(figures.to_json()))
    assert (data["quarter"], data["start"], data["end"]) == ("2026-Q1", "2026-01-01", "2026-03-31")
    assert data["totals"] == {"conversations": 4, "citizens": 3, "messages": 10}
    assert data["weeks"][0]["week"] == {
        "year": 2026,
        "number": 1,
        "first": "2026-01-01",
        "last": "2026-01-04",
        "key": "2026-W01",
    }
    assert data["weeks"][0]["total"] == 1
    assert data["feedback"]["answers"] == 3
    guide = next(f for f in data["flows"] if f["flow"] == "guide")
    assert set(guide) == {"flow", "started", "completed", "abandoned", "steps"}
    assert dt.datetime.fromisoformat(data["generated_at"]).tzinfo is not None
