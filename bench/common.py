"""What every benchmark shares: labelled queries, timing, tables, the machine, and the results file.

Numbers are only comparable with the machine and date they were taken on, so every section appended to
RESULTS.md carries both. Tables are Markdown pipe tables: readable on a terminal and rendered on GitHub.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
PROCEDURES_DIR = ROOT / "procedures"
PORTAL_FILE = ROOT / "portal.json"  # the portal tier a server of this checkout serves by default
LEXICON_FILE = ROOT / "lexicon.yaml"
TUNING_QUERIES = ROOT / "tests" / "data" / "search_queries.tsv"
LONG_QUERIES = ROOT / "tests" / "data" / "long_questions.tsv"  # citizens' long stories and questions
PORTAL_QUERIES = ROOT / "tests" / "data" / "portal_questions.tsv"  # questions only the portal tier answers
# The held-out dev set lives in the shared folder beside the checkout (CI points here as well).
DEV_QUERIES = ROOT.parent / "shared" / "eval" / "dev_queries.tsv"
RESULTS_FILE = ROOT / "bench" / "RESULTS.md"

# The files whose version the search numbers describe (see Section.code)
SEARCH_CODE = (
    "bot/domain/search/procedures.py",
    "bot/domain/search/index.py",
    "bot/domain/search/score.py",
    "bot/domain/text.py",
    "bot/domain/lexicon.py",
    "lexicon.yaml",
)
Cell = str | int | float
T = TypeVar("T")


@dataclass(frozen=True)
class LabelledQuery:
    query: str
    gold: frozenset[str]  # empty: the question is about no procedure (NONE in the file)


def read_queries(path: Path) -> list[LabelledQuery]:
    """Read `gold<TAB>query` lines; gold ids are joined by "|", NONE means "no procedure".

    A first line `gold<TAB>query` is a header. Blank lines and lines starting with # are skipped.
    """
    out: list[LabelledQuery] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        gold, sep, query = line.partition("\t")
        if not sep or not query.strip():
            raise ValueError(f"{path}:{number}: expected gold<TAB>query")
        if number == 1 and gold.strip() == "gold":
            continue
        ids = (
            frozenset()
            if gold.strip() == "NONE"
            else frozenset(g.strip() for g in gold.split("|") if g.strip())
        )
        out.append(LabelledQuery(query.strip(), ids))
    return out


@dataclass(frozen=True)
class Column:
    name: str
    fmt: str = ""  # format spec for numbers, e.g. ".1f"


def columns(spec: str) -> list[Column]:
    """Columns from a header line: "engine | top-1 %:.1f | p99 ms:.3f" (a format after the last colon)."""
    out = []
    for part in spec.split("|"):
        name, colon, fmt = part.strip().rpartition(":")
        out.append(Column(name.strip(), fmt.strip()) if colon else Column(fmt.strip()))
    return out


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)

    def add(self, *cells: Cell) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{self.title}: {len(cells)} cells for {len(self.columns)} columns")
        self.rows.append(list(cells))

    def column(self, name: str) -> list[Cell]:
        index = [c.name for c in self.columns].index(name)
        return [row[index] for row in self.rows]

    def markdown(self) -> str:
        header = "| " + " | ".join(c.name for c in self.columns) + " |"
        rule = "|" + "|".join("---" if not c.fmt else "---:" for c in self.columns) + "|"
        body = [
            "| "
            + " | ".join(_cell(value, column.fmt) for value, column in zip(row, self.columns, strict=True))
            + " |"
            for row in self.rows
        ]
        return "\n".join([f"**{self.title}**", "", header, rule, *body])


def _cell(value: Cell, fmt: str) -> str:
    if isinstance(value, str) or not fmt:
        return str(value)
    return format(value, fmt)


@dataclass
class Section:
    """One benchmark run: what goes to the terminal and to RESULTS.md."""

    title: str
    command: str
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # interpretation, computed verdicts, caveats
    code: tuple[str, ...] = ()  # source files whose version the numbers describe, relative to ROOT
    load_at_start: str = field(default_factory=lambda: load_average())

    def table(self, name: str) -> Table:
        for table in self.tables:
            if table.title == name:
                return table
        raise KeyError(name)

    def markdown(self, machine: str, when: dt.datetime) -> str:
        parts = [
            f"## {self.title} ({when:%Y-%m-%d %H:%M})",
            "",
            f"Machine: {machine}  ",
            f"Load average: {self.load_at_start} at the start, {load_average()} at the end  ",
            f"Command: `{self.command}`",
        ]
        if self.code:
            parts[-1] += "  "
            parts.append(f"Code: {code_fingerprint(self.code)}")
        for table in self.tables:
            parts += ["", table.markdown()]
        if self.notes:
            parts += ["", *(f"- {note}" for note in self.notes)]
        return "\n".join(parts) + "\n"


def machine_description() -> str:
    """CPU model, cores, RAM, Python version and OS, in one line."""
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{_cpu_model()}, {os.cpu_count()} cores, {ram:.1f} GiB RAM, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def code_fingerprint(files: Sequence[str]) -> str:
    """The commit and a short hash of each file, so a number can be matched to the code it measured
    (files are often uncommitted work in progress when a benchmark runs)."""
    head = "unknown"
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    hashes = []
    for name in files:
        path = ROOT / name
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10] if path.exists() else "missing"
        hashes.append(f"{name} {digest}")
    return f"HEAD {head}; " + ", ".join(hashes)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def publish(section: Section, results: Path | None) -> str:
    """Print the section and append it to `results` (None: print only). Returns the Markdown."""
    text = section.markdown(machine_description(), dt.datetime.now().astimezone())
    print(text)
    if results is not None:
        new = not results.exists() or results.stat().st_size == 0
        with results.open("a", encoding="utf-8") as out:
            if new:
                out.write("# Benchmark results\n\nAppended by `python -m bench.<name>`; newest last.\n")
            out.write("\n" + text)
    return text


def command_line(module: str, argv: Sequence[str]) -> str:
    return " ".join(["python -m", module, *argv])


def progress(message: str) -> None:
    """Long runs say where they are on stderr, so stdout stays the table."""
    print(message, file=sys.stderr, flush=True)


@dataclass
class Timings:
    """Per-call wall time and this thread's CPU time, in milliseconds.

    On a busy machine wall time includes waiting for a core; CPU time does not, and neither does each
    item's best wall time over the rounds, so these tell a slow search from a crowded machine.
    """

    wall: list[float] = field(default_factory=list)  # every call
    cpu: list[float] = field(default_factory=list)  # every call
    best: list[float] = field(default_factory=list)  # one per item: its fastest round

    def extend(self, other: Timings) -> None:
        self.wall += other.wall
        self.cpu += other.cpu
        self.best += other.best

    def summary(self) -> list[float]:
        """The cells of LATENCY_COLUMNS."""
        return [
            percentile(self.wall, 50),
            percentile(self.wall, 99),
            percentile(self.best, 99),
            percentile(self.cpu, 99),
        ]


LATENCY_COLUMNS = "p50 ms:.3f | p99 ms:.3f | p99 best-of-rounds ms:.3f | cpu p99 ms:.3f"


def timings(call: Callable[[T], object], items: Sequence[T], repeat: int, label: str = "") -> Timings:
    """Each item once to warm up, then `repeat` timed rounds over all items."""
    for item in items:
        call(item)
    out = Timings()
    wall, cpu = time.perf_counter_ns, time.thread_time_ns
    for round_number in range(repeat):
        for item in items:
            start_wall, start_cpu = wall(), cpu()
            call(item)
            end_cpu, end_wall = cpu(), wall()
            out.wall.append((end_wall - start_wall) / 1e6)
            out.cpu.append((end_cpu - start_cpu) / 1e6)
        if label and len(items) * repeat >= 2000:
            progress(f"  {label}: round {round_number + 1}/{repeat}")
    n = len(items)
    out.best = [min(out.wall[i::n]) for i in range(n)] if repeat else []
    return out


def load_average() -> str:
    """The 1-minute load average over the core count: above 1.0 the timings include waiting for a core."""
    try:
        one_minute = os.getloadavg()[0]
    except OSError:
        return "unknown"
    return f"{one_minute:.1f} on {os.cpu_count()} cores"


def percentile(values: Iterable[float], p: float) -> float:
    """The p-th percentile (0..100), interpolating linearly between the two nearest samples."""
    data = sorted(values)
    if not data:
        return float("nan")
    rank = min(max(p, 0.0), 100.0) / 100 * (len(data) - 1)
    low = int(rank)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (rank - low)


def share(numerator: int, denominator: int) -> float:
    """A percentage; NaN when there is nothing to count (shown as "nan" rather than a fake 0)."""
    return 100.0 * numerator / denominator if denominator else float("nan")


def profile_table(
    title: str,
    call: Callable[[T], object],
    items: Sequence[T],
    repeat: int,
    top: int = 12,
    by_self: bool = True,
) -> Table:
    """Where the time of `call` goes: pyinstrument samples, folded by function (self and inclusive shares).

    Sorted by self time to find a hot loop, or by inclusive time to see which stage costs most."""
    from pyinstrument import Profiler  # only needed with --profile

    profiler = Profiler(interval=0.0002)
    profiler.start()
    for _ in range(repeat):
        for item in items:
            call(item)
    profiler.stop()
    root = profiler.last_session.root_frame() if profiler.last_session else None
    own: dict[str, float] = {}
    inclusive: dict[str, float] = {}

    def walk(frame: Any, stack: frozenset[str]) -> None:
        key = f"{frame.function} ({Path(frame.file_path_short or '?').name}:{frame.line_no})"
        # pyinstrument records a function's own time in synthetic "[self]" children: count it as the parent's
        own[key] = own.get(key, 0.0) + frame.time - sum(c.time for c in frame.children if not c.is_synthetic)
        if key not in stack:  # a recursive call is already counted by its outer frame
            inclusive[key] = inclusive.get(key, 0.0) + frame.time
        for child in frame.children:
            if not child.is_synthetic:
                walk(child, stack | {key})

    total = root.time if root is not None and root.time > 0 else 1.0
    if root is not None:
        walk(root, frozenset())
    table = Table(title, columns("function | self %:.1f | inclusive %:.1f"))
    for key in sorted(own, key=lambda k: -(own[k] if by_self else inclusive[k]))[:top]:
        table.add(key, 100 * own[key] / total, 100 * inclusive[key] / total)
    return table
