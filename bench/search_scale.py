"""Search at scale: a generated catalogue of 5,000 procedures, Motcua's ProcedureIndex against bm25s.

Measures build time, memory (tracemalloc peak and retained, RSS growth) and per-query latency over the
real questions (dev + tuning) and generated ones. Targets: p99 <= 5 ms per query, and within 10x of
bm25s at the same scale. `--profile` adds where Motcua's search spends its time (pyinstrument).

    python -m bench.search_scale [--size 5000] [--generated 500] [--repeat 5] [--profile] [--results FILE]
"""

from __future__ import annotations

import argparse
import gc
import linecache
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.catalogue_gen import generate, generated_queries
from bench.common import (
    DEV_QUERIES,
    LATENCY_COLUMNS,
    LEXICON_FILE,
    PROCEDURES_DIR,
    RESULTS_FILE,
    ROOT,
    SEARCH_CODE,
    TUNING_QUERIES,
    LabelledQuery,
    Section,
    Table,
    Timings,
    columns,
    command_line,
    profile_table,
    progress,
    publish,
    read_queries,
    share,
    timings,
)
from bench.search_peers import Bm25Engine, MotcuaEngine, SearchEngine
from bot.content.lexicon_file import load_lexicon
from bot.content.loading import load_catalogue
from bot.domain.catalogue import Catalogue
from bot.domain.lexicon import Lexicon

P99_TARGET_MS = 5.0
PEER_FACTOR_TARGET = 10.0
MB = 2**20


def rss_mb() -> float:
    """Resident set size now (Linux /proc), falling back to the peak where /proc is absent."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Built:
    engine: SearchEngine
    seconds: float
    rss_delta_mb: float
    peak_mb: float  # tracemalloc peak during a second, traced build
    retained_mb: float  # tracemalloc: what that build keeps allocated


def measure_build(make: Callable[[], SearchEngine]) -> Built:
    """Time and RSS on a plain build (kept), then tracemalloc on a second build (tracing slows it down)."""
    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    engine = make()
    seconds = time.perf_counter() - start
    gc.collect()
    rss_delta = rss_mb() - before
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        traced = make()
        retained, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del traced
    return Built(engine, seconds, rss_delta, (peak - base) / MB, (retained - base) / MB)


def memory_table(make: Callable[[], object], top: int = 8) -> Table:
    """What a build keeps allocated, by the source line that allocated it (tracemalloc, one frame)."""
    gc.collect()
    tracemalloc.start(1)
    try:
        before = tracemalloc.take_snapshot()
        kept = make()
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    del kept
    table = Table(
        "Memory kept by Motcua's index, by allocating line", columns("line | code | MB:.1f | blocks:d")
    )
    for stat in after.compare_to(before, "lineno")[:top]:
        frame = stat.traceback[0]
        where = frame.filename.removeprefix(f"{ROOT}/")
        code = linecache.getline(frame.filename, frame.lineno).strip().replace("|", "\\|")
        table.add(f"{where}:{frame.lineno}", f"`{code[:70]}`", stat.size_diff / MB, stat.count_diff)
    return table


def ranking_quality(engine: SearchEngine, queries: Sequence[LabelledQuery]) -> tuple[float, float]:
    gold = [q for q in queries if q.gold]
    answers = [engine.answer(q.query).ranked for q in gold]
    top1 = sum(bool(r) and r[0] in q.gold for r, q in zip(answers, gold, strict=True))
    top3 = sum(bool(q.gold & set(r[:3])) for r, q in zip(answers, gold, strict=True))
    return share(top1, len(gold)), share(top3, len(gold))


@dataclass(frozen=True)
class Latency:
    p50: float
    p99: float
    best_p99: float  # p99 over queries of each query's fastest round
    cpu_p99: float  # the order of Timings.summary()


def latency_tables(
    built: dict[str, Built], sets: dict[str, list[LabelledQuery]], repeat: int
) -> tuple[Table, Table, Table, dict[str, Latency]]:
    summary = Table(
        f"{sum(map(len, sets.values()))} queries x {repeat} rounds",
        columns(
            "engine | build s:.2f | tracemalloc peak MB:.1f | retained MB:.1f | RSS delta MB:.1f | "
            + LATENCY_COLUMNS
            + " | max ms:.2f"
        ),
    )
    by_set = Table("Latency by query set", columns("engine | query set | queries:d | " + LATENCY_COLUMNS))
    quality = Table(
        "Ranking at scale (informative)",
        columns("engine | query set | top-1 %:.1f | top-3 %:.1f"),
    )
    stats: dict[str, Latency] = {}
    for name, b in built.items():
        every = Timings()
        for set_name, queries in sets.items():
            progress(f"timing {name} on {set_name}: {len(queries)} queries x {repeat}")
            times = timings(b.engine.timed, [q.query for q in queries], repeat, name)
            every.extend(times)
            by_set.add(name, set_name, len(queries), *times.summary())
            top1, top3 = ranking_quality(b.engine, queries)
            quality.add(name, set_name, top1, top3)
        stats[name] = Latency(*every.summary())
        summary.add(
            name, b.seconds, b.peak_mb, b.retained_mb, b.rss_delta_mb, *every.summary(), max(every.wall)
        )
    return summary, by_set, quality, stats


def verdicts(motcua: Latency, bm25: Latency, repeat: int, load_at_start: str) -> list[str]:
    """The two targets, judged on wall time over every call, with the figures that discount a busy machine."""
    met = "met" if motcua.p99 <= P99_TARGET_MS else "NOT met"
    own = "met" if max(motcua.best_p99, motcua.cpu_p99) <= P99_TARGET_MS else "NOT met"
    ratio50, ratio99, ratio_best = (
        motcua.p50 / bm25.p50,
        motcua.p99 / bm25.p99,
        motcua.best_p99 / bm25.best_p99,
    )
    factor = "met" if max(ratio50, ratio99) <= PEER_FACTOR_TARGET else "NOT met"
    return [
        f"Target p99 <= {P99_TARGET_MS:g} ms: {met} on wall time over every call ({motcua.p99:.2f} ms). "
        f"Discounting waits for a core, {own}: each query's best of {repeat} rounds has p99 "
        f"{motcua.best_p99:.2f} ms, CPU time p99 {motcua.cpu_p99:.2f} ms (load at start: {load_at_start}).",
        f"Target within {PEER_FACTOR_TARGET:g}x of bm25s: {factor}: {ratio50:.1f}x at p50, {ratio99:.1f}x at "
        f"p99, {ratio_best:.1f}x at best-of-rounds p99.",
    ]


def run(
    base: Catalogue,
    lexicon: Lexicon,
    real: dict[str, list[LabelledQuery]],
    size: int,
    generated_count: int,
    repeat: int,
    seed: int,
    profile: bool,
    command: str,
) -> Section:
    progress(f"generating {size} procedures (seed {seed})")
    made = generate(base, size, seed)
    catalogue = made.catalogue
    sets = {**real, "generated": generated_queries(made, generated_count, seed)}

    section = Section(f"Search at scale: {len(catalogue)} procedures", command, code=SEARCH_CODE)
    progress("building Motcua's index")
    motcua = measure_build(lambda: MotcuaEngine("motcua", catalogue, lexicon))
    progress("building bm25s")
    bm25 = measure_build(lambda: Bm25Engine(catalogue))
    built = {"motcua": motcua, "bm25s": bm25}

    summary, by_set, quality, stats = latency_tables(built, sets, repeat)
    section.tables += [summary, by_set, quality]
    section.notes += verdicts(stats["motcua"], stats["bm25s"], repeat, section.load_at_start)
    section.notes.append(
        "Generated procedures recombine real objects with other actions and qualifiers, so real questions "
        "now have near-namesakes; ranking at scale is informative, not a quality target."
    )
    if profile:
        progress("profiling Motcua's search")
        everything = [q.query for queries in sets.values() for q in queries]
        title = "Profile of Motcua's search (pyinstrument, share of all search time)"
        section.tables.append(profile_table(title, motcua.engine.timed, everything, repeat))
        section.tables.append(memory_table(lambda: MotcuaEngine("motcua", catalogue, lexicon)))
    return section


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_scale", description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5000, help="procedures in all (the real ones included)")
    parser.add_argument("--generated", type=int, default=500, help="generated questions")
    parser.add_argument("--queries", type=Path, default=DEV_QUERIES, help="dev queries (gold<TAB>query)")
    parser.add_argument("--tuning", type=Path, default=TUNING_QUERIES)
    parser.add_argument("--limit", type=int, default=0, help="use only the first N real queries of each set")
    parser.add_argument("--procedures", type=Path, default=PROCEDURES_DIR)
    parser.add_argument("--lexicon", type=Path, default=LEXICON_FILE)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--profile", action="store_true", help="add a pyinstrument profile of Motcua's search"
    )
    parser.add_argument("--results", type=Path, default=RESULTS_FILE, help="Markdown file to append to")
    args = parser.parse_args(argv)
    real = {"tuning": read_queries(args.tuning)}
    if args.queries.exists():
        real = {"dev": read_queries(args.queries), **real}
    else:
        progress(f"{args.queries} not found: real questions from the tuning set only")
    if args.limit:
        real = {name: queries[: args.limit] for name, queries in real.items()}
    argv_text = list(argv) if argv is not None else sys.argv[1:]
    section = run(
        load_catalogue(args.procedures),
        load_lexicon(args.lexicon),
        real,
        args.size,
        args.generated,
        args.repeat,
        args.seed,
        args.profile,
        command_line("bench.search_scale", argv_text),
    )
    publish(section, args.results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
