"""Recording assisted sessions: one row per citizen helped, only with their consent, nothing about them.

The row names the volunteer (a staff account), their ward, the procedure and the time. There is no place
in the table for anything about the citizen (see bot/storage/tables_assist.py), so none can be kept.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.admin.auth import Account
from bot.storage.tables_assist import AssistedSession


async def record_session(
    engine: AsyncEngine, volunteer: Account, procedure_id: str, consent: bool, now: dt.datetime
) -> bool:
    """Count one assisted session when the citizen consented; returns whether a row was written."""
    if not consent:
        return False  # no consent, no trace: the help still happens, it is just not counted
    async with engine.begin() as conn:
        await conn.execute(
            insert(AssistedSession).values(
                volunteer_id=volunteer.id,
                ward=volunteer.ward,
                procedure=procedure_id,
                consent=True,
                started_at=now.astimezone(dt.UTC),
            )
        )
    return True
