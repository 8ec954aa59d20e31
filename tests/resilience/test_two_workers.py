"""`motcua serve --workers 2` on one PostgreSQL database: the kernel hands webhooks to either worker,
both deliver from the same outbox, and still every citizen receives each reply exactly once, in order.
Then one worker is killed mid-load: the other carries on, uvicorn starts a new one, nothing is lost.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.e2e_load import FakePlatform
from bench.e2e_server import ServerProcess, zalo_env
from tests.resilience.support import citizens, flatten, match_allowing_repeats, outbox_rows, query, talk
from tests.support.postgres import schema_or_skip

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

REPLY_TIMEOUT = 90.0  # a reply claimed by the killed worker waits out its lease (30 s)


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A fresh schema on the test PostgreSQL, dropped afterwards."""
    with schema_or_skip() as url:
        yield url


def workers_of(server: ServerProcess) -> list[int]:
    """The uvicorn worker processes (multiprocessing children running spawn_main)."""
    found = []
    for pid in server.pids():
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"multiprocessing-fork" in cmdline and b"resource_tracker" not in cmdline:
            found.append(pid)
    return found


async def test_two_workers_deliver_every_reply_exactly_once(tmp_path: Path, pg_database: str) -> None:
    people = citizens(16, 6, seed=31, prefix="w")
    async with FakePlatform() as platform:
        server = ServerProcess(zalo_env(pg_database, platform.url), tmp_path / "server.log", workers=2)
        await asyncio.to_thread(server.start)
        try:
            assert len(workers_of(server)) == 2
            runs = await talk(server.url, people, platform.deliveries, REPLY_TIMEOUT)
            await asyncio.sleep(1.5)  # both workers' delivery loops get a round in: nothing more may come
        finally:
            await asyncio.to_thread(server.stop)

    for person, run in zip(people, runs, strict=True):
        assert (run.sent, run.stalled) == (len(person.turns), False)
        assert platform.deliveries.messages(person.user) == person.expected()
    assert query(pg_database, "SELECT count(*) FROM outbox WHERE delivered_at IS NULL") == [(0,)]


async def test_a_worker_killed_mid_load_loses_nothing(tmp_path: Path, pg_database: str) -> None:
    people = citizens(10, 6, seed=37, prefix="x")
    total = sum(len(person.expected()) for person in people)
    async with FakePlatform() as platform:
        server = ServerProcess(zalo_env(pg_database, platform.url), tmp_path / "server.log", workers=2)
        await asyncio.to_thread(server.start)
        try:
            load = asyncio.get_running_loop().create_task(
                talk(server.url, people, platform.deliveries, REPLY_TIMEOUT)
            )
            while platform.deliveries.total() < total // 3:
                assert not load.done(), load
                await asyncio.sleep(0.005)
            victim = workers_of(server)[0]
            os.kill(victim, signal.SIGKILL)
            now = dt.datetime.now(dt.UTC)
            in_doubt = {
                row_id
                for (row_id,) in query(
                    pg_database,
                    "SELECT id FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL "
                    "AND next_attempt_at > ?",
                    now,
                )
            }
            runs = await load
            replacement = [pid for pid in workers_of(server) if pid != victim]
        finally:
            await asyncio.to_thread(server.stop)

    assert len(replacement) == 2, "uvicorn should have started a worker in place of the killed one"
    rows = outbox_rows(pg_database)
    for person, run in zip(people, runs, strict=True):
        assert (run.sent, run.stalled) == (len(person.turns), False)
        mine = [row for row in rows if row.user_id == person.user]
        assert flatten(mine) == person.expected()  # each turn processed once
        matches, repeated = match_allowing_repeats(
            platform.deliveries.messages(person.user), mine, in_doubt.__contains__
        )
        assert matches and set(repeated) <= in_doubt
    assert query(pg_database, "SELECT count(*) FROM inbox WHERE processed_at IS NULL") == [(0,)]
