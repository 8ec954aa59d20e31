"""What citizens asked that the bot could not answer, grouped and counted, for officials to fix.

Read from the event log (one row per turn, text already masked of ID and phone numbers):
- a typed question whose search decided `none` (nothing relevant found);
- a typed question whose search decided `choose`, when the citizen then did not pick one of the listed
  procedures (their next turn was not a pick button, or they left: no turn for ABANDON_AFTER).

Questions are grouped by their folded form (case, accents and spacing ignored), and each group is
searched again with the content served now: a question the catalogue answers today (after an alias was
added, say) is no longer listed, and the procedures it now finds are offered as candidates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.admin.db import unit
from bot.domain.engine_render import PICK_PREFIX
from bot.domain.privacy import mask_pii
from bot.domain.search import ProcedureIndex
from bot.domain.text import fold
from bot.storage.base import utcnow
from bot.storage.tables import Event

WINDOW = dt.timedelta(days=90)
ABANDON_AFTER = dt.timedelta(minutes=30)
MAX_EVENTS = 200_000  # the newest turns read; an admin page must answer in reasonable time
MAX_GROUPS = 200


@dataclass
class _Group:
    text: str
    decision: str
    count: int
    last_at: dt.datetime


def _add(groups: dict[tuple[str, str], _Group], text: str, decision: str, at: dt.datetime) -> None:
    text = mask_pii(text)  # again on the way out: rows stored before masking improved
    key = (fold(text), decision)
    if not key[0]:
        return
    group = groups.get(key)
    if group is None:
        groups[key] = _Group(text, decision, 1, at)
        return
    group.count += 1
    if at >= group.last_at:
        group.text, group.last_at = text, at


async def _rows(engine: AsyncEngine, since: dt.datetime) -> list[Any]:
    query = (
        select(
            Event.id,
            Event.at,
            Event.channel,
            Event.user_hash,
            Event.incoming_kind,
            Event.text_masked,
            Event.search_decision,
        )
        .where(Event.at >= since)
        .order_by(Event.id.desc())
        .limit(MAX_EVENTS)
    )
    async with unit(engine, write=False) as conn:
        rows = list((await conn.execute(query)).all())
    rows.reverse()  # oldest first, so each turn is followed by its conversation's next one
    return rows


def group_unanswered(rows: list[Any], now: dt.datetime) -> list[_Group]:
    groups: dict[tuple[str, str], _Group] = {}
    waiting: dict[tuple[str, str], Any] = {}  # conversation -> its last `choose` turn, not yet resolved
    for row in rows:
        conversation = (row.channel, row.user_hash)
        listed = waiting.pop(conversation, None)
        if listed is not None:
            picked = row.incoming_kind == "button" and row.text_masked.startswith(PICK_PREFIX)
            if not picked:
                _add(groups, listed.text_masked, "choose", listed.at)
        if row.incoming_kind != "text":
            continue
        if row.search_decision == "none":
            _add(groups, row.text_masked, "none", row.at)
        elif row.search_decision == "choose":
            waiting[conversation] = row
    for listed in waiting.values():
        if now - listed.at >= ABANDON_AFTER:
            _add(groups, listed.text_masked, "choose", listed.at)
    return sorted(groups.values(), key=lambda g: (-g.count, -g.last_at.timestamp(), g.text))


async def unanswered(
    engine: AsyncEngine, index: ProcedureIndex, window: dt.timedelta = WINDOW, limit: int = MAX_GROUPS
) -> list[dict[str, Any]]:
    now = utcnow()
    items: list[dict[str, Any]] = []
    for group in group_unanswered(await _rows(engine, now - window), now):
        result = index.search(group.text)
        if result.decision == "match":
            continue  # answered by today's content
        items.append(
            {
                "text": group.text,
                "count": group.count,
                "last_at": group.last_at.isoformat(),
                "decision": group.decision,
                "candidates": [m.id for m in result.matches],
            }
        )
        if len(items) >= limit:
            break
    return items
