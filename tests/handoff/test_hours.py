"""Office hours in the office's time zone: open or closed at a moment, and when it opens next."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.domain.handoff_config import HandoffConfig
from bot.handoff.hours import OfficeClock

VN = dt.timezone(dt.timedelta(hours=7))  # Asia/Ho_Chi_Minh has no daylight saving time


def vn(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of March 2026 in Vietnam time, as the aware UTC datetime the desk passes around.
    2026-03-02 is a Monday, 2026-03-07 a Saturday."""
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=VN).astimezone(dt.UTC)


def with_changes(config: HandoffConfig, **changes: Any) -> HandoffConfig:
    return HandoffConfig.model_validate({**config.model_dump(mode="json"), **changes})


@pytest.fixture
def clock(config: HandoffConfig) -> OfficeClock:
    hours = {day: ["07:30-11:30", "13:30-17:00"] for day in ("mon", "tue", "wed", "thu", "fri")}
    return OfficeClock(with_changes(config, hours=hours, closed_days=["2026-03-09"]))


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (vn(3, 7, 30), True),  # the first minute counts
        (vn(3, 7, 29), False),
        (vn(3, 11, 29), True),
        (vn(3, 11, 30), False),  # the end does not
        (vn(3, 12, 15), False),  # lunch
        (vn(3, 16, 59), True),
        (vn(3, 17, 0), False),
        (vn(7, 9, 0), False),  # Saturday
        (vn(9, 9, 0), False),  # a closed day (a Monday)
    ],
)
def test_open_or_closed(clock: OfficeClock, moment: dt.datetime, open_: bool) -> None:
    assert clock.is_open(moment) is open_


def test_the_schedule_is_read_in_vietnam_time_not_utc(clock: OfficeClock) -> None:
    monday_night_utc = dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC)  # 06:30 Tuesday in Vietnam
    assert not clock.is_open(monday_night_utc)
    assert clock.is_open(monday_night_utc + dt.timedelta(hours=1))  # 07:30 Tuesday
    assert clock.local(monday_night_utc).date() == dt.date(2026, 3, 3)


def test_a_naive_moment_is_refused(clock: OfficeClock) -> None:
    with pytest.raises(ValueError, match="naive"):
        clock.is_open(dt.datetime(2026, 3, 3, 9, 0))


@pytest.mark.parametrize(
    ("moment", "opening"),
    [
        (vn(3, 6, 0), dt.datetime(2026, 3, 3, 7, 30, tzinfo=VN)),  # early morning: later today
        (vn(3, 12, 0), dt.datetime(2026, 3, 3, 13, 30, tzinfo=VN)),  # lunch: this afternoon
        (vn(3, 18, 0), dt.datetime(2026, 3, 4, 7, 30, tzinfo=VN)),  # evening: tomorrow
        (
            vn(6, 18, 0),
            dt.datetime(2026, 3, 10, 7, 30, tzinfo=VN),
        ),  # Friday night: past the weekend and the holiday
    ],
)
def test_next_opening(clock: OfficeClock, moment: dt.datetime, opening: dt.datetime) -> None:
    found = clock.next_opening(moment)
    assert found is not None and found == opening


def test_the_opening_is_said_with_the_words_of_flows_yaml(clock: OfficeClock, config: HandoffConfig) -> None:
    later_today = clock.next_opening(vn(3, 12, 0))
    assert later_today is not None
    assert clock.say_opening(vn(3, 12, 0), later_today) == config.messages.opens_today.replace(
        "{time}", "13:30"
    )
    after_weekend = clock.next_opening(vn(6, 18, 0))
    assert after_weekend is not None
    said = clock.say_opening(vn(6, 18, 0), after_weekend)
    assert said == (
        config.messages.opens_later.replace("{time}", "7:30")
        .replace("{day}", config.days[1])  # Tuesday
        .replace("{date}", "10/03")
    )


def test_an_office_that_never_opens_in_three_weeks_has_no_next_opening(config: HandoffConfig) -> None:
    days = [f"2026-03-{d:02d}" for d in range(1, 32)]
    clock = OfficeClock(with_changes(config, closed_days=days))
    assert clock.next_opening(vn(2, 9, 0)) is None
