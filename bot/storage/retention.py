"""Housekeeping of personal data: replies masked once delivered, old rows deleted.

What a staff member typed to a citizen (a phone number, an e-mail address) stays in the outbox only
until it has been delivered and the web page had time to fetch it (MOTCUA_OUTBOX_MASK_AFTER_MINUTES);
then its text is masked like everything a citizen types. Rows older than their retention period are
deleted: outbox (delivered or given up), inbox (processed), events and feedback
(MOTCUA_RETENTION_*_DAYS; 0 keeps them). The inbox period must outlast the platforms' redelivery and the
Zalo event window, or a late redelivery would no longer be recognised as one (bot/config.py checks).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.config import Settings
from bot.storage.base import utcnow
from bot.storage.records import mask_json
from bot.storage.sql.store import SqlStore
from bot.storage.tables import Event, Feedback, Inbox, Outbox

log = logging.getLogger("motcua.retention")

PAGE = 500


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    mask_after: dt.timedelta
    outbox_days: int
    inbox_days: int
    events_days: int


def retention_policy(settings: Settings) -> RetentionPolicy:
    return RetentionPolicy(
        mask_after=dt.timedelta(minutes=settings.outbox_mask_after_minutes),
        outbox_days=settings.retention_outbox_days,
        inbox_days=settings.retention_inbox_days,
        events_days=settings.retention_events_days,
    )


class Retention:
    def __init__(self, store: SqlStore, policy: RetentionPolicy) -> None:
        self.store, self.policy = store, policy
        self._masked_until: dt.datetime | None = None  # replies finished before this are masked already

    async def sweep(self, now: dt.datetime | None = None) -> dict[str, int]:
        """One round: mask what was delivered since the last round, delete what is past its period."""
        now = now or utcnow()
        done = {"masked": await self._mask(now - self.policy.mask_after)}
        for name, table, column, days, extra in (
            ("outbox", Outbox, Outbox.created_at, self.policy.outbox_days, _finished()),
            ("inbox", Inbox, Inbox.received_at, self.policy.inbox_days, Inbox.processed_at.is_not(None)),
            ("events", Event, Event.at, self.policy.events_days, None),
            ("feedback", Feedback, Feedback.at, self.policy.events_days, None),
        ):
            if days > 0:
                where = [column < now - dt.timedelta(days=days), *([extra] if extra is not None else [])]
                async with self.store.unit(write=True) as conn:
                    done[name] = (await conn.execute(delete(table).where(*where))).rowcount
        return done

    async def _mask(self, cutoff: dt.datetime) -> int:
        since = self._masked_until
        finished = _finished(cutoff, since)
        masked, after = 0, 0
        while True:
            async with self.store.unit(write=True) as conn:
                query = select(Outbox.id, Outbox.reply).where(finished, Outbox.id > after)
                rows = (await conn.execute(query.order_by(Outbox.id).limit(PAGE))).all()
                masked += await _rewrite(conn, rows)
            if len(rows) < PAGE:
                break
            after = rows[-1].id
        self._masked_until = cutoff
        return masked


def _finished(before: dt.datetime | None = None, since: dt.datetime | None = None) -> Any:
    """Delivered or given up (before `before`, and not before `since`, when given)."""
    clauses = []
    for column in (Outbox.delivered_at, Outbox.failed_at):
        parts: list[Any] = [column.is_not(None)]
        if before is not None:
            parts.append(column < before)
        if since is not None:
            parts.append(column >= since)
        clauses.append(parts[0] if len(parts) == 1 else and_(*parts))
    return or_(*clauses)


async def _rewrite(conn: AsyncConnection, rows: Any) -> int:
    changed = 0
    for row_id, reply in rows:
        masked = mask_json(reply)
        if masked != reply:
            await conn.execute(update(Outbox).where(Outbox.id == row_id).values(reply=masked))
            changed += 1
    return changed
