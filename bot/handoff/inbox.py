"""The staff side of a handoff: the inbox list, claim, reply, hand back; and the web page's updates.

Each change runs under the conversation's lock (`SqlStore.conversation`), like a citizen's turn: the
person's reply enters the outbox in order with everything the bot said, a claim cannot race another
claim (the second finds the handoff no longer waiting: `HandoffConflict`, HTTP 409), and handing back
runs the engine on the same state the citizen's next message will see. Replies then go out through the
service's delivery (Zalo, Telegram); the web page fetches them from `updates`.

Volunteers see and act only on handoffs of their own ward (others are "not found"); officials and admins
see every ward. Every change is written to the audit log in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy import update as sql_update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.content import Content
from bot.domain.handoff_config import HandoffConfig, fill
from bot.domain.messages import Reply
from bot.domain.state import ConversationState
from bot.errors import MotcuaError
from bot.handoff import queue
from bot.handoff.queue import CLOSED, OPEN, HandoffRow, Line
from bot.handoff.wording import WEB, person_reply, rating_question
from bot.storage.audit import Actor, record
from bot.storage.base import ConversationKey, ConversationTx
from bot.storage.sql import SqlStore
from bot.storage.tables import Outbox

CLOSED_SHOWN = dt.timedelta(days=1)  # closed handoffs stay listed this long (`?status=closed`)
LIST_LIMIT = 200
UPDATES_LIMIT = 50
DIRECT = frozenset({"web", "cli"})  # channels whose replies are not pushed by the service


class Staff(Protocol):
    """A signed-in staff member (bot.admin.auth.Account)."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def ward(self) -> str | None: ...


class HandoffNotFound(MotcuaError):
    def __init__(self, handoff_id: int) -> None:
        self.handoff_id = handoff_id
        super().__init__(f"handoff {handoff_id} does not exist or belongs to another ward")


class HandoffConflict(MotcuaError):
    """The handoff is not in a state that allows this (claimed by someone else, already closed...)."""

    def __init__(self, row: HandoffRow, action: str) -> None:
        self.handoff_id, self.status, self.claimed_by = row.id, row.status, row.claimed_by
        self.action = action  # what was tried: "claim", "reply to" or "hand back"
        held = f", held by {row.claimed_by}" if row.claimed_by and row.status == queue.ACTIVE else ""
        super().__init__(f"cannot {action} handoff {row.id}: it is {row.status}{held}")


def same_ward(a: str | None, b: str | None) -> bool:
    def norm(s: str) -> str:
        return " ".join(unicodedata.normalize("NFC", s).casefold().split())

    return a is not None and b is not None and norm(a) == norm(b)


def sees(staff: Staff, row: HandoffRow) -> bool:
    """Volunteers take handoffs in their ward only; officials and admins see all of them."""
    return str(staff.role) != "volunteer" or same_ward(staff.ward, row.ward)


class HandoffInbox:
    """Built by `HandoffDesk.inbox`, which hands over what the staff side shares with the citizen side."""

    def __init__(
        self,
        store: SqlStore,
        *,
        clock: Callable[[], dt.datetime],
        config: Callable[[], HandoffConfig],
        content: Callable[[], Content],
        deliver: Callable[[ConversationKey], Awaitable[None]],
    ) -> None:
        self.store = store
        self.clock, self.config, self.content, self.deliver = clock, config, content, deliver

    # --- reading -----------------------------------------------------------------------------------
    async def items(self, staff: Staff, status: str | None = None) -> list[dict[str, Any]]:
        """Waiting and active handoffs (or those of `status`), longest waiting first, with transcripts."""
        statuses = OPEN if status in (None, "open") else (str(status),)
        since = self.clock() - CLOSED_SHOWN if CLOSED in statuses else None
        async with self.store.unit(write=False) as conn:
            rows = [r for r in await queue.listing(conn, statuses, since, LIST_LIMIT) if sees(staff, r)]
            lines = await queue.transcripts(conn, [r.id for r in rows])
        return [self._item(row, lines[row.id]) for row in rows]

    async def _visible(self, handoff_id: int, staff: Staff) -> HandoffRow:
        async with self.store.unit(write=False) as conn:
            row = await queue.get(conn, handoff_id)
        if row is None or not sees(staff, row):
            raise HandoffNotFound(handoff_id)
        return row

    # --- acting ------------------------------------------------------------------------------------
    async def claim(self, handoff_id: int, staff: Staff) -> dict[str, Any]:
        key = (await self._visible(handoff_id, staff)).key
        async with self.store.conversation(key) as tx:
            conn, now = tx.connection, self.clock()
            if not await queue.claim(conn, handoff_id, staff.id, staff.name, now):
                raise HandoffConflict(await self._row(conn, handoff_id), "claim")
            text = fill(self.config().messages.claimed, {"person": staff.name})
            await self._send(tx, handoff_id, [Reply(text)], now)
            await record(conn, Actor(staff.id, staff.name), "handoff.claim", f"handoff:{handoff_id}", at=now)
        await self._deliver(key)
        return await self._view(handoff_id)

    async def reply(self, handoff_id: int, staff: Staff, text: str) -> dict[str, Any]:
        key = (await self._visible(handoff_id, staff)).key
        async with self.store.conversation(key) as tx:
            conn, now = tx.connection, self.clock()
            row = await self._row(conn, handoff_id)
            if row.status != queue.ACTIVE or row.claimed_by_id != staff.id:
                raise HandoffConflict(row, "reply to")
            message = person_reply(self.config(), text, staff.name)
            (outbox,) = await tx.add_replies([message.to_json()], None)
            await queue.add_line(conn, handoff_id, Line("person", text, now, staff.name), outbox.id)
            detail = f"{len(text)} characters"
            await record(
                conn, Actor(staff.id, staff.name), "handoff.reply", f"handoff:{handoff_id}", detail, now
            )
        await self._deliver(key)
        return await self._view(handoff_id)

    async def release(self, handoff_id: int, staff: Staff) -> dict[str, Any]:
        """Hand back to the bot. The holder (or an admin) may release an active handoff; anyone who sees
        a waiting one may, e.g. when the bot can answer it. A citizen a person answered is asked to rate."""
        key = (await self._visible(handoff_id, staff)).key
        async with self.store.conversation(key) as tx:
            conn, now = tx.connection, self.clock()
            row = await self._row(conn, handoff_id)
            held_by_other = row.status == queue.ACTIVE and row.claimed_by_id != staff.id
            if row.status == CLOSED or (held_by_other and str(staff.role) != "admin"):
                raise HandoffConflict(row, "hand back")
            config, content = self.config(), self.content()
            answered = await queue.person_replied(conn, handoff_id)
            await queue.close(conn, handoff_id, "person", now, rating_pending=answered)
            replies = [Reply(config.messages.released)]
            if answered:
                replies.append(rating_question(config))  # the bot goes on once it is answered
            else:
                saved = tx.conversation.state
                turn = content.engine.resume(ConversationState.from_json(saved) if saved else None)
                await tx.save(turn.state.to_json())
                replies += turn.replies
            await self._send(tx, handoff_id, replies, now)
            await record(
                conn, Actor(staff.id, staff.name), "handoff.release", f"handoff:{handoff_id}", at=now
            )
        await self._deliver(key)
        return await self._view(handoff_id)

    async def _view(self, handoff_id: int) -> dict[str, Any]:
        async with self.store.unit(write=False) as conn:
            row = await self._row(conn, handoff_id)
            lines = await queue.transcripts(conn, [handoff_id])
        return self._item(row, lines[handoff_id])

    def _item(self, row: HandoffRow, lines: list[Line]) -> dict[str, Any]:
        """The item with its procedure's name: staff recognise "Đăng ký khai sinh", not "khai-sinh"."""
        item = _item(row, lines)
        found = self.content().catalogue.get(row.procedure) if row.procedure else None
        item["procedure_name"] = found.name if found else None
        return item

    async def _row(self, conn: AsyncConnection, handoff_id: int) -> HandoffRow:
        row = await queue.get(conn, handoff_id)
        if row is None:
            raise HandoffNotFound(handoff_id)
        return row

    async def _send(
        self, tx: ConversationTx, handoff_id: int, replies: list[Reply], now: dt.datetime
    ) -> None:
        """The bot's words to the citizen: into the outbox (delivered after the block) and the transcript."""
        outbox = await tx.add_replies([r.to_json() for r in replies], None)
        for reply, entry in zip(replies, outbox, strict=True):
            await queue.add_line(tx.connection, handoff_id, Line("bot", reply.text, now), entry.id)

    async def _deliver(self, key: ConversationKey) -> None:
        if key.channel not in DIRECT:
            await self.deliver(key)
            return
        # The web page fetches these by cursor: written is delivered, so they never wait in the due scan.
        async with self.store.unit(write=True) as conn:
            await conn.execute(
                sql_update(Outbox)
                .where(
                    Outbox.channel == key.channel,
                    Outbox.user_id == key.user_id,
                    Outbox.inbox_id.is_(None),
                    Outbox.delivered_at.is_(None),
                )
                .values(delivered_at=self.clock())
            )

    # --- the web page ------------------------------------------------------------------------------
    async def updates(self, user_id: str, after: int | None) -> dict[str, Any]:
        """What reached a web citizen outside their own turns (a person's replies, handing back), after
        the cursor `after` (an outbox id); without a cursor, none: only the cursor to start from.

        Reading changes nothing: those replies were marked delivered when written (`_deliver`), the page
        being their mailbox. `handoff` says whether the page should keep asking: read before the
        messages, so the ones that close a handoff are never missed."""
        key = ConversationKey(WEB, user_id)
        async with self.store.unit(write=False) as conn:
            current = await queue.latest(conn, key)
            mine = (Outbox.channel == WEB, Outbox.user_id == user_id, Outbox.inbox_id.is_(None))
            rows: list[Any] = []
            if after is not None:
                query = select(Outbox.id, Outbox.reply).where(*mine, Outbox.id > after)
                rows = list((await conn.execute(query.order_by(Outbox.id).limit(UPDATES_LIMIT))).all())
            newest = (await conn.execute(select(func.max(Outbox.id)).where(*mine))).scalar()
        cursor = rows[-1].id if rows else (after if after is not None else newest or 0)
        state = current.status if current is not None and current.is_open else None
        return {"messages": [row.reply for row in rows], "after": cursor, "handoff": state}


def _item(row: HandoffRow, lines: list[Line]) -> dict[str, Any]:
    """One inbox item as the admin API returns it."""
    return {
        "id": row.id,
        "channel": row.key.channel,
        "status": row.status,
        "ward": row.ward,
        "procedure": row.procedure,
        "waiting_since": row.created_at.isoformat(),
        "claimed_by": row.claimed_by,
        "transcript": [{"who": ln.who, "text": ln.text, "at": ln.at.isoformat()} for ln in lines],
    }
