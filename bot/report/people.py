"""Figures about people helping citizens: handoffs to an official or volunteer, and assisted sessions.

Waiting time runs from the request to the moment a person took the conversation. Requests nobody took
are counted but have no waiting time (they would pull the median towards "never", which is no number).
Requests made outside office hours wait for the office to open, so the median of those made in office
hours is given on its own: it says how long a citizen waits when someone is meant to be there.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

from bot.report.history import AssistedRecord, HandoffRecord
from bot.report.quarter import Quarter

OUTCOMES = ("waiting", "active", "closed_person", "closed_citizen")  # in this order, then any other


@dataclass(frozen=True, slots=True)
class WaitFigures:
    requested: int
    claimed: int  # taken by a person
    median_wait_minutes: float | None  # None when no request was taken
    p90_wait_minutes: float | None  # 9 in 10 taken requests waited at most this long


@dataclass(frozen=True, slots=True)
class WardHandoffs:
    ward: str
    waits: WaitFigures


@dataclass(frozen=True, slots=True)
class HandoffFigures:
    waits: WaitFigures
    in_hours: WaitFigures  # the requests made during office hours
    outcomes: dict[str, int]
    rated: int
    mean_rating: float | None
    wards: list[WardHandoffs]


@dataclass(frozen=True, slots=True)
class WardFigure:
    ward: str | None  # None: the session did not say
    sessions: int
    volunteers: int


@dataclass(frozen=True, slots=True)
class AssistedFigures:
    wards: list[WardFigure]
    sessions: int
    volunteers: int  # distinct over the period (one volunteer may serve several wards)


def handoff_figures(handoffs: list[HandoffRecord], quarter: Quarter) -> HandoffFigures:
    asked = [h for h in handoffs if quarter.contains(h.requested_at)]
    counted = Counter(h.outcome for h in asked)
    order = [*OUTCOMES, *sorted(set(counted) - set(OUTCOMES))]
    by_ward: dict[str, list[HandoffRecord]] = defaultdict(list)
    for h in asked:
        by_ward[h.ward].append(h)
    wards = [WardHandoffs(ward, wait_figures(group)) for ward, group in by_ward.items()]
    wards.sort(key=lambda w: (-w.waits.requested, w.ward))
    ratings = [h.rating for h in asked if h.rating is not None]
    return HandoffFigures(
        waits=wait_figures(asked),
        in_hours=wait_figures([h for h in asked if h.in_hours]),
        outcomes={outcome: counted[outcome] for outcome in order},
        rated=len(ratings),
        mean_rating=round(statistics.fmean(ratings), 2) if ratings else None,
        wards=wards,
    )


def wait_figures(handoffs: list[HandoffRecord]) -> WaitFigures:
    waits = sorted((h.claimed_at - h.requested_at).total_seconds() / 60 for h in handoffs if h.claimed_at)
    return WaitFigures(
        requested=len(handoffs),
        claimed=len(waits),
        median_wait_minutes=round(statistics.median(waits), 1) if waits else None,
        p90_wait_minutes=round(nearest_rank(waits, 0.9), 1) if waits else None,
    )


def nearest_rank(ordered: list[float], share: float) -> float:
    """The smallest value with at least `share` of the values at or below it (an observed value)."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def assisted_figures(sessions: list[AssistedRecord], quarter: Quarter) -> AssistedFigures:
    held = [s for s in sessions if quarter.contains(s.at)]
    by_ward: dict[str | None, list[AssistedRecord]] = defaultdict(list)
    for session in held:
        by_ward[session.ward or None].append(session)
    wards = [WardFigure(ward, len(group), _volunteers(group)) for ward, group in by_ward.items()]
    wards.sort(key=lambda f: (-f.sessions, f.ward is None, f.ward or ""))
    return AssistedFigures(wards, len(held), _volunteers(held))


def _volunteers(sessions: list[AssistedRecord]) -> int:
    return len({s.volunteer for s in sessions if s.volunteer})
