"""What the portal tier costs a process: reading portal.json, the catalogue with it, the search index.

    python -m bench.portal_tier [--no-save]

Each step is timed (best of --repeat) in a fresh state and its Python memory measured with tracemalloc
in a separate pass (tracemalloc slows the code it watches, so timings are taken without it).
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc
from collections.abc import Callable, Sequence
from typing import Any

from bench.common import (
    LEXICON_FILE,
    PROCEDURES_DIR,
    RESULTS_FILE,
    ROOT,
    Section,
    Table,
    columns,
    command_line,
    publish,
)
from bot.content.lexicon_file import load_lexicon
from bot.content.loading import load_catalogue
from bot.domain.search.procedures import ProcedureIndex
from bot.portal import tier

TIER_FILE = ROOT / "portal.json"


def _best(step: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        tier._cache.clear()  # every run reads the file as a new process would
        gc.collect()
        started = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def _memory(step: Callable[[], Any]) -> float:
    tier._cache.clear()
    gc.collect()
    tracemalloc.start()
    kept = step()
    current, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del kept
    return current / 2**20


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    text = TIER_FILE.read_text(encoding="utf-8")
    curated = load_catalogue(PROCEDURES_DIR)
    lexicon = load_lexicon(LEXICON_FILE)
    portal, problems = tier.load_tier(text)
    assert not problems
    merged = curated.with_portal(portal)
    steps: list[tuple[str, int, Callable[[], Any]]] = [
        ("read portal.json (parse + models)", len(portal), lambda: tier.load_tier(text)),
        ("search index, curated only", len(curated), lambda: ProcedureIndex.build(curated, lexicon)),
        ("search index, curated + portal", len(merged), lambda: ProcedureIndex.build(merged, lexicon)),
    ]
    table = Table("Portal tier", columns("step | procedures:d | best ms:.0f | memory MiB:.1f"))
    for name, count, step in steps:
        table.add(name, count, _best(step, args.repeat), _memory(step))
    section = Section(
        "Portal tier: load time and memory",
        command_line("bench.portal_tier", argv or []),
        [table],
        notes=[f"portal.json: {len(text.encode('utf-8')) / 2**20:.1f} MiB, {len(portal)} procedures"],
        code=("portal.json", "bot/portal/tier.py", "bot/portal/derive.py", "bot/domain/search/index.py"),
    )
    publish(section, None if args.no_save else RESULTS_FILE)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
