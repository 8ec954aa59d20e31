"""Two worker processes on one database: a revision published through one is served by the other
within a few seconds, and their simultaneous first start imports the content once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from bot.admin import users
from bot.config import CHECKOUT
from bot.storage.audit import SYSTEM
from bot.storage.sql.store import SqlStore
from tests.support.server import free_port

PICKUP_SECONDS = 10.0  # polling every 2 s, plus loading the revision


def _official_token(url: str) -> str:
    async def make() -> str:
        store = await SqlStore.open(url, migrate=True)
        try:
            account, _link = await users.add_user(store.units, "Nguyễn Thị Lan", "official", None, SYSTEM)
            return await users.issue_api_token(store.units, account.id, "test", SYSTEM)
        finally:
            await store.close()

    return asyncio.run(make())


@contextmanager
def _workers(url: str, count: int) -> Iterator[list[str]]:
    # without the portal tier: this measures how soon a worker serves a revision, not the tier's index
    env = {**os.environ, "MOTCUA_DATABASE_URL": url, "MOTCUA_PORTAL_FILE": ""}
    ports = [free_port() for _ in range(count)]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "tests.admin.worker_app:app_factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            cwd=CHECKOUT,
            env=env,
        )
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + 90
        for process, base in zip(processes, bases, strict=True):
            while True:
                assert process.poll() is None, f"the worker at {base} exited with {process.returncode}"
                try:
                    if httpx.get(f"{base}/healthz", timeout=1.0).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, f"the worker at {base} did not start"
                time.sleep(0.2)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:  # pragma: no cover - a hung worker
                process.kill()
                process.wait()


def _says(base: str, user: str) -> str:
    reply = httpx.post(f"{base}/api/chat", json={"start": "ho-chieu"}, timeout=10).json()
    return "\n".join(m["text"] for m in reply["messages"])


@pytest.mark.e2e
def test_a_revision_published_on_one_worker_is_served_by_the_other(database_url: str) -> None:
    token = _official_token(database_url)
    auth = {"Authorization": f"Bearer {token}"}
    with _workers(database_url, 2) as (first, second):
        history = httpx.get(f"{second}/admin/api/revisions", headers=auth).json()["items"]
        assert [(r["id"], r["kind"]) for r in history] == [(1, "import")], "two workers, one import"
        assert "200.000 đ" in _says(second, "before")

        current = httpx.get(f"{first}/admin/api/procedures/ho-chieu", headers=auth).json()
        text = current["yaml"].replace("200.000 đ", "230.000 đ", 1)
        published = httpx.post(
            f"{first}/admin/api/publish",
            json={
                "file": "procedures/ho-chieu.yaml",
                "yaml": text,
                "comment": "lệ phí mới",
                "base_revision": current["revision"],
            },
            headers=auth,
            timeout=30,
        )
        assert published.status_code == 200, published.text
        started = time.monotonic()
        while "230.000 đ" not in _says(second, f"after-{time.monotonic()}"):
            assert time.monotonic() - started < PICKUP_SECONDS, "the second worker still serves the old fee"
            time.sleep(0.25)
        assert "230.000 đ" in _says(first, "first-after")
