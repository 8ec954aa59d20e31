"""`motcua serve` as a child process on 127.0.0.1, for the end-to-end benchmark and the resilience tests.

A real child process, not a thread: the benchmark must measure the server's own CPU and memory, and the
resilience tests kill it with SIGKILL mid-load, which a thread cannot survive. The child gets its own
session (process group), so `kill()` also ends the worker processes of `--workers N` and nothing else.
Everything it is told comes through MOTCUA_* variables, the way a deployment configures it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")

# The Zalo app and OA the fake platform and the server agree on (any values do; these look like Zalo's).
ZALO_APP_ID, ZALO_OA_ID = "2553928453557884079", "3662729599332560487"
ZALO_APP_SECRET, ZALO_OA_SECRET = "app-secret-bench", "oa-secret-key-bench"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def zalo_env(database_url: str, zalo_base: str, *, poll_seconds: float = 0.2) -> dict[str, str]:
    """The MOTCUA_* variables of a server on `database_url` whose Zalo platform is at `zalo_base`."""
    return {
        "MOTCUA_DATABASE_URL": database_url,
        "MOTCUA_ZALO_APP_ID": ZALO_APP_ID,
        "MOTCUA_ZALO_APP_SECRET": ZALO_APP_SECRET,
        "MOTCUA_ZALO_OA_SECRET_KEY": ZALO_OA_SECRET,
        "MOTCUA_ZALO_ACCESS_TOKEN": "at-0",
        "MOTCUA_ZALO_REFRESH_TOKEN": "rt-0",
        "MOTCUA_ZALO_OPENAPI_BASE": zalo_base,
        "MOTCUA_ZALO_OAUTH_BASE": zalo_base,
        "MOTCUA_OUTBOX_POLL_SECONDS": str(poll_seconds),
    }


@dataclass
class ServerProcess:
    """One `python -m bot.cli serve` and, with workers > 1, its worker processes."""

    env: Mapping[str, str]
    log_path: Path
    workers: int = 1
    # What runs after `python`: `motcua serve` by default; the bench's baseline app otherwise (it is
    # given `--port`). `cwd`: the checkout to run, so a benchmark can run an older copy of the code.
    command: Sequence[str] = ("-m", "bot.cli", "serve")
    cwd: Path = ROOT
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> ServerProcess:
        """Start the server and return once /healthz answers 200 (every worker has started up)."""
        command = [sys.executable, *self.command, "--port", str(self.port)]
        if "--workers" not in self.command:
            command += ["--workers", str(self.workers)]
        env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")} | dict(self.env)
        env["PYTHONUNBUFFERED"] = "1"
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=self.cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while not self._healthy():
            if self.process.poll() is not None:
                raise RuntimeError(f"motcua serve exited with {self.process.returncode}:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"motcua serve did not answer /healthz in {timeout} s:\n{self.log_tail()}")
            time.sleep(0.05)
        if self.workers > 1:
            self._wait_for_workers(deadline)
        return self

    def _healthy(self) -> bool:
        try:
            return httpx.get(f"{self.url}/healthz", timeout=1.0).status_code == 200
        except httpx.HTTPError:
            return False

    def _wait_for_workers(self, deadline: float) -> None:
        # /healthz answers as soon as one worker is up; a benchmark of N workers must wait for all N.
        while self.log_path.read_text(errors="replace").count("Application startup complete") < self.workers:
            if time.monotonic() > deadline:
                raise RuntimeError(f"not every worker started:\n{self.log_tail()}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL the server and its workers at once: no shutdown code runs, as in a power cut."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self, timeout: float = 15.0) -> None:
        """A graceful stop (SIGTERM), then SIGKILL if it takes longer than `timeout`."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def pids(self) -> list[int]:
        """The server process and every process below it."""
        if self.process is None or self.process.poll() is not None:
            return []
        found, frontier = [self.process.pid], [self.process.pid]
        while frontier:
            pid = frontier.pop()
            for task in Path(f"/proc/{pid}/task").glob("*/children"):
                try:
                    children = [int(c) for c in task.read_text().split()]
                except (OSError, ValueError):
                    continue
                found += children
                frontier += children
        return found

    def cpu_seconds(self) -> float:
        """User + system CPU time used so far by the server and its workers."""
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 of stat)
        return total / CLOCK_TICKS

    def rss_bytes(self) -> int:
        """Resident memory of the server and its workers, now."""
        total = 0
        for pid in self.pids():
            try:
                total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_BYTES
            except (OSError, ValueError, IndexError):
                continue
        return total

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"
