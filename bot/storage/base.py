"""The storage interface the service relies on, with plain records.

Two implementations: `SqlStore` (SQLAlchemy 2.0: SQLite by default, PostgreSQL in production) and
`MemoryStore` (an in-memory twin for unit tests). Both keep the same promises:

- Inbox: an accepted incoming message is written before the webhook answers 200, keyed by a channel
  dedupe key (Zalo msg_id, Telegram update_id), so redelivery is recognised and a crash loses nothing.
- Conversation: state is read and written under a per-conversation lock (a row lock on PostgreSQL), so
  two messages from one citizen are handled one after the other, also across worker processes.
- Outbox: replies are recorded in the same transaction as the new state, then delivered and marked;
  undelivered ones are retried with back-off. A worker *claims* replies before sending them
  (`claim_outbox`): one atomic step that leases them to it alone, so two workers never send one reply,
  and a conversation's later replies wait until the earlier ones are done, so they arrive in order.
- Events: one row per turn for analytics, with ID-card and phone numbers already masked by the caller.
- Secrets: channel tokens (Zalo's single-use refresh token) replaced atomically under a shared lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

# How long a claimed reply stays the claimer's alone. Sending takes milliseconds, but one HTTP call may
# take up to its timeout (15 s for Zalo) and a long reply is several calls; a lease that ran out while
# the send was still under way would let a second worker send the reply again. The cost of a long lease:
# a worker killed mid-send leaves its claimed replies waiting this long before another worker takes them.
CLAIM_SECONDS = 30.0
CLAIM_BATCH = 20  # replies claimed at once: a turn has a few; a backlog is worked through in rounds


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class ConversationKey:
    channel: str  # "web", "zalo", "telegram", "messenger", "cli"
    user_id: str

    def __str__(self) -> str:
        return f"{self.channel}:{self.user_id}"


@dataclass(slots=True)
class InboxItem:
    id: int
    key: ConversationKey
    dedupe_key: str
    incoming: dict[str, Any]  # Incoming as JSON: {"kind", "text", "button", "payload"}
    received_at: dt.datetime


@dataclass(slots=True)
class OutboxItem:
    id: int
    key: ConversationKey
    inbox_id: int | None
    seq: int  # order within one turn
    reply: dict[str, Any]  # Reply.to_json()
    attempts: int = 0
    next_attempt_at: dt.datetime | None = None
    last_error: str | None = None


@dataclass(slots=True)
class TurnEvent:
    key: ConversationKey
    flow: str
    step: str
    procedure: str | None
    incoming_kind: str
    text_masked: str  # storage masks it (records.event_row): never stored with a raw ID-card or phone number
    search_decision: str | None = None  # match | choose | none
    search_top: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    at: dt.datetime = field(default_factory=utcnow)


@dataclass(slots=True)
class StoredConversation:
    key: ConversationKey
    state: dict[str, Any] | None  # None: a new conversation
    version: int


class ConversationTx(Protocol):
    """One locked unit of work on one conversation (see `Store.conversation`)."""

    conversation: StoredConversation

    async def save(self, state: dict[str, Any]) -> None:
        """Write the new state (the version goes up by one)."""
        ...

    async def add_replies(self, replies: list[dict[str, Any]], inbox_id: int | None) -> list[OutboxItem]:
        """Record the turn's replies in the outbox, in order; returns them with their ids."""
        ...

    async def add_event(self, event: TurnEvent) -> None: ...
    async def add_feedback(self, procedure: str | None, helpful: bool, comment: str) -> None: ...
    async def mark_processed(self, inbox_id: int) -> None: ...
    async def is_processed(self, inbox_id: int) -> bool:
        """True when another worker already handled this inbox item (checked under the lock)."""
        ...

    @property
    def connection(self) -> AsyncConnection:
        """The block's own SQL connection, for work that must commit with the turn: the handoff rows
        (bot/handoff/queue.py). SQLite has a single writer, so a second connection opened inside the
        block would wait for this one. A store without SQL raises ConfigError: no handoff there."""
        ...


class Store(Protocol):
    # Inbox
    async def accept(
        self, key: ConversationKey, dedupe_key: str, incoming: dict[str, Any]
    ) -> InboxItem | None:
        """Record an incoming message; None when this dedupe_key was already accepted."""
        ...

    async def pending_inbox(self, limit: int = 100) -> list[InboxItem]:
        """Accepted messages not yet processed, oldest first (for recovery after a crash)."""
        ...

    # Conversations
    def conversation(
        self, key: ConversationKey, *, inbox_id: int | None = None
    ) -> AbstractAsyncContextManager[ConversationTx]:
        """`async with store.conversation(key) as tx:` holds the conversation's lock for the block;
        everything done through tx commits together at the end, or not at all on an exception.
        `inbox_id`: the item the block is about to process, whose `tx.is_processed` the store may then
        learn with the lock. A SQL store may raise AlreadyProcessed at the end of the block when another
        worker processed that item meanwhile (nothing of the block is kept)."""
        ...

    async def load_state(self, key: ConversationKey) -> dict[str, Any] | None: ...

    # Outbox
    async def due_outbox(self, limit: int = 100, now: dt.datetime | None = None) -> list[OutboxItem]:
        """Replies whose time has come, oldest first (records.due_items states the rule). Only a look:
        to send, claim them."""
        ...

    async def claim_outbox(
        self,
        key: ConversationKey,
        *,
        limit: int = CLAIM_BATCH,
        lease_seconds: float = CLAIM_SECONDS,
        now: dt.datetime | None = None,
    ) -> list[OutboxItem]:
        """Take this conversation's due replies for the caller alone, oldest first, in one atomic step
        that holds across worker processes.

        Each reply returned is leased: its `next_attempt_at` moves to now + lease_seconds, so no other
        claim returns it and, by the due rule, no later reply of the conversation is due either, until it
        is marked delivered or failed, released, or the lease runs out (its worker died: it is due again).
        """
        ...

    async def mark_delivered_and_claim(
        self,
        outbox_id: int,
        key: ConversationKey,
        *,
        limit: int = CLAIM_BATCH,
        lease_seconds: float = CLAIM_SECONDS,
    ) -> list[OutboxItem]:
        """`mark_delivered(outbox_id)` then `claim_outbox(key)`, in one transaction: how a sender ends
        one batch and starts the next, with one write instead of two."""
        ...

    async def release_outbox(self, items: Sequence[OutboxItem]) -> None:
        """Give back claimed replies that were not attempted: due again at once. A reply no longer under
        this claim (marked since, or claimed anew after the lease ran out) is left alone."""
        ...

    async def mark_delivered(self, outbox_id: int) -> None: ...
    async def mark_failed(self, outbox_id: int, error: str, retry_at: dt.datetime | None) -> None:
        """retry_at None: give up (the error is permanent); it is kept for the report."""
        ...

    # Channel secrets (Zalo tokens)
    async def get_secret(self, name: str) -> dict[str, Any] | None: ...
    async def update_secret(
        self, name: str, update: Callable[[dict[str, Any] | None], dict[str, Any] | None]
    ) -> dict[str, Any] | None:
        """Read-modify-write under a lock every worker shares; `update` may return None to keep it."""
        ...

    # Feedback and analytics
    def events(self, since: dt.datetime | None = None) -> AsyncIterator[TurnEvent]: ...

    async def close(self) -> None: ...
