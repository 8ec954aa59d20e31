"""bench.startup runs its commands in fresh processes and reports well-formed figures (never compared with
a wall-clock limit: the machine may be busy)."""

from __future__ import annotations

from pathlib import Path

from bench import startup
from bench.common import PORTAL_FILE, PROCEDURES_DIR, RESULTS_FILE
from bot.content.loading import load_catalogue
from bot.portal.tier import load_tier


def test_startup_times_the_floors_and_a_cold_and_cached_search_and_server(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    assert results.resolve() != RESULTS_FILE.resolve()
    assert startup.main(["--repeat", "1", "--sizes", "46", "--results", str(results)]) == 0
    text = results.read_text(encoding="utf-8")
    assert "## Start-up: time to the first answer" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert len(rows) == 6
    cells = [[c.strip() for c in row.strip("|").split("|")] for row in rows]
    assert [c[2] for c in cells] == ["-", "-", "cold", "cached", "cold", "cached"]
    assert [c[1] for c in cells[2:]] == ["46"] * 4
    assert [c[0] for c in cells[4:]] == [startup.SERVE] * 2
    for row in cells:
        median, fastest, rss = float(row[3]), float(row[4]), float(row[5])
        assert 0 < fastest <= median and rss > 10  # a Python process holds more than 10 MB


def test_the_grown_portal_tier_loads_with_the_size_asked(tmp_path: Path) -> None:
    curated = len(load_catalogue(PROCEDURES_DIR))
    real, _ = load_tier(PORTAL_FILE.read_text(encoding="utf-8"))
    size = curated + len(real) + 25
    procedures, problems = load_tier(startup.grown_portal(size, tmp_path).read_text(encoding="utf-8"))
    assert problems == ()
    assert len(procedures) == size - curated
    assert len({p.code for p in procedures}) == len(procedures)
