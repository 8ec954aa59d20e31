"""Search at the real scale: the content the bot serves (the curated catalogue + the portal tier, with
lexicon.yaml and flows.yaml's topics), Motcua against bm25s indexing the same procedure texts.

Issue 14's goal: p50 <= 1 ms and p99 <= 3 ms per question in-process, and within 5x of bm25s.

    python -m bench.search_real [--repeat 5] [--limit N] [--no-portal] [--profile] [--label TEXT]
                                [--results FILE | --no-save]

Questions: the held-out dev set (../shared/eval/dev_queries.tsv, short), the tuning set
(tests/data/search_queries.tsv, short, typos and teencode), the long questions (tests/data/long_questions.tsv:
a story, then the question) and the portal-only questions (tests/data/portal_questions.tsv), each run as
the bot runs it: `ProcedureIndex.search(text)` with the default limit. bm25s gets every procedure's
matched phrases (name, short name, summary, name head, aliases, keywords: bot.domain.search.index
`_matched_texts`), folded like Motcua folds them, and is timed on folding + tokenising the question,
scoring every procedure and taking the top 5. The two engines run in turn on each question (the same
moment of a shared machine for both), every call timed on wall clock and on this thread's CPU time. The
goal is judged on CPU time (it leaves out waiting for a core on a shared machine); wall figures are
printed beside it.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import pstats
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.common import (
    DEV_QUERIES,
    LEXICON_FILE,
    LONG_QUERIES,
    PORTAL_FILE,
    PORTAL_QUERIES,
    PROCEDURES_DIR,
    RESULTS_FILE,
    ROOT,
    SEARCH_CODE,
    TUNING_QUERIES,
    Section,
    Table,
    Timings,
    columns,
    command_line,
    percentile,
    progress,
    publish,
    read_queries,
)
from bot.content.model import load_content
from bot.domain.catalogue import Catalogue, Procedure
from bot.domain.search.index import _matched_texts
from bot.domain.search.procedures import ProcedureIndex

FLOWS_FILE = ROOT / "flows.yaml"

P50_GOAL_MS = 1.0
P99_GOAL_MS = 3.0
PEER_FACTOR_GOAL = 5.0
CODE = (*SEARCH_CODE, "bot/domain/search/topics.py", "bot/domain/question_parts.py", "flows.yaml")
LATENCY = (
    "p50 cpu ms:.3f | p99 cpu ms:.3f | p50 wall ms:.3f | p99 wall ms:.3f | "
    "p99 best-of-rounds ms:.3f | max wall ms:.2f"
)


def question_sets(dev: Path, limit: int) -> dict[str, list[str]]:
    """Question texts by set (gold labels are not needed to time a search)."""
    files = {"dev (short)": dev, "tuning (short)": TUNING_QUERIES, "long": LONG_QUERIES}
    files["portal-only"] = PORTAL_QUERIES
    sets: dict[str, list[str]] = {}
    for name, path in files.items():
        if not path.exists():
            progress(f"{path} not found: the set '{name}' is left out")
            continue
        # A third column is the question's source; a header "gold_code<TAB>query" is no question.
        texts = [q.query.split("\t", 1)[0] for q in read_queries(path)]
        texts = [t for t in texts if t != "query"]
        sets[name] = texts[:limit] if limit else texts
    return sets


def searched_text(p: Procedure) -> list[str]:
    """What Motcua matches a question against (its background text only weighs words)."""
    return [text for text, _ in _matched_texts(p) if text]


def answers_digest(index: ProcedureIndex, questions: Sequence[str]) -> str:
    """A short hash of every answer (decision, procedures, scores, topic): equal digests, equal answers."""
    answers = [index.search(q).to_json() for q in questions]
    return hashlib.sha256(json.dumps(answers, ensure_ascii=False).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Figures:
    p50_cpu: float
    p99_cpu: float
    p50_wall: float
    p99_wall: float
    best_p99: float
    max_wall: float

    @classmethod
    def of(cls, t: Timings) -> Figures:
        return cls(
            percentile(t.cpu, 50),
            percentile(t.cpu, 99),
            percentile(t.wall, 50),
            percentile(t.wall, 99),
            percentile(t.best, 99),
            max(t.wall) if t.wall else float("nan"),
        )

    def cells(self) -> list[float]:
        return [self.p50_cpu, self.p99_cpu, self.p50_wall, self.p99_wall, self.best_p99, self.max_wall]


def profile_table(call: Callable[[str], object], questions: Sequence[str], top: int = 15) -> Table:
    """cProfile of the search, by function's own time (cProfile slows calls, so shares, not times)."""
    profiler = cProfile.Profile()
    profiler.enable()
    for q in questions:
        call(q)
    profiler.disable()
    stats = pstats.Stats(profiler)
    rows = stats.stats  # type: ignore[attr-defined]  # {(file, line, function): (cc, nc, tt, ct, callers)}
    total = sum(tt for _, _, tt, _, _ in rows.values()) or 1.0
    table = Table(
        f"cProfile of Motcua's search over {len(questions)} questions (share of all profiled time)",
        columns("function | calls per question:.1f | self %:.1f | inclusive %:.1f"),
    )
    by_self = sorted(rows.items(), key=lambda item: -item[1][2])[:top]
    for (file, line, function), (_, calls, own, inclusive, _) in by_self:
        where = Path(file).name if file != "~" else "builtin"
        table.add(
            f"`{function}` ({where}:{line})",
            calls / len(questions),
            100 * own / total,
            100 * inclusive / total,
        )
    return table


def run(
    index: ProcedureIndex,
    catalogue: Catalogue,
    sets: dict[str, list[str]],
    repeat: int,
    profile: bool,
    command: str,
    label: str = "",
) -> Section:
    from bench.search_peers import Bm25Engine  # bm25s is a bench-only dependency

    title = f"Search at the real scale: {len(catalogue)} procedures as served"
    section = Section(f"{title}, {label}" if label else title, command, code=CODE)
    progress("indexing the same texts with bm25s")
    bm25 = Bm25Engine(catalogue, searched_text)
    engines: dict[str, Callable[[str], object]] = {"motcua": index.search, "bm25s": bm25.timed}
    by_set = Table(
        f"Latency per question by set, {repeat} timed rounds after one warm-up, engines in turn per question",
        columns(f"engine | question set | questions:d | {LATENCY}"),
    )
    measured: dict[tuple[str, str], Timings] = {}
    for set_name, questions in sets.items():
        progress(f"timing {' and '.join(engines)} on {set_name}: {len(questions)} questions x {repeat}")
        for name, measured_set in paired_timings(engines, questions, repeat).items():
            measured[name, set_name] = measured_set
        for name in engines:
            by_set.add(name, set_name, len(questions), *Figures.of(measured[name, set_name]).cells())
    everything = [q for questions in sets.values() for q in questions]
    overall = Table(f"All {len(everything)} questions together", columns(f"engine | {LATENCY}"))
    figures: dict[str, Figures] = {}
    for name in engines:
        every = Timings()
        for set_name in sets:
            every.extend(measured[name, set_name])
        figures[name] = Figures.of(every)
        overall.add(name, *figures[name].cells())
    section.tables += [overall, by_set]
    section.notes += verdicts(figures["motcua"], figures["bm25s"], section.load_at_start)
    short = Timings()
    for set_name in sets:
        if "short" in set_name:
            short.extend(measured["motcua", set_name])
    if short.cpu:
        f = Figures.of(short)
        section.notes.append(
            f"Short questions alone (what a chat mostly receives): Motcua p50 {f.p50_cpu:.3f} ms, "
            f"p99 {f.p99_cpu:.3f} ms CPU."
        )
    section.notes.append(
        "Answers digest (sha256 of every answer's JSON, equal digests = equal answers across runs): "
        f"{answers_digest(index, everything)}."
    )
    section.notes.append(
        "bm25s indexes the same matched phrases but has no typo repair, topics, accent check, rescoring or "
        "decision: it is the floor of what ranking the words costs in Python + NumPy, not a peer in quality."
    )
    if profile:
        progress("profiling Motcua's search")
        section.tables.append(profile_table(index.search, everything))
    return section


def paired_timings(
    engines: dict[str, Callable[[str], object]], questions: Sequence[str], repeat: int
) -> dict[str, Timings]:
    """Every engine on each question in turn, so that both meet the same moment of a shared machine:
    their ratio is then steadier than the ratio of two runs made one after the other."""
    for question in questions:  # warm-up
        for call in engines.values():
            call(question)
    out = {name: Timings() for name in engines}
    wall, cpu = time.perf_counter_ns, time.thread_time_ns
    for _ in range(repeat):
        for question in questions:
            for name, call in engines.items():
                start_wall, start_cpu = wall(), cpu()
                call(question)
                end_cpu, end_wall = cpu(), wall()
                out[name].wall.append((end_wall - start_wall) / 1e6)
                out[name].cpu.append((end_cpu - start_cpu) / 1e6)
    n = len(questions)
    for t in out.values():
        t.best = [min(t.wall[i::n]) for i in range(n)] if repeat else []
    return out


def verdicts(motcua: Figures, bm25: Figures, load: str) -> list[str]:
    p50 = "met" if motcua.p50_cpu <= P50_GOAL_MS else "NOT met"
    p99 = "met" if motcua.p99_cpu <= P99_GOAL_MS else "NOT met"
    ratio50, ratio99 = motcua.p50_cpu / bm25.p50_cpu, motcua.p99_cpu / bm25.p99_cpu
    peers = "met" if max(ratio50, ratio99) <= PEER_FACTOR_GOAL else "NOT met"
    return [
        f"Goal p50 <= {P50_GOAL_MS:g} ms: {p50} ({motcua.p50_cpu:.3f} ms CPU, "
        f"{motcua.p50_wall:.3f} ms wall); "
        f"goal p99 <= {P99_GOAL_MS:g} ms: {p99} ({motcua.p99_cpu:.3f} ms CPU, {motcua.p99_wall:.3f} ms wall, "
        f"{motcua.best_p99:.3f} ms best-of-rounds). Load at the start: {load}.",
        f"Goal within {PEER_FACTOR_GOAL:g}x of bm25s: {peers}: {ratio50:.1f}x at p50, {ratio99:.1f}x at p99 "
        "(CPU time).",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_real", description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, default=DEV_QUERIES, help="dev questions (gold<TAB>query)")
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds over every question")
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions of each set")
    parser.add_argument("--no-portal", action="store_true", help="the curated catalogue alone")
    parser.add_argument("--profile", action="store_true", help="add a cProfile table of Motcua's search")
    parser.add_argument("--results", type=Path, default=RESULTS_FILE, help="Markdown file to append to")
    parser.add_argument("--no-save", action="store_true", help="print only")
    parser.add_argument("--label", default="", help="added to the title (e.g. which code: before/after)")
    args = parser.parse_args(argv)
    progress("loading the content as the bot serves it")
    content = load_content(PROCEDURES_DIR, FLOWS_FILE, LEXICON_FILE, None if args.no_portal else PORTAL_FILE)
    sets = question_sets(args.queries, args.limit)
    argv_text = list(argv) if argv is not None else sys.argv[1:]
    section = run(
        content.index,
        content.catalogue,
        sets,
        args.repeat,
        args.profile,
        command_line("bench.search_real", argv_text),
        args.label,
    )
    publish(section, None if args.no_save else args.results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
