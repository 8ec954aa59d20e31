"""What citizens asked that the bot could not answer, grouped and counted, for officials to fix.

Read from the event log (one row per turn, text already masked of ID and phone numbers):
- a typed question whose search decided `none` (nothing relevant found);
- a typed question whose search decided `choose`, when the citizen then did not pick one of the listed
  procedures (their next turn was not a pick button, or they left: no turn for ABANDON_AFTER).

Questions are grouped by their folded form (case, accents and spacing ignored), and each group is
searched again with the content served now: a question the catalogue answers today (after an alias was
added, say, or a topic's phrasing) is no longer listed, and the procedures it now finds are offered as
candidates, with the topic it is close to. An official can add it as a phrasing of a topic
(`add_topic_phrasing`, a draft of flows.yaml to publish) as well as an alias of a procedure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from bot.admin.yaml_patch import add_list_item
from bot.content import FLOWS, parse_yaml
from bot.domain.engine import PICK_PREFIX
from bot.domain.flows import phrasing_key
from bot.domain.privacy import mask_pii
from bot.domain.search import ProcedureIndex
from bot.domain.text import fold
from bot.storage.base import utcnow
from bot.storage.sql import Units
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


async def _rows(units: Units, since: dt.datetime) -> list[Any]:
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
    async with units.unit(write=False) as conn:
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
    units: Units, index: ProcedureIndex, window: dt.timedelta = WINDOW, limit: int = MAX_GROUPS
) -> list[dict[str, Any]]:
    now = utcnow()
    items: list[dict[str, Any]] = []
    for group in group_unanswered(await _rows(units, now - window), now):
        result = index.search(group.text)
        if result.decision == "match" or (result.topic is not None and not result.rest):
            continue  # answered by today's content: a procedure, or a topic said alone
        items.append(
            {
                "text": group.text,
                "count": group.count,
                "last_at": group.last_at.isoformat(),
                "decision": group.decision,
                "candidates": [m.id for m in result.matches],
                "topic": result.topic.id if result.topic is not None else None,
            }
        )
        if len(items) >= limit:
            break
    return items


def add_topic_phrasing(flows_text: str, topic: str, phrasing: str) -> tuple[str, bool]:
    """flows.yaml with `phrasing` added to the topic's phrasings (comments and layout kept), and whether
    it was added: a phrasing the topic already has is not added twice. KeyError: no such topic.
    PatchError (bot.admin.yaml_patch): the file cannot be edited in place."""
    data = parse_yaml(flows_text, FLOWS).data
    topics = data.get("topics") if isinstance(data, dict) else None
    if not isinstance(topics, dict) or not isinstance(topics.get(topic), dict):
        raise KeyError(topic)
    phrasing = " ".join(phrasing.split())
    known = topics[topic].get("phrasings") or []
    if phrasing_key(phrasing) in {phrasing_key(str(p)) for p in known}:
        return flows_text, False
    return add_list_item(flows_text, f"topics.{topic}.phrasings", phrasing), True
