"""`MemoryStore`: the in-memory twin of `SqlStore` for unit tests, with the same promises.

The same contract tests run against both. Like the database it copies values through JSON, masks and
pseudonymises with the same functions (records.py), and makes a conversation's work all-or-nothing: a
`MemoryConversationTx` stages its writes and applies them only when the block ends without an error.
"""

from __future__ import annotations

import datetime as dt
import inspect
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from bot.errors import ConfigError, StorageError
from bot.storage.base import (
    CLAIM_BATCH,
    CLAIM_SECONDS,
    ConversationKey,
    InboxItem,
    OutboxItem,
    StoredConversation,
    TurnEvent,
    utcnow,
)
from bot.storage.locks import KeyedLocks
from bot.storage.records import (
    DEFAULT_SALT,
    due_items,
    event_from_row,
    event_row,
    feedback_row,
    json_copy,
    masked_incoming,
    require_aware,
    stored_error,
)
from bot.storage.storable import storable_incoming

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

SecretUpdate = Callable[[dict[str, Any] | None], dict[str, Any] | Awaitable[dict[str, Any] | None] | None]


@dataclass(slots=True)
class _Outbound:
    item: OutboxItem
    delivered_at: dt.datetime | None = None
    failed_at: dt.datetime | None = None


@dataclass(slots=True)
class _Tables:
    """What the SQL tables hold, as plain Python."""

    conversations: dict[ConversationKey, tuple[dict[str, Any] | None, int]] = field(default_factory=dict)
    inbox: dict[int, InboxItem] = field(default_factory=dict)
    inbox_keys: set[tuple[str, str]] = field(default_factory=set)
    processed: dict[int, dt.datetime] = field(default_factory=dict)
    outbox: dict[int, _Outbound] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    feedback: list[dict[str, Any]] = field(default_factory=list)
    secrets: dict[str, tuple[dict[str, Any], int]] = field(default_factory=dict)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))


class MemoryConversationTx:
    def __init__(self, tables: _Tables, conversation: StoredConversation, salt: str) -> None:
        self.conversation = conversation
        self._tables = tables
        self._salt = salt
        # Staged writes, applied by commit() in one go.
        self._state: tuple[dict[str, Any], int] | None = None
        self._outbox: list[OutboxItem] = []
        self._events: list[dict[str, Any]] = []
        self._feedback: list[dict[str, Any]] = []
        self._processed: dict[int, dt.datetime] = {}
        self._open = True

    async def save(self, state: dict[str, Any]) -> None:
        self._live()
        version = self.conversation.version + 1
        self._state = (json_copy(state), version)
        self.conversation.state, self.conversation.version = state, version

    async def add_replies(self, replies: list[dict[str, Any]], inbox_id: int | None) -> list[OutboxItem]:
        self._live()
        now = utcnow()
        items = [
            OutboxItem(
                next(self._tables.ids),
                self.conversation.key,
                inbox_id,
                len(self._outbox) + offset,
                json_copy(reply),
                attempts=0,
                next_attempt_at=now,
            )
            for offset, reply in enumerate(replies)
        ]
        self._outbox.extend(items)
        return [replace(item, reply=json_copy(item.reply)) for item in items]

    async def add_event(self, event: TurnEvent) -> None:
        self._live()
        self._events.append(_json_row(event_row(event, self._salt)))

    @property
    def connection(self) -> AsyncConnection:
        """No SQL connection here, so no handoff to a person (`ConversationTx.connection`)."""
        raise ConfigError("handoff to a person needs the SQL store (MOTCUA_DATABASE_URL)")

    async def add_feedback(self, procedure: str | None, helpful: bool, comment: str) -> None:
        self._live()
        row = feedback_row(self.conversation.key, procedure, helpful, comment, self._salt, utcnow())
        self._feedback.append(_json_row(row))

    async def mark_processed(self, inbox_id: int) -> None:
        self._live()
        if inbox_id not in self._tables.inbox:
            raise StorageError(f"inbox item {inbox_id} does not exist")
        self._processed[inbox_id] = utcnow()

    async def is_processed(self, inbox_id: int) -> bool:
        self._live()
        return inbox_id in self._processed or inbox_id in self._tables.processed

    def commit(self) -> None:
        self._open = False
        if self._state is not None:
            self._tables.conversations[self.conversation.key] = self._state
        self._tables.outbox.update((item.id, _Outbound(item)) for item in self._outbox)
        self._tables.events.extend(self._events)
        self._tables.feedback.extend(self._feedback)
        self._tables.processed.update(self._processed)

    def discard(self) -> None:
        self._open = False

    def _live(self) -> None:
        if not self._open:
            raise StorageError(f"the transaction on conversation {self.conversation.key} has already ended")


def _json_row(row: dict[str, Any]) -> dict[str, Any]:
    """A row as a JSON-typed table would keep it: values copied through JSON, timestamps kept as they are."""
    times = {name: value for name, value in row.items() if isinstance(value, dt.datetime)}
    plain: dict[str, Any] = json_copy({name: value for name, value in row.items() if name not in times})
    return plain | times


class MemoryStore:
    def __init__(self, salt: str | None = None) -> None:
        self._salt = salt or DEFAULT_SALT
        self._tables = _Tables()
        self._conversation_locks = KeyedLocks()
        self._secret_locks = KeyedLocks()

    async def accept(
        self, key: ConversationKey, dedupe_key: str, incoming: dict[str, Any]
    ) -> InboxItem | None:
        # No await between the check and the insert: concurrent accepts cannot both get in.
        if (key.channel, dedupe_key) in self._tables.inbox_keys:
            return None
        item = InboxItem(
            next(self._tables.ids),
            key,
            dedupe_key,
            json_copy(masked_incoming(storable_incoming(incoming))),
            utcnow(),
        )
        self._tables.inbox_keys.add((key.channel, dedupe_key))
        self._tables.inbox[item.id] = item
        return replace(item, incoming=json_copy(item.incoming))

    async def pending_inbox(self, limit: int = 100) -> list[InboxItem]:
        pending = (
            item
            for item_id, item in sorted(self._tables.inbox.items())
            if item_id not in self._tables.processed
        )
        return [replace(item, incoming=json_copy(item.incoming)) for item in itertools.islice(pending, limit)]

    def conversation(
        self, key: ConversationKey, *, inbox_id: int | None = None
    ) -> AbstractAsyncContextManager[MemoryConversationTx]:
        return self._conversation(key)  # one process, one lock: is_processed is exact, nothing to learn

    @asynccontextmanager
    async def _conversation(self, key: ConversationKey) -> AsyncIterator[MemoryConversationTx]:
        async with self._conversation_locks.hold(key):
            state, version = self._tables.conversations.get(key, (None, 0))
            tx = MemoryConversationTx(
                self._tables, StoredConversation(key, json_copy(state), version), self._salt
            )
            try:
                yield tx
            except BaseException:
                tx.discard()
                raise
            tx.commit()

    async def load_state(self, key: ConversationKey) -> dict[str, Any] | None:
        state, _ = self._tables.conversations.get(key, (None, 0))
        return json_copy(state)  # type: ignore[no-any-return]

    async def due_outbox(self, limit: int = 100, now: dt.datetime | None = None) -> list[OutboxItem]:
        now = utcnow() if now is None else require_aware(now)
        waiting = [
            entry.item
            for _, entry in sorted(self._tables.outbox.items())
            if entry.delivered_at is None and entry.failed_at is None
        ]
        return [replace(item, reply=json_copy(item.reply)) for item in due_items(waiting, now, limit)]

    async def claim_outbox(
        self,
        key: ConversationKey,
        *,
        limit: int = CLAIM_BATCH,
        lease_seconds: float = CLAIM_SECONDS,
        now: dt.datetime | None = None,
    ) -> list[OutboxItem]:
        # No await between choosing and leasing: in one event loop that is the whole atomicity needed.
        now = utcnow() if now is None else require_aware(now)
        waiting = [
            entry.item
            for _, entry in sorted(self._tables.outbox.items())
            if entry.item.key == key and entry.delivered_at is None and entry.failed_at is None
        ]
        claimed = due_items(waiting, now, limit)
        for item in claimed:
            item.next_attempt_at = now + dt.timedelta(seconds=lease_seconds)
        return [replace(item, reply=json_copy(item.reply)) for item in claimed]

    async def mark_delivered_and_claim(
        self,
        outbox_id: int,
        key: ConversationKey,
        *,
        limit: int = CLAIM_BATCH,
        lease_seconds: float = CLAIM_SECONDS,
    ) -> list[OutboxItem]:
        await self.mark_delivered(outbox_id)  # no await inside either: one step, like a transaction
        return await self.claim_outbox(key, limit=limit, lease_seconds=lease_seconds)

    async def release_outbox(self, items: Sequence[OutboxItem]) -> None:
        now = utcnow()
        for item in items:
            entry = self._tables.outbox.get(item.id)
            if entry is None or entry.delivered_at is not None or entry.failed_at is not None:
                continue
            if entry.item.next_attempt_at == item.next_attempt_at:  # still under this very claim
                entry.item.next_attempt_at = now

    async def mark_delivered(self, outbox_id: int) -> None:
        self._outbound(outbox_id).delivered_at = utcnow()

    async def mark_failed(self, outbox_id: int, error: str, retry_at: dt.datetime | None) -> None:
        entry = self._outbound(outbox_id)
        entry.item.attempts += 1
        entry.item.last_error = stored_error(error)
        if retry_at is None:
            entry.failed_at = utcnow()
        else:
            entry.item.next_attempt_at = require_aware(retry_at)

    def _outbound(self, outbox_id: int) -> _Outbound:
        try:
            return self._tables.outbox[outbox_id]
        except KeyError:
            raise StorageError(f"outbox item {outbox_id} does not exist") from None

    async def get_secret(self, name: str) -> dict[str, Any] | None:
        value, _ = self._tables.secrets.get(name, (None, 0))
        return json_copy(value)  # type: ignore[no-any-return]

    async def update_secret(self, name: str, update: SecretUpdate) -> dict[str, Any] | None:
        async with self._secret_locks.hold(name):
            current, version = self._tables.secrets.get(name, (None, 0))
            new_value = update(json_copy(current))
            if inspect.isawaitable(new_value):
                new_value = await new_value
            if new_value is None:
                return json_copy(current)  # type: ignore[no-any-return]
            self._tables.secrets[name] = (json_copy(new_value), version + 1)
            return new_value

    async def events(self, since: dt.datetime | None = None) -> AsyncIterator[TurnEvent]:
        cutoff = None if since is None else require_aware(since)
        for row in list(self._tables.events):
            if cutoff is None or row["at"] >= cutoff:
                yield event_from_row(_json_row(row))

    async def close(self) -> None:
        """Nothing to release; the data goes with the object."""
