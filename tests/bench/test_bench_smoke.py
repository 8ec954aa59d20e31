"""The benchmarks run end to end on tiny configurations and produce well-formed results.

Only structure and valid ranges are checked, never wall-clock numbers. Every run writes to a temporary
results file: bench/RESULTS.md is only ever appended to by a deliberate benchmark run.
"""

from __future__ import annotations

import importlib
import math
from pathlib import Path

import pytest

from bench import common
from bench.catalogue_gen import generate, generated_queries
from bench.common import (
    RESULTS_FILE,
    TUNING_QUERIES,
    Column,
    Section,
    Table,
    percentile,
    publish,
    read_queries,
)
from bot.content.loading import load_catalogue
from bot.domain.catalogue import Catalogue
from bot.domain.text import fold

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def real_catalogue() -> Catalogue:
    return load_catalogue(ROOT / "procedures")


@pytest.fixture
def results(tmp_path: Path) -> Path:
    return tmp_path / "RESULTS.md"


@pytest.fixture
def small_dev_set(tmp_path: Path) -> Path:
    """A stand-in for the held-out dev set: 20 tuning questions, including NONE ones, with a header."""
    lines = TUNING_QUERIES.read_text(encoding="utf-8").splitlines()
    picked = lines[:15] + [line for line in lines if line.startswith("NONE\t")][:5]
    path = tmp_path / "dev.tsv"
    path.write_text("gold\tquery\n" + "\n".join(picked) + "\n", encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def never_the_real_results_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every benchmark publishes through `publish`; here it refuses bench/RESULTS.md.

    (Comparing the file before and after would fail whenever someone runs a benchmark meanwhile.)"""
    real = common.publish

    def guarded(section: Section, results: Path | None) -> str:
        assert results is None or results.resolve() != RESULTS_FILE.resolve(), "a smoke test chose RESULTS.md"
        return real(section, results)

    for name in ("bench.common", "bench.search_peers", "bench.search_scale", "bench.engine_turns"):
        try:
            module = importlib.import_module(name)
        except ImportError:  # bm25s missing: the tests that need it are skipped
            continue
        monkeypatch.setattr(module, "publish", guarded)


def numbers(table: Table, column: str) -> list[float]:
    values = table.column(column)
    assert all(isinstance(v, int | float) for v in values), values
    return [float(v) for v in values]


def in_percent_range(values: list[float]) -> bool:
    return all(math.isnan(v) or 0.0 <= v <= 100.0 for v in values)


# --- common ---------------------------------------------------------------------------------------------


def test_read_queries_reads_header_none_and_several_gold_ids(tmp_path: Path) -> None:
    path = tmp_path / "q.tsv"
    path.write_text("gold\tquery\nkhai-sinh|lien-thong-khai-sinh\tkhai sinh\n\nNONE\tgiá vàng hôm nay\n")
    queries = read_queries(path)
    assert [q.query for q in queries] == ["khai sinh", "giá vàng hôm nay"]
    assert queries[0].gold == {"khai-sinh", "lien-thong-khai-sinh"}
    assert queries[1].gold == frozenset()


def test_read_queries_rejects_a_line_without_tab(tmp_path: Path) -> None:
    path = tmp_path / "q.tsv"
    path.write_text("khai-sinh khai sinh\n")
    with pytest.raises(ValueError, match=r"q\.tsv:1"):
        read_queries(path)


def test_percentile_interpolates_between_samples() -> None:
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.5
    assert percentile([1.0, 2.0, 3.0], 100) == 3.0
    assert percentile([5.0], 99) == 5.0
    assert math.isnan(percentile([], 50))


def test_publish_appends_sections_under_one_header(results: Path) -> None:
    table = Table("t", [Column("name"), Column("ms", ".2f")])
    table.add("a", 1.234)
    publish(Section("first", "python -m bench.x", [table]), results)
    publish(Section("second", "python -m bench.x", [table], ["a note"], code=("bench/common.py",)), results)
    text = results.read_text(encoding="utf-8")
    assert text.count("# Benchmark results") == 1
    assert "## first (" in text and "## second (" in text
    assert "| a | 1.23 |" in text and "- a note" in text
    assert "cores" in text and "Python" in text and "Load average:" in text
    assert text.count("Code: HEAD ") == 1 and "bench/common.py " in text


# --- search vs peers ------------------------------------------------------------------------------------


def test_search_peers_runs_all_engines_on_both_query_sets(results: Path, small_dev_set: Path) -> None:
    pytest.importorskip("bm25s")
    from bench import search_peers

    argv = ["--queries", str(small_dev_set), "--limit", "20", "--repeat", "1", "--results", str(results)]
    assert search_peers.main(argv) == 0
    text = results.read_text(encoding="utf-8")
    assert "Search vs peers" in text and "**dev: 20 queries (5 NONE)**" in text


def test_search_peers_quality_metrics_are_in_range(real_catalogue: Catalogue, small_dev_set: Path) -> None:
    pytest.importorskip("bm25s")
    from bench.search_peers import run
    from bot.domain.lexicon import Lexicon

    dev = read_queries(small_dev_set)
    tuning = read_queries(TUNING_QUERIES)[:40]
    section = run(real_catalogue, Lexicon.empty(), {"dev": dev, "tuning": tuning}, tuning, 1, "test")
    table = section.table("dev: 20 queries (5 NONE)")
    assert table.column("engine") == [
        "motcua (full records)",
        "motcua (same text)",
        "bm25s",
        "rapidfuzz WRatio",
    ]
    for column in ("top-1 %", "top-3 %", "answered right %", "none-accuracy %", "decision acc %"):
        assert in_percent_range(numbers(table, column)), column
    assert all(t1 <= t3 for t1, t3 in zip(numbers(table, "top-1 %"), numbers(table, "top-3 %"), strict=True))
    assert all(
        0 < p50 <= p99 for p50, p99 in zip(numbers(table, "p50 ms"), numbers(table, "p99 ms"), strict=True)
    )
    rules = table.column("none rule")
    assert rules[:2] == ["native", "native"] and all(str(r).startswith("score < ") for r in rules[2:])


# --- generated catalogue and search at scale ------------------------------------------------------------


def test_generated_catalogue_is_valid_deterministic_and_distinct(real_catalogue: Catalogue) -> None:
    first = generate(real_catalogue, 120, seed=3)
    again = generate(real_catalogue, 120, seed=3)
    other = generate(real_catalogue, 120, seed=4)
    names = [p.name for p in first.catalogue.procedures()]
    assert len(first.catalogue) == 120 and len(set(map(fold, names))) == 120
    assert names == [p.name for p in again.catalogue.procedures()]
    assert names != [p.name for p in other.catalogue.procedures()]
    generated = [first.catalogue[pid] for pid in first.blueprints]
    assert len(generated) == 120 - len(real_catalogue)
    for p in generated:
        assert fold(p.name) in p.aliases  # every generated procedure can be found without diacritics
        assert len(p.short_name) <= 30
        assert p.channels.online == (p.level > 2) and (not p.channels.online or p.online_steps)


def test_generated_queries_point_at_generated_procedures(real_catalogue: Catalogue) -> None:
    made = generate(real_catalogue, 80)
    queries = generated_queries(made, 30)
    assert len(queries) == 30 and queries == generated_queries(made, 30)
    assert all(len(q.gold) == 1 and next(iter(q.gold)) in made.blueprints for q in queries)


def test_search_scale_reports_build_memory_latency_and_targets(results: Path, small_dev_set: Path) -> None:
    pytest.importorskip("bm25s")
    pytest.importorskip("pyinstrument")
    from bench import search_scale

    argv = [
        "--size",
        "50",
        "--generated",
        "20",
        "--limit",
        "20",
        "--repeat",
        "1",
        "--profile",
        "--queries",
        str(small_dev_set),
        "--results",
        str(results),
    ]
    assert search_scale.main(argv) == 0
    text = results.read_text(encoding="utf-8")
    assert "Search at scale: 50 procedures" in text
    assert "Target p99 <= 5 ms:" in text and "Target within 10x of bm25s:" in text
    assert "Profile of Motcua's search" in text


def test_search_scale_tables_have_a_row_per_engine_and_query_set(real_catalogue: Catalogue) -> None:
    pytest.importorskip("bm25s")
    from bench.search_scale import run
    from bot.domain.lexicon import Lexicon

    tuning = read_queries(TUNING_QUERIES)[:20]
    section = run(real_catalogue, Lexicon.empty(), {"tuning": tuning}, 50, 20, 1, 1, False, "test")
    summary = section.tables[0]
    assert summary.column("engine") == ["motcua", "bm25s"]
    assert all(v > 0 for v in numbers(summary, "build s"))
    assert all(v > 0 for v in numbers(summary, "tracemalloc peak MB"))
    by_set = section.table("Latency by query set")
    assert by_set.column("query set") == ["tuning", "generated"] * 2
    assert in_percent_range(numbers(section.table("Ranking at scale (informative)"), "top-3 %"))


# --- engine turns ---------------------------------------------------------------------------------------


def test_engine_turns_drives_conversations_and_measures_storage(results: Path) -> None:
    from bench import engine_turns

    pytest.importorskip("pyinstrument")
    assert engine_turns.main(["--conversations", "20", "--profile", "--results", str(results)]) == 0
    text = results.read_text(encoding="utf-8")
    assert "Engine turns and stored conversations: 20 conversations" in text
    assert "| handle (core.py:" in text  # the profile reaches into the engine


def test_engine_turns_tables_are_consistent() -> None:
    from bench.engine_turns import run
    from bot.content.model import load_content

    content = load_content(ROOT / "procedures", ROOT / "flows.yaml", ROOT / "lexicon.yaml")
    questions = [q.query for q in read_queries(TUNING_QUERIES)[:20]]
    section = run(content, questions, 15, 5, "test")
    summary = section.tables[0]
    turns = int(numbers(summary, "turns")[0])
    assert turns >= 15 * 2  # every conversation starts and asks a question
    assert numbers(summary, "turns without reply") == [0.0]
    kinds = section.table("Latency by kind of turn")
    assert {"start", "search", "menu"} <= set(map(str, kinds.column("turn")))
    assert sum(numbers(kinds, "count")) == turns
    storage = section.table("Stored conversations (final state of each)")
    assert all(v > 0 for v in numbers(storage, "per conversation"))
