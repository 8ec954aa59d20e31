"""One locked unit of work on one conversation, on an open SQL transaction (see `SqlStore.conversation`).

On PostgreSQL the writes that end a turn (the state, the event, the inbox item marked processed) are
held back and sent as ONE statement when the block ends (`flush`, queries.turn_writes): a round trip is
most of a statement's cost there. Nothing reads those rows back inside the block; `is_processed` and
`conversation` answer from what the block holds.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.errors import AlreadyProcessed, StorageError
from bot.storage.base import ConversationKey, OutboxItem, StoredConversation, TurnEvent, utcnow
from bot.storage.records import event_row, feedback_row
from bot.storage.sql import queries
from bot.storage.tables import Conversation, Event, Feedback, Inbox, Outbox


class SqlConversationTx:
    """Everything done here commits with the block that opened it, or not at all."""

    def __init__(
        self,
        conn: AsyncConnection,
        conversation: StoredConversation,
        row_id: int,
        salt: str,
        *,
        processed: dict[int, bool] | None = None,
        defer: bool = False,
    ) -> None:
        self.conversation = conversation
        self._conn = conn
        self._row_id = row_id
        self._salt = salt
        self._next_seq = 0
        self._open = True
        self._processed = dict(processed or {})  # inbox id -> processed, as read with the lock
        self._defer = defer  # PostgreSQL: hold the turn's last writes for `flush`
        self._state: dict[str, Any] | None = None  # held back: the values of the conversation's row
        self._event: dict[str, Any] | None = None  # held back: an event row
        self._marking: int | None = None  # held back: the inbox item to mark processed

    @property
    def key(self) -> ConversationKey:
        return self.conversation.key

    async def save(self, state: dict[str, Any]) -> None:
        conn = self._live()
        version = self.conversation.version + 1
        values = {"state": state, "version": version, "updated_at": utcnow()}
        if self._defer:
            self._state = values  # a later save replaces it: only the last state is written
        else:
            await conn.execute(update(Conversation).where(Conversation.id == self._row_id).values(values))
        self.conversation.state, self.conversation.version = state, version

    async def add_replies(self, replies: list[dict[str, Any]], inbox_id: int | None) -> list[OutboxItem]:
        conn = self._live()
        if not replies:
            return []
        now = utcnow()
        first_seq = self._next_seq
        self._next_seq += len(replies)
        rows: list[dict[str, Any]] = [
            {
                "channel": self.key.channel,
                "user_id": self.key.user_id,
                "inbox_id": inbox_id,
                "seq": first_seq + offset,
                "reply": reply,
                "created_at": now,
                "attempts": 0,
                "next_attempt_at": now,
            }
            for offset, reply in enumerate(replies)
        ]
        # One round trip; sort_by_parameter_order pairs each returned id with its row.
        result = await conn.execute(insert(Outbox).returning(Outbox.id, sort_by_parameter_order=True), rows)
        ids: list[int] = list(result.scalars())
        return [
            OutboxItem(
                outbox_id, self.key, inbox_id, first_seq + offset, reply, attempts=0, next_attempt_at=now
            )
            for offset, (outbox_id, reply) in enumerate(zip(ids, replies, strict=True))
        ]

    async def add_event(self, event: TurnEvent) -> None:
        conn, row = self._live(), event_row(event, self._salt)
        if self._defer and self._event is None:
            self._event = row
            return
        if self._event is not None:  # events are read back in the order written: the held one first
            held, self._event = self._event, None
            await conn.execute(insert(Event).values(held))
        await conn.execute(insert(Event).values(row))

    async def add_feedback(self, procedure: str | None, helpful: bool, comment: str) -> None:
        row = feedback_row(self.key, procedure, helpful, comment, self._salt, utcnow())
        await self._live().execute(insert(Feedback).values(row))

    async def mark_processed(self, inbox_id: int) -> None:
        conn = self._live()
        if self._defer and self._marking is None:
            self._marking = inbox_id
        else:
            result = await conn.execute(
                update(Inbox).where(Inbox.id == inbox_id).values(processed_at=utcnow())
            )
            if result.rowcount == 0:
                raise StorageError(f"inbox item {inbox_id} does not exist")
        self._processed[inbox_id] = True

    async def is_processed(self, inbox_id: int) -> bool:
        known = self._processed.get(inbox_id)
        if known is not None:
            self._live()
            return known
        processed_at = (
            await self._live().execute(select(Inbox.processed_at).where(Inbox.id == inbox_id))
        ).scalar()
        return processed_at is not None

    async def flush(self) -> None:
        """Send the held-back writes, in one statement (the block calls this before it commits).
        Raises AlreadyProcessed when another worker marked the inbox item first: the caller's block
        then rolls back, so the turn is not applied twice."""
        if self._state is None and self._event is None and self._marking is None:
            return
        params: dict[str, Any] = {}
        if self._state is not None:
            params |= {f"w_{name}": value for name, value in self._state.items()}
            params["w_conversation"] = self._row_id
        if self._event is not None:
            params |= {f"e_{name}": self._event[name] for name in queries.EVENT_COLUMNS}
        if self._marking is not None:
            params |= {"w_inbox": self._marking, "w_processed_at": utcnow()}
        statement = queries.turn_writes(
            self._state is not None, self._event is not None, self._marking is not None
        )
        marked = (await self._live().execute(statement, params)).scalar()
        inbox_id, self._state, self._event, self._marking = self._marking, None, None, None
        if inbox_id is not None and marked == 0:
            exists = (await self._conn.execute(select(Inbox.id).where(Inbox.id == inbox_id))).first()
            if exists is None:
                raise StorageError(f"inbox item {inbox_id} does not exist")
            raise AlreadyProcessed(inbox_id)

    def close(self) -> None:
        self._open = False

    @property
    def connection(self) -> AsyncConnection:
        """The block's own connection: work that must commit with the turn (handoff rows) uses it."""
        return self._live()

    def _live(self) -> AsyncConnection:
        # Work sent after the block ended would run outside the lock, or on a connection back in the pool.
        if not self._open:
            raise StorageError(f"the transaction on conversation {self.key} has already ended")
        return self._conn
