"""The end-to-end benchmark runs on a tiny load and reports well-formed, checked numbers.

Structure and invariants only (every citizen served exactly once, shares within 0..100), never speed.
"""

from __future__ import annotations

import math

import pytest

from bench.common import LEXICON_FILE, PORTAL_FILE, PROCEDURES_DIR, ROOT, Table
from bench.e2e_profile import fold
from bench.e2e_throughput import PG_DEFAULT, SETUPS, run
from bot.content.model import load_content

pytestmark = pytest.mark.e2e


def test_a_small_run_serves_every_citizen_exactly_once() -> None:
    content = load_content(PROCEDURES_DIR, ROOT / "flows.yaml", LEXICON_FILE, PORTAL_FILE)

    section = run(content, [SETUPS["sqlite"]], citizens=3, turns=3, seed=7, pg_url=PG_DEFAULT, profile=False)

    table = section.table("Zalo webhooks to delivered replies")
    (row,) = table.rows
    cells = dict(zip([c.name for c in table.columns], row, strict=True))
    assert cells["setup"] == "1 worker, SQLite"
    assert (cells["citizens"], cells["turns"]) == (3, 9)
    assert (cells["exactly once"], cells["duplicates"], cells["missing"]) == (3, 0, 0)
    assert isinstance(cells["messages"], int) and cells["messages"] >= 9
    for name in ("messages/s", "p50 ms", "p99 ms", "server CPU cores", "peak RSS MiB"):
        value = cells[name]
        assert isinstance(value, float) and math.isfinite(value) and value > 0, name
    assert "| 1 worker, SQLite | 3 | 9 |" in table.markdown()


def test_py_spy_stacks_fold_into_self_and_inclusive_shares() -> None:
    stacks = [
        'process 1:"python";main (app.py);handle (service.py);execute (sqlalchemy/engine/base.py) 6',
        'process 1:"python";main (app.py);handle (service.py) 2',
        'process 1:"python";main (app.py);send (httpx/_client.py) 2',
        "not a stack line",
    ]

    table: Table = fold(stacks, "profile")

    shares = {row[0]: (row[1], row[2]) for row in table.rows}
    assert shares["execute (engine/base.py)"] == (60.0, 60.0)
    assert shares["handle (service.py)"] == (20.0, 80.0)
    assert shares["send (httpx/_client.py)"] == (20.0, 20.0)
    assert "main (app.py)" not in shares  # never on top of a stack: no self time, not listed


def test_the_baseline_is_measured_in_the_same_run_and_compared() -> None:
    content = load_content(PROCEDURES_DIR, ROOT / "flows.yaml", LEXICON_FILE, PORTAL_FILE)

    section = run(
        content,
        [SETUPS["sqlite"]],
        citizens=2,
        turns=2,
        seed=7,
        pg_url=PG_DEFAULT,
        profile=False,
        baseline_seconds=1.0,
    )

    baseline = section.tables[2]
    (row,) = baseline.rows
    cells = dict(zip([c.name for c in baseline.columns], row, strict=True))
    assert baseline.title.startswith("Baseline") and cells["setup"] == "1 worker, SQLite"
    assert isinstance(cells["requests"], int) and cells["requests"] > 0
    for name in ("requests/s", "CPU ms per request"):
        value = cells[name]
        assert isinstance(value, float) and math.isfinite(value) and value > 0, name
    (compared,) = section.table("Before and after, and against the baseline (same run)").rows
    ratio = compared[-2]
    assert isinstance(ratio, float) and math.isfinite(ratio) and ratio > 0  # after ÷ baseline, per message
