"""The handoff queue in SQL: every statement on the `handoffs` and `handoff_messages` tables.

Changes to one conversation's handoff run on the connection of that conversation's locked block
(`SqlStore.conversation`): they commit together with the state and the outbox, or not at all, and the
lock orders them with the citizen's own messages. Listing for the inbox reads on a connection of its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.engine import HandoffRequest
from bot.domain.privacy import mask_pii
from bot.errors import StorageError
from bot.storage.base import ConversationKey
from bot.storage.tables_handoff import NAME_LEN, Handoff, HandoffMessage

WAITING, ACTIVE, CLOSED = "waiting", "active", "closed"
OPEN = (WAITING, ACTIVE)
MAX_TEXT = 4000  # a transcript line; longer messages are cut (the outbox keeps what was delivered)


@dataclass(frozen=True, slots=True)
class HandoffRow:
    id: int
    key: ConversationKey
    ward: str
    procedure: str | None
    origin: str | None
    status: str
    created_at: dt.datetime
    acked: bool
    claimed_at: dt.datetime | None
    claimed_by_id: int | None
    claimed_by: str | None
    closed_at: dt.datetime | None
    rating_pending: bool
    rating: int | None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a transcript."""

    who: str  # citizen | bot | person
    text: str
    at: dt.datetime
    author: str | None = None


_COLUMNS = (
    Handoff.id,
    Handoff.channel,
    Handoff.user_id,
    Handoff.ward,
    Handoff.procedure,
    Handoff.origin,
    Handoff.status,
    Handoff.created_at,
    Handoff.acked,
    Handoff.claimed_at,
    Handoff.claimed_by_id,
    Handoff.claimed_by,
    Handoff.closed_at,
    Handoff.rating_pending,
    Handoff.rating,
)


def _row(row: Any) -> HandoffRow:
    return HandoffRow(
        id=row.id,
        key=ConversationKey(row.channel, row.user_id),
        ward=row.ward,
        procedure=row.procedure,
        origin=row.origin,
        status=row.status,
        created_at=row.created_at,
        acked=row.acked,
        claimed_at=row.claimed_at,
        claimed_by_id=row.claimed_by_id,
        claimed_by=row.claimed_by,
        closed_at=row.closed_at,
        rating_pending=row.rating_pending,
        rating=row.rating,
    )


# --- one handoff -------------------------------------------------------------------------------------
async def get(conn: AsyncConnection, handoff_id: int) -> HandoffRow | None:
    row = (await conn.execute(select(*_COLUMNS).where(Handoff.id == handoff_id))).one_or_none()
    return _row(row) if row is not None else None


async def latest(conn: AsyncConnection, key: ConversationKey) -> HandoffRow | None:
    """The conversation's most recent handoff, open or not (its rating may still be pending)."""
    query = (
        select(*_COLUMNS)
        .where(Handoff.channel == key.channel, Handoff.user_id == key.user_id)
        .order_by(Handoff.id.desc())
        .limit(1)
    )
    row = (await conn.execute(query)).one_or_none()
    return _row(row) if row is not None else None


async def create(
    conn: AsyncConnection, key: ConversationKey, request: HandoffRequest, at: dt.datetime, in_hours: bool
) -> int:
    values = {
        "channel": key.channel,
        "user_id": key.user_id,
        "ward": request.ward[:NAME_LEN],
        "procedure": request.procedure,
        "origin": request.origin[:100] if request.origin else None,
        "status": WAITING,
        "created_at": at,
        "in_hours": in_hours,
        "acked": False,
        "rating_pending": False,
    }
    handoff_id: int = (await conn.execute(insert(Handoff).values(values).returning(Handoff.id))).scalar_one()
    return handoff_id


async def claim(conn: AsyncConnection, handoff_id: int, user_id: int, name: str, at: dt.datetime) -> bool:
    """Take a waiting handoff; False when it is no longer waiting (someone else was first)."""
    result = await conn.execute(
        update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.status == WAITING)
        .values(status=ACTIVE, claimed_at=at, claimed_by_id=user_id, claimed_by=name[:NAME_LEN])
    )
    return bool(result.rowcount)


async def close(
    conn: AsyncConnection, handoff_id: int, by: str, at: dt.datetime, rating_pending: bool
) -> None:
    await _update(conn, handoff_id, status=CLOSED, closed_at=at, closed_by=by, rating_pending=rating_pending)


async def mark_acked(conn: AsyncConnection, handoff_id: int) -> None:
    await _update(conn, handoff_id, acked=True)


async def rate(conn: AsyncConnection, handoff_id: int, value: int | None, at: dt.datetime) -> None:
    """Record the citizen's rating; None: they went on without rating (the question is not asked again)."""
    await _update(
        conn, handoff_id, rating_pending=False, rating=value, rated_at=at if value is not None else None
    )


async def _update(conn: AsyncConnection, handoff_id: int, **values: Any) -> None:
    result = await conn.execute(update(Handoff).where(Handoff.id == handoff_id).values(**values))
    if result.rowcount == 0:
        raise StorageError(f"handoff {handoff_id} does not exist")


# --- transcripts -------------------------------------------------------------------------------------
async def add_line(conn: AsyncConnection, handoff_id: int, line: Line, outbox_id: int | None = None) -> None:
    await conn.execute(
        insert(HandoffMessage).values(
            handoff_id=handoff_id,
            at=line.at,
            who=line.who,
            author=line.author[:NAME_LEN] if line.author else None,
            text=mask_pii(line.text)[:MAX_TEXT],
            outbox_id=outbox_id,
        )
    )


async def add_lines(conn: AsyncConnection, handoff_id: int, lines: list[Line]) -> None:
    for line in lines:
        await add_line(conn, handoff_id, line)


async def person_replied(conn: AsyncConnection, handoff_id: int) -> bool:
    query = select(func.count()).where(
        HandoffMessage.handoff_id == handoff_id, HandoffMessage.who == "person"
    )
    return bool((await conn.execute(query)).scalar_one())


async def transcripts(conn: AsyncConnection, handoff_ids: list[int]) -> dict[int, list[Line]]:
    if not handoff_ids:
        return {}
    query = (
        select(
            HandoffMessage.handoff_id,
            HandoffMessage.who,
            HandoffMessage.text,
            HandoffMessage.at,
            HandoffMessage.author,
        )
        .where(HandoffMessage.handoff_id.in_(handoff_ids))
        .order_by(HandoffMessage.handoff_id, HandoffMessage.id)
    )
    found: dict[int, list[Line]] = {i: [] for i in handoff_ids}
    for row in (await conn.execute(query)).all():
        # Masked again on the way out: lines stored before masking improved.
        found[row.handoff_id].append(Line(row.who, mask_pii(row.text), row.at, row.author))
    return found


# --- the inbox and the waiting estimate --------------------------------------------------------------
async def listing(
    conn: AsyncConnection, statuses: tuple[str, ...], since: dt.datetime | None, limit: int
) -> list[HandoffRow]:
    """Handoffs in these statuses, oldest first (the longest wait on top); `since` bounds closed ones."""
    query = select(*_COLUMNS).where(Handoff.status.in_(statuses))
    if since is not None:
        query = query.where(Handoff.created_at >= since)
    rows = (await conn.execute(query.order_by(Handoff.created_at, Handoff.id).limit(limit))).all()
    return [_row(row) for row in rows]


async def recent_waits(conn: AsyncConnection, ward: str, since: dt.datetime, limit: int) -> list[float]:
    """Seconds from request to claim of this ward's latest handoffs asked during office hours."""
    query = (
        select(Handoff.created_at, Handoff.claimed_at)
        .where(
            Handoff.ward == ward,
            Handoff.in_hours.is_(True),
            Handoff.claimed_at.is_not(None),
            Handoff.claimed_at >= since,
        )
        .order_by(Handoff.claimed_at.desc())
        .limit(limit)
    )
    rows = (await conn.execute(query)).all()
    return [(row.claimed_at - row.created_at).total_seconds() for row in rows]
