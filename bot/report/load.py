"""One quarter of the database as a `History`: events, feedback, and (when their tables exist) handoffs
and volunteer-assisted sessions.

Conversations on the terminal chat (`motcua chat`, channel "cli") are staff trying the bot: left out.

Read-only: the report never migrates or writes. The handoff and assisted-session tables belong to features
that arrive after the event log (migration 0003 and later): a database without them yields None for that
part, and the report says there is no data yet. Assisted sessions have no schema in the tree yet, so
that table is read through reflection, by the column names below, and skipped if it has another shape.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, MetaData, Table, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.domain.privacy import mask_pii
from bot.errors import StorageError
from bot.report.history import AssistedRecord, EventRecord, FeedbackRecord, HandoffRecord, History
from bot.report.quarter import Quarter
from bot.storage.tables import Event, Feedback
from bot.storage.tables_handoff import Handoff

# `motcua chat` talks on the "cli" channel: staff trying the bot in a terminal, not citizens.
TEST_CHANNELS = ("cli",)
ASSISTED = "assisted_sessions"
# The columns read from that table, each by the first of its names the table has.
ASSISTED_COLUMNS = {
    "at": ("started_at", "created_at", "at"),
    "ward": ("ward",),
    "volunteer": ("volunteer_id", "volunteer_hash", "volunteer", "user_id"),
}


async def load_history(engine: AsyncEngine, quarter: Quarter) -> History:
    """Everything the report reads for `quarter`; StorageError names what is missing or failed."""
    try:
        async with engine.connect() as conn:
            present = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
            if Event.__tablename__ not in present:
                raise StorageError(
                    "the database has no events table: check MOTCUA_DATABASE_URL "
                    "(it is created by `motcua serve` or `motcua chat` on first start)"
                )
            events = await _events(conn, quarter)
            feedback = await _feedback(conn, quarter)
            handoffs = await _handoffs(conn, quarter) if Handoff.__tablename__ in present else None
            assisted = await _assisted_rows(conn, quarter) if ASSISTED in present else None
            sessions = None if assisted is None else [_assisted(row) for row in assisted]
    except SQLAlchemyError as err:
        raise StorageError(f"cannot read the report's data: {str(err).splitlines()[0]}") from err
    return History(
        events=events,
        feedback=feedback,
        handoffs=handoffs,
        assisted=sessions,
    )


async def _events(conn: AsyncConnection, quarter: Quarter) -> list[EventRecord]:
    query = (
        select(
            Event.at,
            Event.channel,
            Event.user_hash,
            Event.flow,
            Event.step,
            Event.procedure,
            Event.incoming_kind,
            Event.text_masked,
            Event.search_decision,
            Event.search_top,
        )
        .where(Event.at >= quarter.start, Event.at < quarter.end, Event.channel.not_in(TEST_CHANNELS))
        .order_by(Event.channel, Event.user_hash, Event.at, Event.id)
    )
    return [
        EventRecord(
            r.at,
            r.channel,
            r.user_hash,
            r.flow,
            r.step,
            r.procedure,
            r.incoming_kind,
            mask_pii(r.text_masked),  # again on the way out: rows stored before masking improved
            r.search_decision,
            r.search_top,
        )
        for r in (await conn.execute(query)).all()
    ]


async def _feedback(conn: AsyncConnection, quarter: Quarter) -> list[FeedbackRecord]:
    query = (
        select(
            Feedback.at,
            Feedback.channel,
            Feedback.user_hash,
            Feedback.procedure,
            Feedback.helpful,
            Feedback.comment_masked,
        )
        .where(
            Feedback.at >= quarter.start, Feedback.at < quarter.end, Feedback.channel.not_in(TEST_CHANNELS)
        )
        .order_by(Feedback.at, Feedback.id)
    )
    rows = (await conn.execute(query)).all()
    return [
        FeedbackRecord(at, ch, user, proc, bool(ok), bool(note.strip()))
        for at, ch, user, proc, ok, note in rows
    ]


async def _handoffs(conn: AsyncConnection, quarter: Quarter) -> list[HandoffRecord]:
    query = (
        select(
            Handoff.created_at,
            Handoff.ward,
            Handoff.status,
            Handoff.in_hours,
            Handoff.claimed_at,
            Handoff.closed_at,
            Handoff.closed_by,
            Handoff.rating,
        )
        .where(
            Handoff.created_at >= quarter.start,
            Handoff.created_at < quarter.end,
            Handoff.channel.not_in(TEST_CHANNELS),
        )
        .order_by(Handoff.created_at, Handoff.id)
    )
    return [
        HandoffRecord(
            requested_at=r.created_at,
            ward=r.ward,
            status=r.status,
            in_hours=bool(r.in_hours),
            claimed_at=r.claimed_at,
            closed_at=r.closed_at,
            closed_by=r.closed_by,
            rating=r.rating,
        )
        for r in (await conn.execute(query)).all()
    ]


async def _assisted_rows(conn: AsyncConnection, quarter: Quarter) -> list[dict[str, Any]] | None:
    """The sessions of the quarter with our column names; None when the table has another shape."""

    def read(sync: Connection) -> list[dict[str, Any]] | None:
        table = Table(ASSISTED, MetaData(), autoload_with=sync)
        found = {
            ours: next((table.c[n] for n in names if n in table.c), None)
            for ours, names in ASSISTED_COLUMNS.items()
        }
        time = found["at"]
        if time is None:
            return None  # a table of another shape than the report knows: no figures rather than wrong ones
        if sync.execute(select(time).limit(1)).first() is None:
            return None  # the feature has never been used here: "no data yet" rather than a row of zeros
        # Reflected columns hold naive UTC on SQLite (see tables.UtcDateTime): compare in the same terms.
        start, end = (_stored(sync, moment) for moment in (quarter.start, quarter.end))
        chosen = [column.label(ours) for ours, column in found.items() if column is not None]
        return [
            dict(row) for row in sync.execute(select(*chosen).where(time >= start, time < end)).mappings()
        ]

    return await conn.run_sync(read)


def _stored(sync: Connection, moment: dt.datetime) -> dt.datetime:
    utc = moment.astimezone(dt.UTC)
    return utc.replace(tzinfo=None) if sync.dialect.name == "sqlite" else utc


def _utc(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite without declared types hands back text
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _assisted(row: dict[str, Any]) -> AssistedRecord:
    at = _utc(row["at"])
    assert at is not None
    return AssistedRecord(at=at, ward=_text(row.get("ward")), volunteer=_text(row.get("volunteer")))


def _text(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None
