"""The audit log: who changed what, when. Written in the same transaction as the change it records,
so a change and its audit entry exist together or not at all."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.privacy import mask_pii
from bot.storage.base import utcnow
from bot.storage.sql.units import Units
from bot.storage.tables_admin import AuditEntry

MAX_DETAIL = 2000


@dataclass(frozen=True)
class Actor:
    """Whoever acts: a staff account, or the command line / the system (`user_id` None)."""

    user_id: int | None
    name: str


SYSTEM = Actor(None, "motcua")


async def record(
    conn: AsyncConnection,
    actor: Actor,
    action: str,
    target: str,
    detail: str = "",
    at: dt.datetime | None = None,
) -> None:
    """Add one entry. The detail is masked: a comment may quote a citizen's ID or phone number."""
    await conn.execute(
        insert(AuditEntry).values(
            at=at or utcnow(),
            user_id=actor.user_id,
            who=actor.name[:200],
            action=action,
            target=target[:255],
            detail=mask_pii(detail)[:MAX_DETAIL],
        )
    )


async def entries(units: Units, limit: int = 200, before_id: int | None = None) -> list[dict[str, Any]]:
    """Newest first; `before_id` pages further back."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    async with units.unit(write=False) as conn:
        rows = (await conn.execute(query)).mappings().all()
    return [
        {
            "id": row["id"],
            "at": row["at"].isoformat(),
            "who": row["who"],
            "action": row["action"],
            "target": row["target"],
            "detail": row["detail"],
        }
        for row in rows
    ]
