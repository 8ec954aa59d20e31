"""The statements `SqlStore` runs that take more than a line, and the rows they return as records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Row, Select, exists, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.dml import Insert

from bot.storage.base import ConversationKey, InboxItem, OutboxItem
from bot.storage.database import insert_ignoring_conflicts
from bot.storage.tables import Conversation, Event, Inbox, Outbox


def pending_inbox(limit: int) -> Select[Any]:
    return (
        select(Inbox.id, Inbox.channel, Inbox.user_id, Inbox.dedupe_key, Inbox.incoming, Inbox.received_at)
        .where(Inbox.processed_at.is_(None))
        .order_by(Inbox.id)
        .limit(limit)
    )


def inbox_item(row: Row[Any]) -> InboxItem:
    return InboxItem(
        row.id, ConversationKey(row.channel, row.user_id), row.dedupe_key, row.incoming, row.received_at
    )


def conversation_placeholder(dialect: str, key: ConversationKey, now: dt.datetime) -> Insert:
    """Create the conversation's row if it is missing, so that there is a row to lock."""
    values = {
        "channel": key.channel,
        "user_id": key.user_id,
        "state": None,
        "version": 0,
        "created_at": now,
        "updated_at": now,
    }
    return insert_ignoring_conflicts(dialect, Conversation, values, ["channel", "user_id"])


def locked_conversation(key: ConversationKey) -> Select[Any]:
    return (
        select(Conversation.id, Conversation.state, Conversation.version)
        .where(Conversation.channel == key.channel, Conversation.user_id == key.user_id)
        .with_for_update()  # the row lock on PostgreSQL; SQLite holds the write lock already
    )


def due_outbox(now: dt.datetime, limit: int) -> Select[Any]:
    """The rule of records.due_items in SQL: due, and not behind an earlier reply waiting for a retry."""
    earlier = aliased(Outbox)
    held_back = exists().where(
        earlier.channel == Outbox.channel,
        earlier.user_id == Outbox.user_id,
        earlier.id < Outbox.id,
        earlier.delivered_at.is_(None),
        earlier.failed_at.is_(None),
        earlier.next_attempt_at > now,
    )
    return (
        select(
            Outbox.id,
            Outbox.channel,
            Outbox.user_id,
            Outbox.inbox_id,
            Outbox.seq,
            Outbox.reply,
            Outbox.attempts,
            Outbox.next_attempt_at,
            Outbox.last_error,
        )
        .where(
            Outbox.delivered_at.is_(None),
            Outbox.failed_at.is_(None),
            or_(Outbox.next_attempt_at.is_(None), Outbox.next_attempt_at <= now),
            ~held_back,
        )
        .order_by(Outbox.id)
        .limit(limit)
    )


def outbox_item(row: Row[Any]) -> OutboxItem:
    return OutboxItem(
        id=row.id,
        key=ConversationKey(row.channel, row.user_id),
        inbox_id=row.inbox_id,
        seq=row.seq,
        reply=row.reply,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
    )


def events_page(after_id: int, since: dt.datetime | None, size: int) -> Select[Any]:
    query = select(Event).where(Event.id > after_id)
    if since is not None:
        query = query.where(Event.at >= since)
    return query.order_by(Event.id).limit(size)
