"""What the report reads from the database, as plain records: one quarter of the event log and its kin.

`handoffs` and `assisted` are None when the database has no such table yet (the features come later than
the event log): the report then says "no data yet" instead of pretending that nothing happened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One turn (bot.storage.tables.Event), without anything the report does not read."""

    at: dt.datetime
    channel: str
    user_hash: str
    flow: str  # where the conversation waits after the turn
    step: str
    procedure: str | None
    kind: str  # text | button | start | unsupported
    text: str  # masked typed text, the pressed button's id, or the deep-link payload
    decision: str | None = None  # match | choose | none, when the turn searched
    top: str | None = None

    @property
    def conversation(self) -> tuple[str, str]:
        return self.channel, self.user_hash


@dataclass(frozen=True, slots=True)
class FeedbackRecord:
    at: dt.datetime
    channel: str
    user_hash: str
    procedure: str | None
    helpful: bool
    commented: bool


@dataclass(frozen=True, slots=True)
class HandoffRecord:
    """A conversation handed to a person (bot.storage.tables_handoff.Handoff): waiting in a ward's queue,
    then perhaps taken by someone, then closed by that person or by the citizen leaving."""

    requested_at: dt.datetime
    ward: str
    status: str  # waiting | active | closed
    in_hours: bool  # asked during office hours, when someone is meant to be on duty
    claimed_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    closed_by: str | None = None  # person | citizen
    rating: int | None = None  # 1 to 5, when the citizen rated the help

    @property
    def outcome(self) -> str:
        """How the request stands: waiting, active, or closed_person / closed_citizen."""
        return (
            f"{self.status}_{self.closed_by}" if self.status == "closed" and self.closed_by else self.status
        )


@dataclass(frozen=True, slots=True)
class AssistedRecord:
    """A session a volunteer ran for a citizen (counted per ward; nothing identifies the citizen)."""

    at: dt.datetime
    ward: str | None
    volunteer: str | None  # an id or pseudonym of the volunteer, to count how many took part


@dataclass(frozen=True)
class History:
    events: list[EventRecord]
    feedback: list[FeedbackRecord]
    handoffs: list[HandoffRecord] | None = None
    assisted: list[AssistedRecord] | None = None
