"""Zalo's API failing now and then — HTTP 500, error -32 (rate limit), calls that hang until the sender
gives up — while citizens keep writing: every reply is still delivered, once and in order, after backing
off; and webhooks are answered while the sends hang, because answering never waits for sending.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from pathlib import Path

import pytest

from bench.e2e_load import FakePlatform, WebhookClient, post_until_answered, zalo_event
from bench.e2e_server import ServerProcess, zalo_env
from bot.domain.messages import Incoming
from tests.fakes.zalo_server import Answer, http_status, zalo_error
from tests.resilience.support import citizens, outbox_rows, query, talk

pytestmark = pytest.mark.e2e

HANGING = 2  # sends held until the test ends; the server's sender gives up on each after 15 s
REPLY_TIMEOUT = 60.0


def failures(count: int, seed: int) -> list[Answer]:
    """Answers for the next `count` sends: mostly success, some HTTP 500, a few -32, in a seeded order."""
    rng = random.Random(seed)
    return [
        http_status(500) if (draw := rng.random()) < 0.2 else zalo_error(-32) if draw < 0.27 else Answer()
        for _ in range(count)
    ]


async def test_replies_get_through_a_flaky_zalo_and_webhooks_never_wait(tmp_path: Path) -> None:
    people = citizens(8, 6, seed=23, prefix="f")
    bystanders = [f"by{n}" for n in range(5)]
    database = f"sqlite:///{tmp_path / 'motcua.db'}"
    async with FakePlatform() as platform:
        platform.hangs.catch(HANGING)
        platform.fake.script(*failures(120, seed=5))
        server = ServerProcess(zalo_env(database, platform.url), tmp_path / "server.log")
        await asyncio.to_thread(server.start)
        try:
            load = asyncio.get_running_loop().create_task(
                talk(server.url, people, platform.deliveries, REPLY_TIMEOUT)
            )
            while platform.hangs.waiting < HANGING:
                assert not load.done(), load
                await asyncio.sleep(0.01)
            # Two sends to Zalo hang right now. New citizens write in: each webhook is answered.
            client = WebhookClient(server.url)
            answers = [
                await post_until_answered(client, zalo_event(user, Incoming.started()), give_up_after=5)
                for user in bystanders
            ]
            still_hanging = platform.hangs.waiting
            client.close()
            runs = await load
            for user in bystanders:
                await platform.deliveries.wait_for(user, 1, REPLY_TIMEOUT)
            await asyncio.sleep(1.0)  # anything sent twice would show up now
        finally:
            await asyncio.to_thread(server.stop)
        attempts, accepted = platform.fake.state.attempts, len(platform.fake.state.messages)

    assert [(a.status, a.attempts) for a in answers] == [(200, 1)] * len(bystanders)
    assert still_hanging == HANGING, "the webhooks were answered while the sends still hung"
    for person, run in zip(people, runs, strict=True):
        assert (run.sent, run.stalled) == (len(person.turns), False)
        assert all(post.attempts == 1 and post.status == 200 for post in run.posts)
        assert platform.deliveries.messages(person.user) == person.expected()  # all, in order, once
    rows = outbox_rows(database)
    for user in bystanders:
        expected = [message for row in rows if row.user_id == user for message in row.messages]
        assert expected and platform.deliveries.messages(user) == expected
    assert attempts > accepted + HANGING, "some sends should have failed and been tried again"
    assert query(database, "SELECT count(*) FROM outbox WHERE delivered_at IS NULL") == [(0,)]
    _assert_backed_off(database)


def _assert_backed_off(database: str) -> None:
    """Every reply that failed was tried again no sooner than the first back-off step (1 s), and its last
    error was recorded. (The hung sends' replies arriving at all shows they were tried again.)"""
    retried = query(
        database, "SELECT created_at, delivered_at, attempts, last_error FROM outbox WHERE attempts > 0"
    )
    assert retried, "no reply needed a second attempt"
    for created_at, delivered_at, _, _ in retried:
        waited = dt.datetime.fromisoformat(delivered_at) - dt.datetime.fromisoformat(created_at)
        assert waited >= dt.timedelta(seconds=1)
    for *_, error in retried:
        assert any(sign in str(error) for sign in ("HTTP 500", "-32", "timeout")), error
