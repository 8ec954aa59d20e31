"""The container's entrypoint (docker/entrypoint.sh), run directly: no container engine is needed.

It must bring the schema up to date once, then *become* `motcua serve` (exec: the server gets the
container's SIGTERM), answer /healthz on loopback, leave a missing database alone when
MOTCUA_REQUIRE_DATABASE is set, and pass other commands to `motcua`.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.support.postgres import schema_or_skip
from tests.support.server import free_port

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"
MIGRATED = "motcua-entrypoint: database schema is up to date"
START_TIMEOUT = 120.0  # content is loaded and imported on a first start; the machine may be busy


def environment(extra: Mapping[str, str]) -> dict[str, str]:
    """This machine's environment without MOTCUA_* settings, the venv's `python` and `motcua` first on
    PATH (as /opt/venv/bin is in the image), and `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"
    return env | dict(extra)


def run(
    args: list[str], env: Mapping[str, str], cwd: Path, timeout: float = 120.0
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ENTRYPOINT), *args],
        env=environment(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def healthz(port: int) -> int | None:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2.0).status_code
    except httpx.HTTPError:
        return None


@contextmanager
def serving(
    env: Mapping[str, str], log: Path, cwd: Path, workers: int = 1
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """`entrypoint.sh serve` on a free loopback port, until /healthz answers 200; stopped with SIGTERM."""
    port = free_port()
    command = [
        str(ENTRYPOINT),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    env = dict(env) | {"MOTCUA_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
    with log.open("ab") as out:
        process = subprocess.Popen(
            command,
            env=environment(env),
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while healthz(port) != 200:
            assert process.poll() is None, f"exited with {process.returncode}:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"no 200 from /healthz:\n{log.read_text()}"
            time.sleep(0.1)
        yield port, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def command_line(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")


def tables(database: Path) -> set[str]:
    with sqlite3.connect(database) as connection:
        return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_serve_migrates_once_then_becomes_motcua_serve(tmp_path: Path) -> None:
    database = tmp_path / "motcua.db"
    env = {"MOTCUA_DATABASE_URL": f"sqlite:///{database}"}
    log = tmp_path / "server.log"
    with serving(env, log, tmp_path) as (port, process):
        body = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5.0).json()
        assert body["status"] == "ok" and body["procedures"] > 0
        # exec: the process the container started is now the server itself, not a shell waiting on it
        args = command_line(process.pid)
        assert "serve" in args and not any(a.endswith("entrypoint.sh") for a in args), args
        assert run(["healthcheck", str(port)], {}, tmp_path).returncode == 0
    assert process.returncode is not None
    assert log.read_text().count(MIGRATED) == 1
    assert "alembic_version" in tables(database)


@pytest.mark.postgres
def test_serve_runs_n_workers_on_postgresql_behind_one_port(tmp_path: Path) -> None:
    with schema_or_skip() as url:
        log = tmp_path / "server.log"
        with serving({"MOTCUA_DATABASE_URL": url}, log, tmp_path, workers=2) as (port, _):
            deadline = time.monotonic() + START_TIMEOUT
            while log.read_text().count("Application startup complete") < 2:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            assert all(healthz(port) == 200 for _ in range(6))
        text = log.read_text()
        assert text.count(MIGRATED) == 1  # once, before the workers; theirs find nothing to do


def test_migrate_alone_creates_the_schema_and_exits(tmp_path: Path) -> None:
    database = tmp_path / "motcua.db"
    done = run(["migrate"], {"MOTCUA_DATABASE_URL": f"sqlite:///{database}"}, tmp_path)
    assert done.returncode == 0, done.stderr
    assert MIGRATED in done.stderr
    assert "alembic_version" in tables(database)
    again = run(["migrate"], {"MOTCUA_DATABASE_URL": f"sqlite:///{database}"}, tmp_path)
    assert again.returncode == 0 and MIGRATED in again.stderr


def test_a_missing_database_is_left_alone_when_one_is_required(tmp_path: Path) -> None:
    database = tmp_path / "volume-not-mounted" / "motcua.db"
    database.parent.mkdir()
    env = {"MOTCUA_DATABASE_URL": f"sqlite:///{database}", "MOTCUA_REQUIRE_DATABASE": "true"}
    refused = run(["serve", "--host", "127.0.0.1", "--port", str(free_port())], env, tmp_path)
    assert refused.returncode != 0
    assert "MOTCUA_REQUIRE_DATABASE" in refused.stderr + refused.stdout
    assert not database.exists()


def test_the_migrate_command_creates_the_database_even_when_one_is_required(tmp_path: Path) -> None:
    database = tmp_path / "motcua.db"
    env = {"MOTCUA_DATABASE_URL": f"sqlite:///{database}", "MOTCUA_REQUIRE_DATABASE": "true"}
    done = run(["migrate"], env, tmp_path)  # the operator asks for it: the first start of a deployment
    assert done.returncode == 0, done.stderr
    assert "alembic_version" in tables(database)


def test_healthcheck_fails_when_nothing_answers(tmp_path: Path) -> None:
    assert run(["healthcheck", str(free_port())], {}, tmp_path).returncode == 1
    assert run(["healthcheck", "80; rm -rf /"], {}, tmp_path).returncode == 2


def test_other_commands_are_motcua_commands(tmp_path: Path) -> None:
    done = run(["validate"], {"MOTCUA_DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}"}, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
