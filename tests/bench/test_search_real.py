"""bench.search_real runs end to end on a few questions and reports well-formed figures (never judged on
their values: speed is the benchmark's business, not a test's)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bench.common import RESULTS_FILE


def test_search_real_times_both_engines_on_every_set(tmp_path: Path) -> None:
    pytest.importorskip("bm25s")
    from bench import search_real

    results = tmp_path / "RESULTS.md"
    assert results.resolve() != RESULTS_FILE.resolve()
    argv = ["--limit", "4", "--repeat", "1", "--profile", "--label", "smoke", "--results", str(results)]
    assert search_real.main(argv) == 0
    text = results.read_text(encoding="utf-8")
    assert "procedures as served, smoke" in text
    assert "**All " in text and "cProfile of Motcua's search" in text
    assert "Answers digest" in text and "within 5x of bm25s" in text
    rows = [line.split("|") for line in text.splitlines() if line.startswith(("| motcua |", "| bm25s |"))]
    sets = {row[2].strip() for row in rows if len(row) > 10}
    assert {"tuning (short)", "long", "portal-only"} <= sets
    for row in rows:
        figures = [float(cell) for cell in row[-7:-1]]  # the six latency columns
        assert all(not math.isnan(f) and f >= 0 for f in figures), row
