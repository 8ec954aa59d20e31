"""`SqlStore`: the Store on SQLAlchemy 2.0 asyncio, for SQLite (default) and PostgreSQL (production).

Locking, so that one citizen's messages are handled one at a time, also across worker processes:
- In this process, an asyncio lock per conversation (and per secret) makes waiters queue without holding
  a pooled connection.
- Across processes, PostgreSQL locks the row: insert it if missing (ON CONFLICT DO NOTHING), then
  SELECT ... FOR UPDATE, inside the transaction that does the work. SQLite has no row locks; every writing
  transaction is BEGIN IMMEDIATE, which takes the database's single write lock (see database.py).
- A SQLite :memory: database is a single shared connection, so all work on it takes turns.
How each unit of work gets its connection (and why SQLite writers queue in-process) is sql/units.py's.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, select
from sqlalchemy import update as sql_update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.errors import ConversationBusy, StorageError
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
from bot.storage.database import (
    async_url,
    create_engine_for,
    insert_ignoring_conflicts,
    is_sqlite_memory,
)
from bot.storage.locks import KeyedLocks
from bot.storage.migrate import upgrade_connection
from bot.storage.records import DEFAULT_SALT, event_from_row, masked_incoming, require_aware, stored_error
from bot.storage.sql import queries
from bot.storage.sql.tx import SqlConversationTx
from bot.storage.sql.units import Units
from bot.storage.storable import storable_incoming
from bot.storage.tables import Conversation, Inbox, Outbox, Secret

BUSY = -1  # what the accept job answers when the conversation has too many unprocessed messages
if TYPE_CHECKING:
    from bot.storage.identity import FileIdentity

SecretUpdate = Callable[[dict[str, Any] | None], dict[str, Any] | Awaitable[dict[str, Any] | None] | None]
EVENTS_PAGE = 500


class SqlStore:
    def __init__(
        self, engine: AsyncEngine, salt: str = DEFAULT_SALT, single_connection: bool = False
    ) -> None:
        self._engine = engine
        self._salt = salt
        self._dialect = engine.dialect.name
        self._conversation_locks = KeyedLocks()
        self._secret_locks = KeyedLocks()
        self._units = Units(engine, single_connection)
        # Accepted, unprocessed messages one conversation may have; beyond it `accept` raises
        # ConversationBusy (a flood from one sender cannot fill the inbox). None: no bound.
        self.max_pending: int | None = None
        # Set by bot.storage.identity.open_checked: the SQLite file and the database's own id at start.
        self.file_identity: FileIdentity | None = None
        self.database_id: str | None = None

    @classmethod
    async def open(
        cls,
        url: str,
        *,
        salt: str | None = None,
        migrate: bool = False,
        echo: bool = False,
        pool_size: int | None = None,
    ) -> SqlStore:
        """Connect to MOTCUA_DATABASE_URL; `migrate` first brings the schema up to date.

        `salt` keys the pseudonyms in events and feedback (MOTCUA_SECRET_SALT in production);
        `pool_size`: PostgreSQL connections kept open (MOTCUA_DATABASE_POOL_SIZE)."""
        engine = create_engine_for(url, echo=echo, pool_size=pool_size)
        store = cls(engine, salt or DEFAULT_SALT, single_connection=is_sqlite_memory(async_url(url)))
        if migrate:
            try:
                await store.migrate()
            except BaseException:
                await engine.dispose()
                raise
        return store

    @property
    def engine(self) -> AsyncEngine:
        """The underlying engine, for health checks and tests that inspect the tables directly."""
        return self._engine

    async def migrate(self) -> None:
        """Run the Alembic migrations on this store's own connection (so also a :memory: database)."""
        async with self.unit(write=True) as conn:
            await conn.run_sync(upgrade_connection)

    async def close(self) -> None:
        await self._units.close()
        await self._engine.dispose()

    # Inbox

    async def accept(
        self, key: ConversationKey, dedupe_key: str, incoming: dict[str, Any]
    ) -> InboxItem | None:
        """The citizen's text is stored masked (records.masked_incoming); the item returned is as stored."""
        stored, now = masked_incoming(storable_incoming(incoming)), utcnow()
        values = {
            "channel": key.channel,
            "user_id": key.user_id,
            "dedupe_key": dedupe_key,
            "incoming": stored,
            "received_at": now,
        }
        # The unique (channel, dedupe_key) makes a redelivery, even a concurrent one, a no-op: no row back.
        insert = insert_ignoring_conflicts(self._dialect, Inbox, values, ["channel", "dedupe_key"])

        if self.file_identity is not None:
            self.file_identity.check()  # never accept into a deleted file: the message would be lost
        bound = self.max_pending
        if self._dialect == "postgresql":
            params = {f"in_{name}": values[name] for name in queries.ACCEPT_COLUMNS} | {"bound": bound}

            async def one(conn: AsyncConnection) -> Row[Any]:
                row: Row[Any] = (await conn.execute(queries.accept_pg(bound is not None), params)).one()
                return row

            row = await self._units.single(one)
            if row.id is None and bound is not None and row.pending >= bound:
                raise ConversationBusy(key.channel)
            return None if row.id is None else InboxItem(row.id, key, dedupe_key, stored, now)

        async def job(conn: AsyncConnection) -> int | None:
            # Not raised in here: a shared (group-commit) transaction would fail for everyone in it.
            if bound is not None and (await conn.execute(queries.pending_of(key, bound))).scalar() >= bound:
                return BUSY
            inserted: int | None = (await conn.execute(insert.returning(Inbox.id))).scalar()
            return inserted

        inbox_id = await self._units.write(job)
        if inbox_id == BUSY:
            raise ConversationBusy(key.channel)
        if inbox_id is None:
            return None
        return InboxItem(inbox_id, key, dedupe_key, stored, now)

    async def pending_inbox(self, limit: int = 100) -> list[InboxItem]:
        async with self.unit(write=False) as conn:
            rows = (await conn.execute(queries.pending_inbox(limit))).all()
        return [queries.inbox_item(row) for row in rows]

    # Conversations

    def conversation(
        self, key: ConversationKey, *, inbox_id: int | None = None
    ) -> AbstractAsyncContextManager[SqlConversationTx]:
        return self._conversation(key, inbox_id)

    @asynccontextmanager
    async def _conversation(
        self, key: ConversationKey, inbox_id: int | None
    ) -> AsyncIterator[SqlConversationTx]:
        async with self._conversation_locks.hold(key), self.unit(write=True) as conn:
            # Nearly every turn is of a conversation that exists: lock it straight away, and create the
            # row (then lock it) only when there is none.
            lock = queries.locked_conversation(key, inbox_id)
            row = (await conn.execute(*lock)).one_or_none()
            if row is None:
                await conn.execute(queries.conversation_placeholder(self._dialect, key, utcnow()))
                row = (await conn.execute(*lock)).one()
            processed = {} if inbox_id is None or row.processed is None else {inbox_id: bool(row.processed)}
            tx = SqlConversationTx(
                conn,
                StoredConversation(key, row.state, row.version),
                row.id,
                self._salt,
                processed=processed,
                defer=self._dialect == "postgresql",
            )
            try:
                yield tx
                await tx.flush()
            finally:
                tx.close()

    async def load_state(self, key: ConversationKey) -> dict[str, Any] | None:
        query = select(Conversation.state).where(
            Conversation.channel == key.channel, Conversation.user_id == key.user_id
        )
        async with self.unit(write=False) as conn:
            state: dict[str, Any] | None = (await conn.execute(query)).scalar()
        return state

    # Outbox

    async def due_outbox(self, limit: int = 100, now: dt.datetime | None = None) -> list[OutboxItem]:
        """Undelivered replies whose time has come, oldest first; a reply waits while an earlier one of
        its conversation waits for a retry (records.due_items states the rule)."""
        now = utcnow() if now is None else require_aware(now)
        async with self.unit(write=False) as conn:
            rows = (await conn.execute(queries.due_outbox(now, limit))).all()
        return [queries.outbox_item(row) for row in rows]

    async def claim_outbox(
        self,
        key: ConversationKey,
        *,
        limit: int = CLAIM_BATCH,
        lease_seconds: float = CLAIM_SECONDS,
        now: dt.datetime | None = None,
    ) -> list[OutboxItem]:
        """One transaction: on PostgreSQL the conversation's claim lock, then UPDATE ... RETURNING; on
        SQLite, BEGIN IMMEDIATE already makes it the only writer."""
        now = utcnow() if now is None else require_aware(now)
        until = now + dt.timedelta(seconds=lease_seconds)

        async def job(conn: AsyncConnection) -> list[OutboxItem]:
            return await self._claim(conn, key, now, until, limit)

        return await self._units.write(job)

    async def mark_delivered_and_claim(
        self,
        outbox_id: int,
        key: ConversationKey,
        *,
        limit: int = CLAIM_BATCH,
        lease_seconds: float = CLAIM_SECONDS,
    ) -> list[OutboxItem]:
        now = utcnow()
        until = now + dt.timedelta(seconds=lease_seconds)

        async def job(conn: AsyncConnection) -> tuple[int, list[OutboxItem]]:
            marked = (await conn.execute(*queries.mark_delivered(outbox_id, now))).rowcount
            return marked, await self._claim(conn, key, now, until, limit) if marked else []

        marked, claimed = await self._units.write(job)
        if marked == 0:
            raise StorageError(f"outbox item {outbox_id} does not exist")  # nothing else changed either
        return claimed

    async def _claim(
        self, conn: AsyncConnection, key: ConversationKey, now: dt.datetime, until: dt.datetime, limit: int
    ) -> list[OutboxItem]:
        if self._dialect == "postgresql":
            await conn.execute(queries.claim_lock(key))
        rows = (await conn.execute(*queries.claim_outbox(key, now, until, limit))).all()
        return sorted((queries.outbox_item(row) for row in rows), key=lambda item: item.id)

    async def release_outbox(self, items: Sequence[OutboxItem]) -> None:
        by_lease: dict[dt.datetime, list[int]] = {}
        for item in items:
            if item.next_attempt_at is not None:
                by_lease.setdefault(item.next_attempt_at, []).append(item.id)
        if not by_lease:
            return
        now = utcnow()

        async def job(conn: AsyncConnection) -> None:
            for lease_until, ids in by_lease.items():
                await conn.execute(*queries.release_outbox(ids, lease_until, now))

        # Each release stands on its own (a lease it no longer matches is left alone), so several need
        # no common transaction either.
        await self._units.single(job)

    async def mark_delivered(self, outbox_id: int) -> None:
        async def job(conn: AsyncConnection) -> int:
            result = await conn.execute(*queries.mark_delivered(outbox_id, utcnow()))
            return result.rowcount

        if await self._units.single(job) == 0:
            raise StorageError(f"outbox item {outbox_id} does not exist")

    async def mark_failed(self, outbox_id: int, error: str, retry_at: dt.datetime | None) -> None:
        outcome: dict[str, Any] = (
            {"failed_at": utcnow()} if retry_at is None else {"next_attempt_at": require_aware(retry_at)}
        )
        await self._update_outbox(
            outbox_id, attempts=Outbox.attempts + 1, last_error=stored_error(error), **outcome
        )

    async def _update_outbox(self, outbox_id: int, **values: Any) -> None:
        async def job(conn: AsyncConnection) -> int:
            result = await conn.execute(sql_update(Outbox).where(Outbox.id == outbox_id).values(**values))
            return result.rowcount

        if await self._units.single(job) == 0:
            raise StorageError(f"outbox item {outbox_id} does not exist")

    # Channel secrets

    async def get_secret(self, name: str) -> dict[str, Any] | None:
        async with self.unit(write=False) as conn:
            value: dict[str, Any] | None = (
                await conn.execute(select(Secret.value).where(Secret.name == name))
            ).scalar()
        return value

    async def update_secret(self, name: str, update: SecretUpdate) -> dict[str, Any] | None:
        """Read-modify-write of one secret, one caller at a time across processes.

        `update` may be a coroutine function: refreshing a Zalo token is an HTTP call that must run
        inside the lock, since the refresh token it spends works only once."""
        async with self._secret_locks.hold(name), self.unit(write=True) as conn:
            placeholder = {"name": name, "value": None, "version": 0, "updated_at": utcnow()}
            await conn.execute(insert_ignoring_conflicts(self._dialect, Secret, placeholder, ["name"]))
            row = (
                await conn.execute(
                    select(Secret.value, Secret.version).where(Secret.name == name).with_for_update()
                )
            ).one()
            new_value = update(row.value)
            if inspect.isawaitable(new_value):
                new_value = await new_value
            if new_value is None:
                return row.value  # type: ignore[no-any-return]
            await conn.execute(
                sql_update(Secret)
                .where(Secret.name == name)
                .values(value=new_value, version=row.version + 1, updated_at=utcnow())
            )
            return new_value

    # Analytics

    async def events(self, since: dt.datetime | None = None) -> AsyncIterator[TurnEvent]:
        """Events in the order they were written, read a page at a time so no connection stays busy
        while the caller works; each event's key carries the pseudonym, not the user id."""
        after_id = 0
        cutoff = None if since is None else require_aware(since)
        while True:
            async with self.unit(write=False) as conn:
                page = queries.events_page(after_id, cutoff, EVENTS_PAGE)
                rows = (await conn.execute(page)).mappings().all()
            for row in rows:
                yield event_from_row(dict(row))
            if len(rows) < EVENTS_PAGE:
                return
            after_id = rows[-1]["id"]

    # Connections

    @property
    def units(self) -> Units:
        """The store's units of work: the admin side writes through them too, so on a SQLite file its
        writes queue with the turns' on the one writer connection (sql/units.py)."""
        return self._units

    def unit(self, write: bool) -> AbstractAsyncContextManager[AsyncConnection]:
        """A connection in a transaction that commits when the block ends (sql/units.py)."""
        return self._units.unit(write)
