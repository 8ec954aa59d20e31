"""One locked unit of work on one conversation, on an open SQL transaction (see `SqlStore.conversation`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.errors import StorageError
from bot.storage.base import ConversationKey, OutboxItem, StoredConversation, TurnEvent, utcnow
from bot.storage.records import event_row, feedback_row
from bot.storage.tables import Conversation, Event, Feedback, Inbox, Outbox


class SqlConversationTx:
    """Everything done here commits with the block that opened it, or not at all."""

    def __init__(
        self, conn: AsyncConnection, conversation: StoredConversation, row_id: int, salt: str
    ) -> None:
        self.conversation = conversation
        self._conn = conn
        self._row_id = row_id
        self._salt = salt
        self._next_seq = 0
        self._open = True

    @property
    def key(self) -> ConversationKey:
        return self.conversation.key

    async def save(self, state: dict[str, Any]) -> None:
        conn = self._live()
        version = self.conversation.version + 1
        await conn.execute(
            update(Conversation)
            .where(Conversation.id == self._row_id)
            .values(state=state, version=version, updated_at=utcnow())
        )
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
        await self._live().execute(insert(Event).values(event_row(event, self._salt)))

    async def add_feedback(self, procedure: str | None, helpful: bool, comment: str) -> None:
        row = feedback_row(self.key, procedure, helpful, comment, self._salt, utcnow())
        await self._live().execute(insert(Feedback).values(row))

    async def mark_processed(self, inbox_id: int) -> None:
        result = await self._live().execute(
            update(Inbox).where(Inbox.id == inbox_id).values(processed_at=utcnow())
        )
        if result.rowcount == 0:
            raise StorageError(f"inbox item {inbox_id} does not exist")

    async def is_processed(self, inbox_id: int) -> bool:
        processed_at = (
            await self._live().execute(select(Inbox.processed_at).where(Inbox.id == inbox_id))
        ).scalar()
        return processed_at is not None

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
