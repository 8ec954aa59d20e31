"""The statements `SqlStore` runs that take more than a line, and the rows they return as records."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Row,
    Select,
    bindparam,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import aliased
from sqlalchemy.sql.dml import Insert, ReturningUpdate, Update

from bot.storage.base import ConversationKey, InboxItem, OutboxItem
from bot.storage.database import insert_ignoring_conflicts
from bot.storage.tables import Conversation, Event, Inbox, Outbox, UtcDateTime


def pending_inbox(limit: int) -> Select[Any]:
    return (
        select(Inbox.id, Inbox.channel, Inbox.user_id, Inbox.dedupe_key, Inbox.incoming, Inbox.received_at)
        .where(Inbox.processed_at.is_(None))
        .order_by(Inbox.id)
        .limit(limit)
    )


def pending_of(key: ConversationKey, bound: int) -> Select[Any]:
    """How many unprocessed messages the conversation has, counted up to `bound` (no further: cheap)."""
    mine = (
        select(Inbox.id)
        .where(Inbox.processed_at.is_(None), Inbox.channel == key.channel, Inbox.user_id == key.user_id)
        .limit(bound)
        .subquery()
    )
    return select(func.count()).select_from(mine)


ACCEPT_COLUMNS = ("channel", "user_id", "dedupe_key", "incoming", "received_at")


@functools.cache
def accept_pg(bounded: bool) -> Select[Any]:
    """PostgreSQL: accept a message in ONE statement, its own transaction: count the conversation's
    unprocessed messages (up to `bound`) and, only below it, insert (a redelivery's insert is a no-op).
    The row says `pending` and the new `id`: id NULL with pending >= bound is "busy", otherwise a
    redelivery. Both read one snapshot, as the count and the insert did in one transaction before.
    Parameters: in_<column> for ACCEPT_COLUMNS, and `bound`."""
    table = Inbox.__table__
    values = [bindparam(f"in_{name}", type_=table.c[name].type) for name in ACCEPT_COLUMNS]
    source = select(*values)
    pending: ColumnElement[Any] = literal(0)
    if bounded:
        mine = (
            select(Inbox.id)
            .where(
                Inbox.processed_at.is_(None),
                Inbox.channel == bindparam("in_channel"),
                Inbox.user_id == bindparam("in_user_id"),
            )
            .limit(bindparam("bound"))
            .subquery()
        )
        pending = select(func.count()).select_from(mine).scalar_subquery()
        source = source.where(pending < bindparam("bound"))
    inserted = (
        postgresql.insert(Inbox)
        .from_select(list(ACCEPT_COLUMNS), source)
        .on_conflict_do_nothing(index_elements=["channel", "dedupe_key"])
        .returning(Inbox.id)
        .cte("accepted")
    )
    return select(pending.label("pending"), select(inserted.c.id).scalar_subquery().label("id"))


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


_LOCKED_CONVERSATION = (
    select(Conversation.id, Conversation.state, Conversation.version)
    .where(Conversation.channel == bindparam("conv_channel"), Conversation.user_id == bindparam("conv_user"))
    .with_for_update()  # the row lock on PostgreSQL; SQLite holds the write lock already
)


_LOCKED_WITH_INBOX = (
    select(
        Conversation.id,
        Conversation.state,
        Conversation.version,
        select(Inbox.processed_at.is_not(None))
        .where(Inbox.id == bindparam("inbox_id"))
        .scalar_subquery()
        .label("processed"),
    )
    .where(Conversation.channel == bindparam("conv_channel"), Conversation.user_id == bindparam("conv_user"))
    .with_for_update(of=Conversation)
)


def locked_conversation(
    key: ConversationKey, inbox_id: int | None = None
) -> tuple[Select[Any], dict[str, Any]]:
    """Built once: it runs at the start of every turn. With `inbox_id`, the row also says whether that
    inbox item is processed (`processed`: NULL when there is no such item), saving a round trip.

    On PostgreSQL that flag is read in the statement's snapshot, taken before the row lock was waited
    for: a worker that processed the item while this one waited is not seen. `turn_writes` re-checks
    on the item's newest version, so such a turn rolls back instead of running twice."""
    params = {"conv_channel": key.channel, "conv_user": key.user_id}
    if inbox_id is None:
        return _LOCKED_CONVERSATION, params
    return _LOCKED_WITH_INBOX, params | {"inbox_id": inbox_id}


EVENT_COLUMNS = (
    "at",
    "channel",
    "user_hash",
    "flow",
    "step",
    "procedure",
    "incoming_kind",
    "text_masked",
    "search_decision",
    "search_top",
    "extra",
)


@functools.cache
def turn_writes(save: bool, event: bool, processed: bool) -> Select[Any]:
    """PostgreSQL: the end of a turn in ONE statement, each write a data-modifying CTE: the state saved
    (w_conversation, w_state, w_version, w_updated_at), the event logged (e_<column> for EVENT_COLUMNS),
    the inbox item marked processed (w_inbox, w_processed_at) only if nobody has marked it yet. Returns
    how many items it marked (1, or 0: missing or processed by someone else); 1 when it marks none."""
    writes = []
    if save:
        writes.append(
            update(Conversation)
            .where(Conversation.id == bindparam("w_conversation"))
            .values(
                state=bindparam("w_state"),
                version=bindparam("w_version"),
                updated_at=bindparam("w_updated_at"),
            )
            .cte("saved")
        )
    if event:
        writes.append(insert(Event).values({c: bindparam(f"e_{c}") for c in EVENT_COLUMNS}).cte("logged"))
    if not processed:
        return select(literal(1)).add_cte(*writes)
    marked = (
        update(Inbox)
        .where(Inbox.id == bindparam("w_inbox"), Inbox.processed_at.is_(None))
        .values(processed_at=bindparam("w_processed_at"))
        .returning(Inbox.id)
        .cte("marked")
    )
    return select(func.count()).select_from(marked).add_cte(*writes)


OUTBOX_COLUMNS = (
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
# pg_advisory_xact_lock(class, key): the class keeps these locks apart from any other advisory lock.
OUTBOX_CLAIM_LOCK_CLASS = 0x6D6F7401  # "mot" + 1, within int4


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
    return select(*OUTBOX_COLUMNS).where(*_ready(Outbox, now), ~held_back).order_by(Outbox.id).limit(limit)


def _ready(table: Any, now: dt.datetime | BindParameter[dt.datetime]) -> list[ColumnElement[bool]]:
    """Not delivered, not given up, and its time has come (so not under someone's claim either)."""
    return [
        table.delivered_at.is_(None),
        table.failed_at.is_(None),
        or_(table.next_attempt_at.is_(None), table.next_attempt_at <= now),
    ]


def claim_lock(key: ConversationKey) -> Select[Any]:
    """PostgreSQL: one claimer at a time per conversation, until its transaction ends.

    Needed because the due rule looks at other rows: two concurrent claims would each see, in their own
    snapshot, an earlier reply the other is claiming as still unclaimed, and the later one as not held
    back. Taken first, this lock makes the claim statement that follows start after the other claim has
    committed, and see it. (Not the conversation's row lock: claiming must not wait for a turn.)"""
    return select(func.pg_advisory_xact_lock(OUTBOX_CLAIM_LOCK_CLASS, func.hashtext(str(key))))


@functools.cache
def _claim_statement(limit: int) -> ReturningUpdate[Any]:
    """Built once per limit and reused (building it costs more than running it): every value that
    varies is a bound parameter, named apart from the columns so none is taken for a SET value."""
    now = bindparam("now", type_=UtcDateTime())
    mine, waiting = aliased(Outbox), aliased(Outbox)
    first_waiting = (
        select(func.min(waiting.id))
        .where(
            waiting.channel == bindparam("conv_channel"),
            waiting.user_id == bindparam("conv_user"),
            waiting.delivered_at.is_(None),
            waiting.failed_at.is_(None),
            waiting.next_attempt_at > now,
        )
        .scalar_subquery()
    )
    candidates = (
        select(mine.id)
        .where(
            mine.channel == bindparam("conv_channel"),
            mine.user_id == bindparam("conv_user"),
            *_ready(mine, now),
            or_(first_waiting.is_(None), mine.id < first_waiting),
        )
        .order_by(mine.id)
        .limit(limit)
    )
    claim: Update = update(Outbox).where(Outbox.id.in_(candidates), *_ready(Outbox, now))
    # The conditions are repeated on the row itself: PostgreSQL re-checks those (not the subquery) on
    # the newest version of a row another transaction changed meanwhile, e.g. marked delivered.
    return claim.values(next_attempt_at=bindparam("lease_until")).returning(*OUTBOX_COLUMNS)


def claim_outbox(
    key: ConversationKey, now: dt.datetime, until: dt.datetime, limit: int
) -> tuple[ReturningUpdate[Any], dict[str, Any]]:
    """Lease the conversation's due replies until `until`; the leased rows come back. (Statement and
    parameters, for `conn.execute`.)

    One conversation's candidates are the replies before the first one that waits (for a retry or under
    another claim), found once instead of per row as due_outbox does."""
    params = {"conv_channel": key.channel, "conv_user": key.user_id, "now": now, "lease_until": until}
    return _claim_statement(limit), params


_RELEASE = (
    update(Outbox)
    .where(
        Outbox.id.in_(bindparam("ids", expanding=True)),
        Outbox.delivered_at.is_(None),
        Outbox.failed_at.is_(None),
        Outbox.next_attempt_at == bindparam("lease_until", type_=UtcDateTime()),
    )
    .values(next_attempt_at=bindparam("released_at"))
)


def release_outbox(
    ids: list[int], lease_until: dt.datetime, now: dt.datetime
) -> tuple[Update, dict[str, Any]]:
    """Due again now, for those still under this very lease (its end time identifies it)."""
    return _RELEASE, {"ids": ids, "lease_until": lease_until, "released_at": now}


_MARK_DELIVERED = (
    update(Outbox)
    .where(Outbox.id == bindparam("outbox_id"))
    .values(delivered_at=bindparam("delivered_at", type_=UtcDateTime()))
)


def mark_delivered(outbox_id: int, at: dt.datetime) -> tuple[Update, dict[str, Any]]:
    """Built once: it runs for every message sent."""
    return _MARK_DELIVERED, {"outbox_id": outbox_id, "delivered_at": at}


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
