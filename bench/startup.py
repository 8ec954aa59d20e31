"""How long a `motcua` command takes to its first answer, with the catalogue cold and cached.

    python -m bench.startup [--repeat 5] [--sizes 46,2700,5000] [--no-serve] [--no-save]

Each row runs a fresh process (`python -m bot.cli search "khai sinh"`) `--repeat` times and gives the
median wall time and the largest peak RSS. The `motcua serve` rows start a one-worker server on a database
that already holds the set as its newest revision (a first, unmeasured start imports it) and time it to its
first `/healthz` 200; their memory is the worker's RSS at that moment.

Sizes: the curated catalogue alone (no portal tier), with the real portal.json, and with portal.json
grown to about 5,000 procedures by names from bench/catalogue_gen.py (pages borrowed from real entries).
"cold" deletes the set's compiled-content cache files (bot/content/compiled.py) before every run;
"cached" runs after one that wrote them. Two floors put the
figures in context: a bare Python importing the libraries the bot is made of, and importing bot.cli.main.
Runs of the rows are interleaved round by round, so a busy machine slows every row alike.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.catalogue_gen import generate
from bench.common import (
    PORTAL_FILE,
    PROCEDURES_DIR,
    RESULTS_FILE,
    ROOT,
    Section,
    Table,
    columns,
    command_line,
    progress,
    publish,
)
from bot.config import load_settings
from bot.content.compiled import DEFAULT_DIR, cache_key
from bot.content.disk import settings_files
from bot.content.loading import load_catalogue

QUERY = "khai sinh"
SEARCH = f'motcua search "{QUERY}"'
SERVE = "motcua serve -> /healthz"
BASELINE = "(baseline)"
LIBRARIES = "import fastapi, sqlalchemy, pydantic, yaml, rapidfuzz, httpx, telegram"
DEFAULT_SIZES = (46, 2700, 5000)


@dataclass(frozen=True)
class Run:
    label: str
    procedures: int  # 0: not about a catalogue
    cache: str  # "cold", "cached" or "-"
    argv: tuple[str, ...]  # empty: a `motcua serve` run
    env: dict[str, str]
    portal: Path | None  # the portal tier file of the set ("cold" deletes its cache entry)
    code: Path | None = None  # a baseline checkout whose code runs instead of this one's


def grown_portal(size: int, folder: Path) -> Path:
    """portal.json with generated entries added until curated + portal procedures number `size`."""
    tier = json.loads(PORTAL_FILE.read_text(encoding="utf-8"))
    entries: list[dict[str, object]] = tier["procedures"]
    curated = load_catalogue(PROCEDURES_DIR)
    missing = size - len(curated) - len(entries)
    if missing > 0:
        generated = generate(curated, len(curated) + missing).catalogue.procedures()[len(curated) :]
        for n, procedure in enumerate(generated):
            donor = entries[n % len(tier["procedures"])]
            entries.append({"code": f"9.{n + 1:06d}", "name": procedure.name, "page": donor["page"]})
    tier["count"] = len(entries)
    path = folder / f"portal-{size}.json"
    path.write_text(json.dumps(tier, ensure_ascii=False), encoding="utf-8")
    return path


def environment(folder: Path, portal: Path | None, code: Path | None = None) -> dict[str, str]:
    # Bytecode is written and reused, as where the bot is installed: otherwise every process compiles the
    # bot's modules from source again (PYTHONDONTWRITEBYTECODE, which some shells set, would add ~0.4 s).
    dropped = ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_") and k not in dropped}
    if code is not None:  # another checkout's code, run by this interpreter (same libraries)
        env["PYTHONPATH"] = str(code)
    env["MOTCUA_DATABASE_URL"] = f"sqlite:///{folder / 'none.db'}"  # never created: the files on disk
    env["MOTCUA_CATALOGUE_DIR"] = str(PROCEDURES_DIR)
    env["MOTCUA_PORTAL_FILE"] = str(portal if portal is not None else folder / "no-portal.json")
    return env


def forget(run: Run, folder: Path) -> None:
    """Delete the compiled-content cache files of the run's content set."""
    settings = load_settings(
        catalogue_dir=PROCEDURES_DIR, portal_file=run.portal if run.portal else folder / "no-portal.json"
    )
    key = cache_key(settings_files(settings))
    for path in DEFAULT_DIR.glob(f"{key}.*.pickle"):
        path.unlink()


# A forked child's peak RSS counts the memory of its parent before exec: this (large) process would be
# every command's floor. So a small launcher process starts the command, and times and measures it.
LAUNCHER = """
import os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_pid, status, usage = os.wait4(child.pid, 0)
print(time.perf_counter() - started, usage.ru_maxrss, status)
"""


def serve_environment(folder: Path, portal: Path | None, size: int, code: Path | None) -> dict[str, str]:
    """The variables of a server whose database holds the set (made by `prepare_server`)."""
    env = environment(folder, portal, code)
    name = f"serve-{size}{'-baseline' if code else ''}.db"
    env["MOTCUA_DATABASE_URL"] = f"sqlite:///{folder / name}"
    env["MOTCUA_PUBLIC_BASE_URL"] = "http://127.0.0.1:8000"
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    """One `motcua serve` (one worker, so one process) of the code at `run.code` or this checkout."""

    run: Run
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 300.0) -> float:
        """Start it; the seconds until /healthz first answers 200."""
        command = [sys.executable, "-m", "bot.cli", "serve", "--port", str(self.port)]
        # `python -m` puts the working folder first on the path: it is the checkout whose code runs.
        cwd = self.run.code or ROOT
        started = time.perf_counter()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=cwd,
                env=self.run.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        while not self._healthy():
            if self.process.poll() is not None or time.perf_counter() - started > timeout:
                self.stop()
                raise RuntimeError(f"motcua serve did not start; see {self.log}")
            time.sleep(0.05)
        return time.perf_counter() - started

    def _healthy(self) -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1.0).status_code == 200
        except httpx.HTTPError:
            return False

    def rss_mb(self) -> float:
        assert self.process is not None
        pages = int(Path(f"/proc/{self.process.pid}/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def prepare_server(run: Run, folder: Path) -> None:
    """A first start imports the files as revision 1; the measured starts then load that revision."""
    server = Server(run, folder / "serve.log")
    server.start()
    server.stop()


def measure_serve(run: Run, folder: Path) -> tuple[float, float]:
    """Seconds from `motcua serve` to its first /healthz 200, and the worker's RSS in MB then."""
    if run.cache == "cold":
        for path in DEFAULT_DIR.glob("*.pickle"):  # the revision's key is the server's to compute
            path.unlink()
    server = Server(run, folder / "serve.log")
    try:
        seconds = server.start()
        return seconds, server.rss_mb()
    finally:
        server.stop()


def measure(run: Run, folder: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS in MB of one fresh process."""
    if not run.argv:
        return measure_serve(run, folder)
    if run.cache == "cold":
        forget(run, folder)
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, sys.executable, *run.argv],
        env=run.env,
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds, maxrss, status = done.stdout.split()
    if done.returncode != 0 or status != "0":
        raise RuntimeError(f"{' '.join(run.argv)} failed: {done.stderr}")
    return float(seconds), int(maxrss) / 1024  # Linux reports kilobytes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--no-serve", action="store_true", help="time `motcua search` only")
    parser.add_argument(
        "--baseline", type=Path, help="a checkout of earlier code (git archive): its rows run beside these"
    )
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument("--results", type=Path, default=RESULTS_FILE)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    curated = len(load_catalogue(PROCEDURES_DIR))
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        plain = environment(folder, None)
        runs = [
            Run("python: " + LIBRARIES.removeprefix("import "), 0, "-", ("-c", LIBRARIES), plain, None),
            Run("python: import bot.cli.main", 0, "-", ("-c", "import bot.cli.main"), plain, None),
        ]
        for size in sizes:
            portal = None if size <= curated else grown_portal(size, folder)
            env = environment(folder, portal)
            search = ("-m", "bot.cli", "search", QUERY)
            if args.baseline:
                before = environment(folder, portal, args.baseline)
                runs.append(Run(f"{SEARCH} {BASELINE}", size, "-", search, before, portal, args.baseline))
            runs += [Run(SEARCH, size, cache, search, env, portal) for cache in ("cold", "cached")]
            if args.no_serve:
                continue
            if args.baseline:
                before = serve_environment(folder, portal, size, args.baseline)
                runs.append(Run(f"{SERVE} {BASELINE}", size, "-", (), before, portal, args.baseline))
                progress(f"importing {size} procedures into the baseline server's database")
                prepare_server(runs[-1], folder)
            serving = serve_environment(folder, portal, size, None)
            runs += [Run(SERVE, size, cache, (), serving, portal) for cache in ("cold", "cached")]
            progress(f"importing {size} procedures into a server's database")
            prepare_server(runs[-1], folder)
        loads = [os.getloadavg()[0]]
        samples: dict[int, list[tuple[float, float]]] = {i: [] for i in range(len(runs))}
        for round_number in range(args.repeat):
            progress(f"round {round_number + 1}/{args.repeat}")
            for i, run in enumerate(runs):
                samples[i].append(measure(run, folder))
            loads.append(os.getloadavg()[0])
        table = Table(
            "Time to first answer",
            columns("command | procedures:d | cache | median s:.2f | min s:.2f | RSS MB:.0f"),
        )
        for i, run in enumerate(runs):
            seconds = [s for s, _ in samples[i]]
            table.add(
                run.label,
                run.procedures,
                run.cache,
                statistics.median(seconds),
                min(seconds),
                max(m for _, m in samples[i]),
            )
    floor = statistics.median(s for s, _ in samples[0])
    notes = [
        f"median of {args.repeat} fresh processes per row; the goal is a cached search within 2x the "
        f"bare-import floor ({2 * floor:.2f} s here)",
        "RSS: the peak of a search process; for `motcua serve`, the one worker's resident memory once "
        "/healthz answers",
        "1-minute load average during the run: " + ", ".join(f"{load:.2f}" for load in loads),
    ]
    if args.baseline:
        notes.append(f"{BASELINE}: the code of {args.baseline}, measured in the same rounds")
    section = Section(
        "Start-up: time to the first answer",
        command_line("bench.startup", argv or []),
        [table],
        notes=notes,
        code=(
            "bot/cli/main.py",
            "bot/content/compiled.py",
            "bot/content/content_set.py",
            "bot/content/published.py",
            "bot/content/yamlsource.py",
            "portal.json",
        ),
    )
    publish(section, None if args.no_save else args.results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
