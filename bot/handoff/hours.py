"""Office hours: whether someone is on duty at a moment, and when the office next opens.

The schedule in flows.yaml (`handoff.hours`, `closed_days`) is in the office's own time zone
(Asia/Ho_Chi_Minh); moments come in as aware UTC datetimes, as everywhere in Motcua.
"""

from __future__ import annotations

import datetime as dt

from bot.domain.handoff_config import DAYS, HandoffConfig, fill

LOOKAHEAD_DAYS = 21  # long enough for Tết; a schedule with no opening in three weeks has none


class OfficeClock:
    def __init__(self, config: HandoffConfig) -> None:
        self.config = config
        self.zone = config.zone()
        self.closed = frozenset(config.closed_days)

    def local(self, at: dt.datetime) -> dt.datetime:
        if at.tzinfo is None:
            raise ValueError(f"naive datetime {at!r}: pass an aware datetime")
        return at.astimezone(self.zone)

    def is_open(self, at: dt.datetime) -> bool:
        local = self.local(at)
        if local.date() in self.closed:
            return False
        minute = local.hour * 60 + local.minute
        return any(span.start <= minute < span.end for span in self.config.spans(DAYS[local.weekday()]))

    def next_opening(self, at: dt.datetime) -> dt.datetime | None:
        """The first moment at or after `at` when the office opens (local time); None if it never does."""
        local = self.local(at)
        for offset in range(LOOKAHEAD_DAYS + 1):
            day = local.date() + dt.timedelta(days=offset)
            if day in self.closed:
                continue
            for span in self.config.spans(DAYS[day.weekday()]):
                opening = dt.datetime.combine(day, dt.time(), tzinfo=self.zone) + dt.timedelta(
                    minutes=span.start
                )
                if opening >= local:
                    return opening
        return None

    def say_opening(self, at: dt.datetime, opening: dt.datetime) -> str:
        """When the office opens, in the words of flows.yaml ("7:30 hôm nay", "7:30 thứ Hai, ngày 02/03")."""
        texts = self.config.messages
        time = f"{opening.hour}:{opening.minute:02d}"
        if opening.date() == self.local(at).date():
            return fill(texts.opens_today, {"time": time})
        day = self.config.days[opening.weekday()]
        return fill(
            texts.opens_later, {"time": time, "day": day, "date": f"{opening.day:02d}/{opening.month:02d}"}
        )
