"""Search quality on the real catalogue: our tuning set, and the held-out dev set when it is present.

Run with `pytest -s tests/domain/test_search_quality.py` to see the figures. Each file holds lines
`gold<TAB>query`; gold is procedure ids joined by "|" (any of them is right) or NONE (the answer
must be decision "none"). A question with a gold id counts as wrong when the decision is "none".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.domain.search import ProcedureIndex
from bot.lexicon_file import load_lexicon
from bot.loading import load_catalogue

ROOT = Path(__file__).parents[2]
TUNING = ROOT / "tests" / "data" / "search_queries.tsv"
DEV = Path("/work/shared/eval/dev_queries.tsv")

TOP1, TOP3, NONE_ACCURACY = 0.92, 0.98, 0.90


@dataclass(frozen=True)
class Labelled:
    gold: frozenset[str]  # empty: about no procedure
    query: str


@dataclass(frozen=True)
class Quality:
    top1: float
    top3: float
    none_accuracy: float
    questions: int
    unrelated: int
    misses: tuple[str, ...]

    def report(self, name: str) -> str:
        return (
            f"\n{name}: top-1 {self.top1:.3f}, top-3 {self.top3:.3f}, none-accuracy {self.none_accuracy:.3f}"
            f" ({self.questions} questions, {self.unrelated} unrelated)"
            + "".join(f"\n  miss: {miss}" for miss in self.misses)
        )


def read_labelled(path: Path) -> list[Labelled]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        gold, sep, query = line.partition("\t")
        if number == 1 and gold.strip().lower() == "gold":
            continue  # a header line
        assert sep, f"{path}:{number}: expected gold<TAB>query"
        ids = frozenset() if gold.strip() == "NONE" else frozenset(gold.strip().split("|"))
        rows.append(Labelled(ids, query))
    return rows


def measure(index: ProcedureIndex, rows: list[Labelled]) -> Quality:
    top1 = top3 = questions = unrelated = right_none = 0
    misses = []
    for row in rows:
        result = index.search(row.query)
        ids = [m.id for m in result.matches] if result.decision != "none" else []
        if not row.gold:
            unrelated += 1
            right_none += result.decision == "none"
            if result.decision != "none":
                misses.append(f"NONE {row.query!r} -> {result.decision} {ids[:3]}")
            continue
        questions += 1
        top1 += bool(ids) and ids[0] in row.gold
        top3 += any(i in row.gold for i in ids[:3])
        if not ids or ids[0] not in row.gold:
            misses.append(f"{'|'.join(sorted(row.gold))} {row.query!r} -> {result.decision} {ids[:3]}")
    return Quality(
        top1 / max(1, questions),
        top3 / max(1, questions),
        right_none / max(1, unrelated),
        questions,
        unrelated,
        tuple(misses),
    )


@pytest.fixture(scope="module")
def index() -> ProcedureIndex:
    return ProcedureIndex.build(load_catalogue(ROOT / "procedures"), load_lexicon(ROOT / "lexicon.yaml"))


def check(index: ProcedureIndex, path: Path, name: str) -> None:
    rows = read_labelled(path)
    known = set(load_catalogue(ROOT / "procedures"))
    unknown = {i for row in rows for i in row.gold} - known
    assert not unknown, f"{path} names procedures the catalogue lacks: {sorted(unknown)}"
    quality = measure(index, rows)
    print(quality.report(name))
    assert quality.questions and quality.unrelated, f"{path} needs both kinds of question"
    assert quality.top1 >= TOP1, quality.report(name)
    assert quality.top3 >= TOP3, quality.report(name)
    assert quality.none_accuracy >= NONE_ACCURACY, quality.report(name)


def test_quality_on_the_tuning_set(index: ProcedureIndex) -> None:
    check(index, TUNING, "tuning set (tests/data/search_queries.tsv)")


@pytest.mark.skipif(not DEV.exists(), reason="the held-out dev set is not on this machine")
def test_quality_on_the_dev_set(index: ProcedureIndex) -> None:
    check(index, DEV, "dev set (held out)")
