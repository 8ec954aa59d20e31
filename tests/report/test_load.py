"""Reading one quarter from the database, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from bot.report.load import load_history
from bot.report.quarter import Quarter
from bot.storage.database import create_engine_for, sync_url
from tests.report.builders import KNOWN_HANDOFFS, build_database, known_conversations


async def test_the_quarter_is_read_by_local_time_with_its_handoffs(database_url: str) -> None:
    await build_database(database_url)
    engine = create_engine_for(database_url)
    try:
        history = await load_history(engine, Quarter(2026, 1))
    finally:
        await engine.dispose()
    played = [e for c in known_conversations() for e in c.events]
    inside = [
        e
        for e in played
        if dt.datetime(2025, 12, 31, 17, tzinfo=dt.UTC) <= e.at < dt.datetime(2026, 3, 31, 17, tzinfo=dt.UTC)
    ]
    assert sorted(history.events, key=lambda e: (e.at, e.user_hash)) == sorted(
        inside, key=lambda e: (e.at, e.user_hash)
    )
    assert len(history.events) == 11 and all(e.at.tzinfo is not None for e in history.events)
    assert [(f.helpful, f.procedure) for f in history.feedback] == [(True, None)]
    assert history.handoffs is not None and len(history.handoffs) == len(KNOWN_HANDOFFS) - 1
    assert {h.outcome for h in history.handoffs} == {"waiting", "active", "closed_person", "closed_citizen"}
    assert history.assisted is None  # no such table in the schema yet


async def test_assisted_sessions_of_another_shape_are_not_guessed(database_url: str) -> None:
    await build_database(database_url)
    engine = sa.create_engine(sync_url(database_url))
    with engine.begin() as conn:
        # A table of another shape than ours (e.g. left by an older version): no time column.
        conn.execute(sa.text("DROP TABLE assisted_sessions"))
        conn.execute(sa.text("CREATE TABLE assisted_sessions (id INTEGER PRIMARY KEY, ward VARCHAR(200))"))
    engine.dispose()
    async_engine = create_engine_for(database_url)
    try:
        history = await load_history(async_engine, Quarter(2026, 1))
    finally:
        await async_engine.dispose()
    assert history.assisted is None  # no time column: no figures rather than wrong ones
