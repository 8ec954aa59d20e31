"""Quarters ("2026-Q1") and their ISO weeks, in Vietnam's time.

A province reads its figures by its own calendar: a message sent at 23:30 on 31 March in Hà Nội belongs to
Q1, although it is already 1 April nowhere and still 31 March in UTC. Vietnam keeps UTC+7 all year (no
daylight saving), so a fixed offset is exact. Weeks are ISO weeks (Monday to Sunday) of the local date;
the first and last week of a quarter are usually cut by the quarter's bounds.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.errors import MotcuaError

VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")
_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")
FIRST_YEAR, LAST_YEAR = 2000, 2100  # a typo such as 20266-Q1 is an error, not a report about nothing


class BadQuarter(MotcuaError, ValueError):
    """The quarter is not written YYYY-QN (N from 1 to 4); the message says what was expected."""

    def __init__(self, given: str) -> None:
        self.given = given
        super().__init__(f"{given!r} is not a quarter: write the year, a dash, Q and 1-4, e.g. 2026-Q1")


@dataclass(frozen=True, slots=True, order=True)
class Week:
    """One ISO week of a quarter, cut to the quarter: `first` and `last` are local dates inside it."""

    year: int
    number: int
    first: dt.date
    last: dt.date

    @property
    def key(self) -> str:
        return f"{self.year}-W{self.number:02d}"


@dataclass(frozen=True, slots=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        found = _QUARTER.match(text)
        if found is None or not FIRST_YEAR <= int(found.group(1)) <= LAST_YEAR:
            raise BadQuarter(text)
        return cls(int(found.group(1)), int(found.group(2)))

    @classmethod
    def containing(cls, moment: dt.datetime) -> Quarter:
        local = moment.astimezone(VIETNAM)
        return cls(local.year, (local.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> dt.date:
        if self.number == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.number + 1, 1) - dt.timedelta(days=1)

    @property
    def start(self) -> dt.datetime:
        """The first instant of the quarter (aware; compare with UTC values freely)."""
        return dt.datetime.combine(self.first_day, dt.time(), VIETNAM)

    @property
    def end(self) -> dt.datetime:
        """The first instant after the quarter."""
        return dt.datetime.combine(self.last_day + dt.timedelta(days=1), dt.time(), VIETNAM)

    def contains(self, moment: dt.datetime) -> bool:
        return self.start <= moment < self.end

    def weeks(self) -> list[Week]:
        """Every ISO week with at least one day in the quarter, in order."""
        found: list[Week] = []
        day = self.first_day
        while day <= self.last_day:
            iso = day.isocalendar()
            sunday = day + dt.timedelta(days=7 - iso.weekday)
            found.append(Week(iso.year, iso.week, day, min(sunday, self.last_day)))
            day = sunday + dt.timedelta(days=1)
        return found

    def week_of(self, moment: dt.datetime) -> str:
        """The key of the ISO week a moment falls in, by the local date."""
        iso = moment.astimezone(VIETNAM).date().isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
