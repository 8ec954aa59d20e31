"""Quarters and their weeks, in Vietnam's time."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.report.quarter import VIETNAM, BadQuarter, Quarter, Week


@pytest.mark.parametrize("text", ["2026-Q1", "2026-q1", " 2026Q1 ", "2026 - Q1"])
def test_a_quarter_is_read_in_its_usual_spellings(text: str) -> None:
    assert Quarter.parse(text) == Quarter(2026, 1)


@pytest.mark.parametrize(
    "text", ["2026-Q5", "2026-Q0", "2026", "Q1-2026", "26-Q1", "20266-Q1", "1999-Q4", ""]
)
def test_anything_else_is_refused_with_the_expected_form(text: str) -> None:
    with pytest.raises(BadQuarter) as caught:
        Quarter.parse(text)
    assert caught.value.given == text
    assert "e.g. 2026-Q1" in str(caught.value)


def test_bounds_are_local_midnights() -> None:
    q1 = Quarter(2026, 1)
    assert (q1.first_day, q1.last_day) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert q1.start == dt.datetime(2025, 12, 31, 17, 0, tzinfo=dt.UTC)
    assert q1.end == dt.datetime(2026, 3, 31, 17, 0, tzinfo=dt.UTC)
    assert Quarter(2026, 4).last_day == dt.date(2026, 12, 31)
    assert str(Quarter(2026, 4)) == "2026-Q4"


def test_a_moment_belongs_to_the_quarter_of_its_local_date() -> None:
    q1 = Quarter(2026, 1)
    assert q1.contains(dt.datetime(2025, 12, 31, 17, 0, tzinfo=dt.UTC))  # 00:00 on 1 January in Hà Nội
    assert not q1.contains(dt.datetime(2025, 12, 31, 16, 59, tzinfo=dt.UTC))
    assert not q1.contains(dt.datetime(2026, 3, 31, 17, 30, tzinfo=dt.UTC))  # already 1 April
    assert Quarter.containing(dt.datetime(2026, 3, 31, 17, 30, tzinfo=dt.UTC)) == Quarter(2026, 2)
    assert Quarter.containing(dt.datetime(2026, 7, 1, 0, 0, tzinfo=VIETNAM)) == Quarter(2026, 3)


def test_weeks_are_iso_weeks_cut_to_the_quarter() -> None:
    weeks = Quarter(2026, 1).weeks()
    assert len(weeks) == 14
    assert weeks[0] == Week(2026, 1, dt.date(2026, 1, 1), dt.date(2026, 1, 4))  # Thursday to Sunday
    assert weeks[1].first == dt.date(2026, 1, 5) and weeks[1].first.isoweekday() == 1
    assert weeks[-1] == Week(2026, 14, dt.date(2026, 3, 30), dt.date(2026, 3, 31))
    assert sum((w.last - w.first).days + 1 for w in weeks) == 90
    assert [w.key for w in Quarter(2027, 1).weeks()][:2] == ["2026-W53", "2027-W01"]  # 2026 has 53 weeks


def test_the_week_of_a_moment_follows_the_local_date() -> None:
    q1 = Quarter(2026, 1)
    assert q1.week_of(dt.datetime(2026, 1, 4, 16, 59, tzinfo=dt.UTC)) == "2026-W01"  # Sunday 23:59
    assert q1.week_of(dt.datetime(2026, 1, 4, 17, 0, tzinfo=dt.UTC)) == "2026-W02"  # Monday 00:00
