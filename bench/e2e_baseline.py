"""The yardstick for the end-to-end benchmark: the least a web endpoint on the same stack can cost.

A minimal FastAPI app served like `motcua serve` (uvicorn, same worker count, log level info with its
access log, uvloop and httptools when installed) whose one endpoint reads one row and writes one row in
one transaction on the same database, through the same engine settings as the product
(bot.storage.database.create_engine_for: driver, pool). Posted the same signed webhook bodies by the same
load generator, its CPU per request is what a turn would cost if Motcua did nothing but one read and one
write: the ratio to it says how much of Motcua's cost is its own.

    python -m uvicorn bench.e2e_baseline:app_factory --factory   (BENCH_DATABASE_URL names the database)
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from bench.e2e_load import EVENTS, WebhookClient
from bench.e2e_server import ServerProcess
from bot.storage.database import BEGIN_OPTION, IMMEDIATE, create_engine_for, sync_url

URL_VARIABLE = "BENCH_DATABASE_URL"
ROWS = 1000  # rows to read from, so a read is a real index lookup

metadata = sa.MetaData()
counters = sa.Table(
    "bench_counters",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("value", sa.Integer, nullable=False),
)
writes = sa.Table(
    "bench_writes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("counter_id", sa.Integer, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
)


def prepare(url: str) -> None:
    """The baseline's tables, filled, before the server starts (its workers would race to create them)."""
    engine = sa.create_engine(sync_url(url))
    try:
        metadata.drop_all(engine)
        metadata.create_all(engine)
        with engine.begin() as conn:
            conn.execute(counters.insert(), [{"id": n, "name": f"c{n}", "value": n} for n in range(ROWS)])
    finally:
        engine.dispose()


def app_factory() -> FastAPI:
    engine = create_engine_for(os.environ[URL_VARIABLE])
    sqlite = engine.dialect.name == "sqlite"
    # SQLite has one writer at a time: a transaction that reads and then writes must take the write lock
    # up front (BEGIN IMMEDIATE), and writers of one process queue here rather than in SQLite's busy
    # handler, which sleeps between tries. PostgreSQL needs neither.
    writer = asyncio.Lock() if sqlite else contextlib.nullcontext()
    begin = {BEGIN_OPTION: IMMEDIATE} if sqlite else {}
    read = sa.select(counters.c.value).where(counters.c.id == sa.bindparam("id"))
    write = writes.insert()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await engine.dispose()

    app = FastAPI(lifespan=lifespan)

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        return JSONResponse({"ok": True})

    @app.post("/webhooks/zalo")
    async def webhook(request: Request) -> JSONResponse:
        body = await request.body()
        key = hash(body) % ROWS
        async with writer, engine.connect() as conn:
            await conn.execution_options(**begin)
            await conn.begin()
            value = (await conn.execute(read, {"id": key})).scalar_one()
            await conn.execute(write, {"counter_id": value, "body": body.decode(errors="replace")})
            await conn.commit()
        return JSONResponse({"ok": True})

    return app


@dataclass
class BaselineRun:
    requests: int
    seconds: float
    cpu_seconds: float
    latencies_ms: list[float]


def server(url: str, log_path: Path, workers: int) -> ServerProcess:
    command = ["-m", "uvicorn", "bench.e2e_baseline:app_factory", "--factory", "--host", "127.0.0.1"]
    command += ["--workers", str(workers), "--log-level", "info"]
    return ServerProcess({URL_VARIABLE: url}, log_path, workers, command=command)


async def measure(url: str, log_path: Path, workers: int, clients: int, seconds: float) -> BaselineRun:
    """`clients` connections posting signed webhook bodies back to back for `seconds`."""
    await asyncio.to_thread(prepare, url)
    process = server(url, log_path, workers)
    await asyncio.to_thread(process.start)
    try:
        await _post_for(process.url, clients, 1.0)  # warm up: connections, prepared statements
        cpu_before, started = process.cpu_seconds(), time.perf_counter()
        latencies = await _post_for(process.url, clients, seconds)
        elapsed = time.perf_counter() - started
        cpu = process.cpu_seconds() - cpu_before
    finally:
        await asyncio.to_thread(process.stop)
    return BaselineRun(len(latencies), elapsed, cpu, latencies)


async def _post_for(url: str, clients: int, seconds: float) -> list[float]:
    deadline = time.perf_counter() + seconds

    async def one(n: int) -> list[float]:
        client, taken = WebhookClient(url), []
        try:
            turn = 0
            while time.perf_counter() < deadline:
                raw, headers = EVENTS.signed(EVENTS.text(f"b{n}", f"hỏi lần {turn}"))
                started = time.perf_counter()
                status = await client.post("/webhooks/zalo", raw, headers)
                if status != 200:
                    raise RuntimeError(f"the baseline answered {status}")
                taken.append((time.perf_counter() - started) * 1000)
                turn += 1
        finally:
            client.close()
        return taken

    results: Sequence[list[float]] = await asyncio.gather(*(one(n) for n in range(clients)))
    return [ms for taken in results for ms in taken]
