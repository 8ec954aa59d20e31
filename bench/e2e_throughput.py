"""End-to-end throughput: `motcua serve` on Zalo, signed webhooks from many citizens, a fake Zalo API.

Each setup starts the real server as a child process (bench/e2e_server.py) against the fake platform on
127.0.0.1 (bench/e2e_load.py). N citizens hold multi-turn conversations at once; each posts a signed
webhook and waits until every message of the turn has arrived at the fake before saying the next thing.
Measured: Zalo messages delivered per second, latency from posting the webhook to each message's
arrival, the server's CPU (all its processes) and peak resident memory; checked: every citizen received
exactly the messages the engine says it should, in order, none twice.

    python -m bench.e2e_throughput [--citizens 50] [--turns 40] [--setups sqlite,pg2] [--profile]
                                   [--before DIR] [--baseline]

`--before DIR` also runs, in the same run and right before each setup, the server of another checkout
(e.g. `git archive main | tar -x -C DIR`), so before and after meet the same load average. `--baseline`
also measures bench/e2e_baseline.py (one read and one write per request on the same stack) for each
setup and reports Motcua's CPU per message and per turn against its CPU per request.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench import e2e_baseline
from bench.common import (
    LEXICON_FILE,
    PORTAL_FILE,
    PROCEDURES_DIR,
    RESULTS_FILE,
    ROOT,
    TUNING_QUERIES,
    Section,
    Table,
    columns,
    command_line,
    percentile,
    progress,
    publish,
    read_queries,
)
from bench.e2e_baseline import BaselineRun
from bench.e2e_load import Citizen, CitizenRun, FakePlatform, WebhookClient, converse, plan_conversations
from bench.e2e_profile import SpyProfile
from bench.e2e_server import ServerProcess, zalo_env
from bot.content.model import Content, load_content
from tests.support.postgres import pg_schema

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SERVICE_CODE = (
    "bot/service.py",
    "bot/storage/sql/store.py",
    "bot/storage/sql/queries.py",
    "bot/storage/sql/tx.py",
    "bot/channels/zalo/channel.py",
    "api/routes/zalo.py",
    "bot/domain/engine/core.py",
)


@dataclass(frozen=True)
class Setup:
    name: str
    label: str
    workers: int
    postgres: bool


SETUPS = {
    "sqlite": Setup("sqlite", "1 worker, SQLite", 1, False),
    "pg1": Setup("pg1", "1 worker, PostgreSQL", 1, True),
    "pg2": Setup("pg2", "2 workers, PostgreSQL", 2, True),
}


@dataclass
class Measurement:
    setup: Setup
    code: str  # "after" (this checkout) or "before" (--before DIR)
    citizens: int
    seconds: float
    runs: list[CitizenRun]
    cpu_seconds: float
    peak_rss: int
    exactly_once: int  # citizens who received exactly their messages, in order
    duplicates: int  # messages received more often than sent
    missing: int  # messages that never arrived
    profile: Table | None = None
    turns: int = field(init=False)
    messages: int = field(init=False)

    def __post_init__(self) -> None:
        self.turns = sum(run.sent for run in self.runs)
        self.messages = sum(len(run.latencies_ms) for run in self.runs)


@contextmanager
def database(setup: Setup, folder: Path, pg_url: str) -> Iterator[str]:
    """A fresh database for one setup: a SQLite file, or a PostgreSQL schema dropped afterwards."""
    if not setup.postgres:
        yield f"sqlite:///{folder / f'{setup.name}.db'}"
        return
    with pg_schema(pg_url, prefix="bench") as url:
        yield url


async def measure(
    setup: Setup,
    url: str,
    citizens: list[Citizen],
    warmup: list[Citizen],
    folder: Path,
    profile: bool,
    checkout: Path = ROOT,
    code: str = "after",
) -> Measurement:
    async with FakePlatform() as platform:
        log = folder / f"{setup.name}-{code}.log"
        server = ServerProcess(zalo_env(url, platform.url), log, setup.workers, cwd=checkout)
        await asyncio.to_thread(server.start)
        try:
            progress(f"{setup.label}: warming up")
            await _talk(server.url, warmup, platform)
            spy = (
                SpyProfile(server.process.pid if server.process else 0, setup.workers > 1)
                if profile
                else None
            )
            peak = [server.rss_bytes()]
            sampler = asyncio.get_running_loop().create_task(_sample_rss(server, peak))
            progress(f"{setup.label}: {len(citizens)} citizens talking")
            cpu_before, started = server.cpu_seconds(), time.perf_counter()
            if spy is not None:
                spy.start(folder / f"{setup.name}-{code}.spy")
            runs = await _talk(server.url, citizens, platform)
            seconds = time.perf_counter() - started
            cpu = server.cpu_seconds() - cpu_before
            table = (
                spy.stop(f"Profile of the server, {setup.label}, {code} (py-spy, share of samples)")
                if spy
                else None
            )
            sampler.cancel()
            await asyncio.sleep(1.0)  # anything sent twice would arrive now
            exact, duplicates, missing = _check(citizens, runs, platform)
        finally:
            await asyncio.to_thread(server.stop)
    return Measurement(
        setup, code, len(citizens), seconds, runs, cpu, peak[0], exact, duplicates, missing, table
    )


async def _talk(url: str, citizens: Sequence[Citizen], platform: FakePlatform) -> list[CitizenRun]:
    clients = [WebhookClient(url) for _ in citizens]
    try:
        return list(
            await asyncio.gather(
                *(
                    converse(c, client, platform.deliveries)
                    for c, client in zip(citizens, clients, strict=True)
                )
            )
        )
    finally:
        for client in clients:
            client.close()


async def _sample_rss(server: ServerProcess, peak: list[int]) -> None:
    while True:
        peak[0] = max(peak[0], server.rss_bytes())
        await asyncio.sleep(0.25)


def _check(
    citizens: Sequence[Citizen], runs: Sequence[CitizenRun], platform: FakePlatform
) -> tuple[int, int, int]:
    exact = duplicates = missing = 0
    for citizen, run in zip(citizens, runs, strict=True):
        expected = citizen.expected(run.sent)
        received = platform.deliveries.messages(citizen.user)
        exact += received == expected and not run.stalled
        duplicates += max(0, len(received) - len(expected))
        missing += max(0, len(expected) - len(received))
    return exact, duplicates, missing


def report(
    measurements: Sequence[Measurement],
    section: Section,
    baselines: dict[str, BaselineRun] | None = None,
) -> None:
    table = Table(
        "Zalo webhooks to delivered replies",
        columns(
            "setup | citizens:d | turns:d | messages:d | messages/s:.0f | turns/s:.0f | p50 ms:.1f | "
            "p99 ms:.1f | first p99 ms:.1f | max ms:.1f | server CPU cores:.2f | CPU ms per message:.2f | "
            "peak RSS MiB:.0f | exactly once:d | duplicates:d | missing:d"
        ),
    )
    labelled = any(m.code != "after" for m in measurements)
    for m in measurements:
        latencies = [ms for run in m.runs for ms in run.latencies_ms]
        table.add(
            f"{m.setup.label}, {m.code}" if labelled else m.setup.label,
            m.citizens,
            m.turns,
            m.messages,
            m.messages / m.seconds,
            m.turns / m.seconds,
            percentile(latencies, 50),
            percentile(latencies, 99),
            percentile([ms for run in m.runs for ms in run.first_ms], 99),
            max(latencies, default=float("nan")),
            m.cpu_seconds / m.seconds,
            1000 * m.cpu_seconds / max(1, m.messages),
            m.peak_rss / 2**20,
            m.exactly_once,
            m.duplicates,
            m.missing,
        )
    section.tables.append(table)
    if labelled or baselines:
        section.tables.append(_comparison(measurements, baselines or {}))
    if baselines:
        section.tables.append(_baseline_table(measurements, baselines))
    section.tables += [m.profile for m in measurements if m.profile is not None]
    section.notes += [
        "messages: Zalo messages the fake platform accepted (a reply longer than Zalo's limits is several); "
        "latency: from posting the webhook to each message's arrival, so the k-th message of a turn "
        "includes the k-1 sent before it. Each citizen waits for a turn's messages before the next turn.",
        "first p99: from posting the webhook to the first message of the turn's reply.",
        "exactly once: citizens whose received messages equal, in order, what the engine run on the same "
        "content says the turns they sent must deliver.",
        f"The load generator and the fake Zalo API share this machine ({os.cpu_count()} cores) with the "
        "server (and PostgreSQL), so the server is measured while competing for the cores.",
    ]


def _cpu_ms(m: Measurement, per: int) -> float:
    return 1000 * m.cpu_seconds / max(1, per)


def _comparison(measurements: Sequence[Measurement], baselines: dict[str, BaselineRun]) -> Table:
    """Per setup: before and after side by side (same run), and after against the baseline."""
    table = Table(
        "Before and after, and against the baseline (same run)",
        columns(
            "setup | messages/s before:.0f | messages/s after:.0f | CPU ms/message before:.2f | "
            "CPU ms/message after:.2f | CPU after ÷ before:.2f | first p99 ms before:.0f | "
            "first p99 ms after:.0f | baseline CPU ms/request:.2f | after ÷ baseline, per message:.1f | "
            "after ÷ baseline, per turn:.1f"
        ),
    )
    nan = float("nan")
    for setup in dict.fromkeys(m.setup for m in measurements):
        runs = {m.code: m for m in measurements if m.setup == setup}
        before, after = runs.get("before"), runs.get("after")
        base = baselines.get(setup.name)
        base_ms = 1000 * base.cpu_seconds / max(1, base.requests) if base else nan

        def rate(m: Measurement | None) -> float:
            return m.messages / m.seconds if m else nan

        def per_message(m: Measurement | None) -> float:
            return _cpu_ms(m, m.messages) if m else nan

        def first_p99(m: Measurement | None) -> float:
            return percentile([ms for run in m.runs for ms in run.first_ms], 99) if m else nan

        table.add(
            setup.label,
            rate(before),
            rate(after),
            per_message(before),
            per_message(after),
            per_message(after) / per_message(before),
            first_p99(before),
            first_p99(after),
            base_ms,
            per_message(after) / base_ms,
            (_cpu_ms(after, after.turns) if after else nan) / base_ms,
        )
    return table


def _baseline_table(measurements: Sequence[Measurement], baselines: dict[str, BaselineRun]) -> Table:
    table = Table(
        "Baseline: FastAPI, one row read and one written per request (bench/e2e_baseline.py)",
        columns(
            "setup | clients:d | requests:d | requests/s:.0f | p50 ms:.1f | p99 ms:.1f | "
            "server CPU cores:.2f | CPU ms per request:.2f"
        ),
    )
    clients = measurements[0].citizens if measurements else 0
    for setup in dict.fromkeys(m.setup for m in measurements):
        base = baselines.get(setup.name)
        if base is None:
            continue
        table.add(
            setup.label,
            clients,
            base.requests,
            base.requests / base.seconds,
            percentile(base.latencies_ms, 50),
            percentile(base.latencies_ms, 99),
            base.cpu_seconds / base.seconds,
            1000 * base.cpu_seconds / max(1, base.requests),
        )
    return table


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.e2e_throughput", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--citizens", type=int, default=50)
    parser.add_argument("--turns", type=int, default=40, help="turns each citizen says")
    parser.add_argument("--setups", default="sqlite,pg2", help=f"comma-separated: {', '.join(SETUPS)}")
    parser.add_argument("--pg-url", default=os.environ.get("MOTCUA_TEST_DATABASE_URL", PG_DEFAULT))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", action="store_true", help="sample the server with py-spy while it runs")
    parser.add_argument("--before", type=Path, help="also run this older checkout's server, for comparison")
    parser.add_argument("--baseline", action="store_true", help="also measure bench/e2e_baseline.py")
    parser.add_argument(
        "--baseline-seconds", type=float, default=8.0, help="how long the baseline is posted to"
    )
    parser.add_argument("--results", type=Path, default=RESULTS_FILE, help="Markdown file to append to")
    parser.add_argument("--no-results", action="store_true", help="print only")
    args = parser.parse_args(argv)
    setups = [SETUPS[name.strip()] for name in args.setups.split(",") if name.strip()]
    content = load_content(PROCEDURES_DIR, ROOT / "flows.yaml", LEXICON_FILE, PORTAL_FILE)
    section = run(
        content,
        setups,
        args.citizens,
        args.turns,
        args.seed,
        args.pg_url,
        args.profile,
        argv,
        before=args.before,
        baseline_seconds=args.baseline_seconds if args.baseline else None,
    )
    publish(section, None if args.no_results else args.results)
    return 0


def run(
    content: Content,
    setups: Sequence[Setup],
    citizens: int,
    turns: int,
    seed: int,
    pg_url: str,
    profile: bool,
    argv: Sequence[str] | None = None,
    *,
    before: Path | None = None,
    baseline_seconds: float | None = None,
) -> Section:
    questions = [q.query for q in read_queries(TUNING_QUERIES)]
    progress(f"planning {citizens} conversations of {turns} turns")
    plan = plan_conversations(content, citizens, turns, questions, seed)
    warmup = plan_conversations(content, min(citizens, 10), 3, questions, seed + 1, prefix="w")
    argv_text = list(argv) if argv is not None else sys.argv[1:]
    section = Section(
        f"End-to-end throughput over Zalo: {citizens} citizens",
        command_line("bench.e2e_throughput", argv_text),
        code=SERVICE_CODE,
    )
    measurements = []
    baselines: dict[str, BaselineRun] = {}
    with tempfile.TemporaryDirectory(prefix="motcua-e2e-") as tmp:
        folder = Path(tmp)
        for setup in setups:
            if before is not None:
                with database(setup, folder, pg_url) as url:
                    progress(f"{setup.label}: the server of {before}")
                    measurements.append(
                        asyncio.run(
                            measure(setup, url, plan, warmup, folder, profile, before.resolve(), "before")
                        )
                    )
            with database(setup, folder, pg_url) as url:
                measurements.append(asyncio.run(measure(setup, url, plan, warmup, folder, profile)))
            if baseline_seconds is not None:
                with database(setup, folder, pg_url) as url:
                    progress(f"{setup.label}: baseline for {baseline_seconds:g} s")
                    log = folder / f"{setup.name}-baseline.log"
                    baselines[setup.name] = asyncio.run(
                        e2e_baseline.measure(url, log, setup.workers, citizens, baseline_seconds)
                    )
    report(measurements, section, baselines)
    return section


if __name__ == "__main__":
    raise SystemExit(main())
