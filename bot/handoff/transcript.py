"""The bot's conversation so far, read back from the inbox and the outbox, for the person who takes over.

The inbox holds what the citizen sent (free text already masked), the outbox every reply, in order.
A button press is shown as the label the citizen saw on it, found in the bot's earlier replies.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.messages import Incoming
from bot.handoff.queue import Line
from bot.handoff.wording import said
from bot.storage.base import ConversationKey
from bot.storage.tables import Inbox, Outbox

SNAPSHOT = 40  # lines of the conversation before the request; enough to see what the citizen tried


async def conversation_so_far(
    conn: AsyncConnection, key: ConversationKey, limit: int = SNAPSHOT
) -> list[Line]:
    """The last `limit` messages both ways, oldest first."""
    inbox = (
        await conn.execute(
            select(Inbox.id, Inbox.incoming, Inbox.received_at)
            .where(Inbox.channel == key.channel, Inbox.user_id == key.user_id)
            .order_by(Inbox.id.desc())
            .limit(limit)
        )
    ).all()
    outbox = (
        await conn.execute(
            select(Outbox.id, Outbox.reply, Outbox.created_at)
            .where(Outbox.channel == key.channel, Outbox.user_id == key.user_id)
            .order_by(Outbox.id.desc())
            .limit(limit)
        )
    ).all()
    # A turn's replies are written after its message, in the same instant or later: on equal times
    # the message comes first.
    events: list[tuple[dt.datetime, int, int, str, dict[str, Any]]] = [
        (row.received_at, 0, row.id, "citizen", row.incoming) for row in inbox
    ]
    events += [(row.created_at, 1, row.id, "bot", row.reply) for row in outbox]
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    labels: dict[str, str] = {}
    lines: list[Line] = []
    for at, _, _, who, data in events:
        if who == "bot":
            labels.update({str(b.get("id")): str(b.get("label")) for b in data.get("buttons", [])})
            lines.append(Line("bot", str(data.get("text", "")), at))
        else:
            lines.append(Line("citizen", said(Incoming.from_json(data), labels), at))
    return lines[-limit:]


async def button_labels(conn: AsyncConnection, key: ConversationKey, limit: int = 10) -> dict[str, str]:
    """Button id -> label over the bot's latest replies (the newest label wins), to show a press."""
    rows = (
        await conn.execute(
            select(Outbox.reply)
            .where(Outbox.channel == key.channel, Outbox.user_id == key.user_id)
            .order_by(Outbox.id.desc())
            .limit(limit)
        )
    ).all()
    labels: dict[str, str] = {}
    for row in reversed(rows):
        labels.update({str(b.get("id")): str(b.get("label")) for b in row.reply.get("buttons", [])})
    return labels
