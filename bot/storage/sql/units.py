"""Units of work for `SqlStore`: a connection in a transaction that commits when the block ends.

How a unit gets its connection depends on the database, because each handles concurrent writers
differently:

- PostgreSQL: a pooled connection per unit; the database locks rows, so units run side by side.
- SQLite file: readers take pooled connections (WAL lets them read while someone writes). Writers take
  turns on ONE connection kept open for them, queued in this process:
  * SQLite has one write lock per database. Writers on several pooled connections would wait for it in
    SQLite's busy handler, which sleeps 1, 2, 5 ... up to 100 ms between tries: under load, most of a
    turn's latency. Queued here, each starts the moment the one before ends.
  * Checking a connection out of the pool and back (with its reset) costs more than the write itself;
    a connection kept open skips that.
  * Short writes (`Units.write`: accepting a message, claiming and marking replies) queued while another
    transaction runs share the next one: one BEGIN and COMMIT for all of them (group commit). Under
    load that halves the cost of each; alone, a write goes through at once, no waiting for company.
  Another process (a second worker, `motcua chat`) still waits for the lock in SQLite's busy handler,
  with BEGIN IMMEDIATE (see database.py).
- SQLite :memory:: a single shared connection, so every unit, read or write, takes its turn.

The admin side (users, sign-in, content revisions, audit) uses these units too. Content revisions must
also be written one at a time across processes: on PostgreSQL `lock_content` takes a transaction-scoped
advisory lock; on SQLite the IMMEDIATE write transaction already is that lock.

Never open a write unit (or, on :memory:, any unit) inside another unit or a conversation block of the
same store: on SQLite it would wait for the one writer connection its own caller holds (it fails after
busy_timeout rather than hang). Work that must commit with a turn uses the block's connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, nullcontext
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.errors import StorageError
from bot.storage.database import BEGIN_OPTION, IMMEDIATE, SQLITE_BUSY_TIMEOUT_MS

log = logging.getLogger("motcua.storage")

# Any constant shared by all Motcua processes, distinct from the migration lock's.
_PG_CONTENT_LOCK = 0x6D6F7463756102  # "motcua" + 2

T = TypeVar("T")
# A short write: statements on the connection it is given, never raising for an expected outcome (it
# returns it, e.g. a row count), because an exception rolls back every write sharing its transaction.
Job = Callable[[AsyncConnection], Awaitable[T]]


def storage_error(exc: SQLAlchemyError) -> StorageError:
    # The first line names the driver error; the rest would repeat statement parameters.
    return StorageError(f"database error: {str(exc).splitlines()[0]}")


class Units:
    def __init__(self, engine: AsyncEngine, single_connection: bool) -> None:
        self._engine = engine
        self._sqlite = engine.dialect.name == "sqlite"
        self._postgres = engine.dialect.name == "postgresql"
        self._turns: asyncio.Lock | None = asyncio.Lock() if single_connection else None
        self._writers: asyncio.Lock | None = (
            asyncio.Lock() if self._sqlite and not single_connection else None
        )
        self._writer: AsyncConnection | None = None
        self._jobs: list[tuple[Job[Any], asyncio.Future[Any]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def write(self, job: Job[T]) -> T:
        """Run a short write in a transaction; on a SQLite file, maybe together with others (group
        commit). Returns once its transaction has committed."""
        if self._writers is None:
            async with self.unit(write=True) as conn:
                return await job(conn)
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._jobs.append((job, done))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(self._flush())
        return await asyncio.shield(done)  # a caller that gives up does not cancel the others' commit

    async def single(self, job: Job[T]) -> T:
        """A write whose statements each stand on their own (usually there is one). On PostgreSQL it runs
        in autocommit: each statement is its own transaction, which saves the BEGIN and COMMIT round
        trips a transaction costs (psycopg sends each on its own). On SQLite it is an ordinary `write`."""
        if not self._postgres:
            return await self.write(job)
        try:
            async with self._engine.connect() as conn:
                await conn.execution_options(isolation_level="AUTOCOMMIT")
                return await job(conn)
        except SQLAlchemyError as exc:
            raise storage_error(exc) from exc

    async def _flush(self) -> None:
        jobs: list[tuple[Job[Any], asyncio.Future[Any]]] = []
        try:
            while self._jobs:
                jobs, self._jobs = self._jobs, []
                await self._run_shared(jobs)
        except asyncio.CancelledError:  # the loop is shutting down: nobody may wait for ever
            for _, done in [*jobs, *self._jobs]:
                _settle(done, exc=StorageError("the store closed before this write committed"))
            self._jobs = []
            raise

    async def _run_shared(self, jobs: list[tuple[Job[Any], asyncio.Future[Any]]]) -> None:
        try:
            async with self._writer_unit() as conn:
                results = [await job(conn) for job, _ in jobs]
        except Exception as exc:
            if len(jobs) == 1:
                _settle(jobs[0][1], exc=exc)
                return
            # One bad write must not fail the others it happened to share a transaction with.
            log.warning("a shared write failed (%s); running its %d writes one by one", exc, len(jobs))
            for job, done in jobs:
                try:
                    async with self._writer_unit() as conn:
                        result = await job(conn)
                except Exception as single:  # handed to its caller
                    _settle(done, exc=single)
                else:
                    _settle(done, result=result)  # only now: its transaction has committed
            return
        for (_, done), result in zip(jobs, results, strict=True):
            _settle(done, result=result)

    @asynccontextmanager
    async def unit(self, write: bool) -> AsyncIterator[AsyncConnection]:
        """A connection in a transaction that commits when the block ends, and rolls back on an error."""
        if write and self._writers is not None:
            async with self._writer_unit() as conn:
                yield conn
            return
        async with self._turns or nullcontext():
            try:
                async with self._engine.connect() as conn:
                    if write and self._sqlite:
                        await conn.execution_options(**{BEGIN_OPTION: IMMEDIATE})
                    async with conn.begin():
                        yield conn
            except SQLAlchemyError as exc:
                raise storage_error(exc) from exc

    @asynccontextmanager
    async def _writer_unit(self) -> AsyncIterator[AsyncConnection]:
        assert self._writers is not None
        try:
            # As long as SQLite itself would wait (busy_timeout): a write unit that waited for another
            # in the same task would otherwise hang for ever instead of failing.
            async with asyncio.timeout(SQLITE_BUSY_TIMEOUT_MS / 1000):
                await self._writers.acquire()
        except TimeoutError:
            raise StorageError("database error: database is locked (another write did not finish)") from None
        try:
            conn = await self._writer_connection()
            try:
                async with conn.begin():
                    yield conn
            except (SQLAlchemyError, asyncio.CancelledError) as exc:
                # A failed or interrupted statement may leave the connection in any state: the next
                # writer starts on a fresh one. (An error raised by the caller's own code was rolled back
                # by begin() and leaves the connection fine.)
                await self._drop_writer()
                if isinstance(exc, SQLAlchemyError):
                    raise storage_error(exc) from exc
                raise
        finally:
            self._writers.release()

    async def _writer_connection(self) -> AsyncConnection:
        if self._writer is None:
            try:
                conn = await self._engine.connect()
                await conn.execution_options(**{BEGIN_OPTION: IMMEDIATE})
            except SQLAlchemyError as exc:
                raise storage_error(exc) from exc
            self._writer = conn
        return self._writer

    async def _drop_writer(self) -> None:
        conn, self._writer = self._writer, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.invalidate()

    async def close(self) -> None:
        """Finish queued writes and release the kept connection (the pool is the store's to dispose of)."""
        if self._writers is None:
            return
        if self._flusher is not None:
            with contextlib.suppress(Exception):
                await self._flusher
        async with self._writers:
            conn, self._writer = self._writer, None
            if conn is not None:
                with contextlib.suppress(SQLAlchemyError):
                    await conn.close()


def _settle(done: asyncio.Future[Any], *, result: Any = None, exc: BaseException | None = None) -> None:
    if done.done():
        return
    if exc is not None:
        done.set_exception(exc)
    else:
        done.set_result(result)


async def lock_content(conn: AsyncConnection) -> None:
    """Make content writers take turns until this transaction ends (see the module docstring)."""
    if conn.dialect.name == "postgresql":
        await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_CONTENT_LOCK})
