"""Search quality and speed: Motcua's ProcedureIndex against bm25s and rapidfuzz on the same text and queries.

Every engine sees each procedure's name + aliases + keywords, folded with `bot.domain.text.fold` (Motcua
also gets a row on its full catalogue records, which is how the bot runs). bm25s and rapidfuzz have no
"nothing relevant" answer of their own, so each gets a score threshold chosen on the tuning set
(tests/data/search_queries.tsv), never on the dev set; the thresholds are printed with the results.

    python -m bench.search_peers [--queries ../shared/eval/dev_queries.tsv] [--repeat 20] [--results FILE]
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import bm25s  # type: ignore[import-untyped]
import numpy as np
from rapidfuzz import fuzz, process, utils

from bench.common import (
    DEV_QUERIES,
    LATENCY_COLUMNS,
    LEXICON_FILE,
    PROCEDURES_DIR,
    RESULTS_FILE,
    SEARCH_CODE,
    TUNING_QUERIES,
    LabelledQuery,
    Section,
    Table,
    columns,
    command_line,
    progress,
    publish,
    read_queries,
    share,
    timings,
)
from bot.content.lexicon_file import load_lexicon
from bot.content.loading import load_catalogue
from bot.domain.catalogue import Catalogue, Procedure
from bot.domain.lexicon import Lexicon
from bot.domain.search.procedures import ProcedureIndex
from bot.domain.text import fold

TOKEN = re.compile(r"(?u)\b\w+\b")  # keeps one-letter syllables ("y" in "y tế")
DEPTH = 5  # candidates each engine returns


@dataclass(frozen=True)
class Answer:
    ranked: tuple[str, ...]  # distinct procedure ids, best first
    score: float  # the best candidate's score, in the engine's own units
    none: bool | None  # the engine's own "nothing relevant" decision; None: it has no such notion


class SearchEngine(Protocol):
    name: str

    def answer(self, query: str) -> Answer: ...

    def timed(self, query: str) -> object:
        """The call whose latency is reported (what a bot would run per message)."""
        ...


def matched_text(p: Procedure) -> list[str]:
    return [p.name, *p.aliases, *p.keywords]


def same_text_only(catalogue: Catalogue) -> Catalogue:
    """The catalogue with every searchable field reduced to name + aliases + keywords, like the peers see."""
    reduced = []
    for p in catalogue.procedures():
        update: dict[str, object] = dict.fromkeys(("short_name", "summary", "for_whom", "result"), p.name)
        update["documents"] = [p.documents[0].model_copy(update={"name": p.name})]
        reduced.append(p.model_copy(update=update))
    return Catalogue(reduced)


class MotcuaEngine:
    def __init__(self, name: str, catalogue: Catalogue, lexicon: Lexicon) -> None:
        self.name = name
        self.index = ProcedureIndex.build(catalogue, lexicon)

    def answer(self, query: str) -> Answer:
        result = self.index.search(query, limit=DEPTH)
        ranked = tuple(m.id for m in result.matches)
        return Answer(ranked, float(result.matches[0].score) if ranked else 0.0, result.decision == "none")

    def timed(self, query: str) -> object:
        return self.index.search(query, limit=DEPTH)


class Bm25Engine:
    name = "bm25s"

    def __init__(self, catalogue: Catalogue, texts: Callable[[Procedure], list[str]] = matched_text) -> None:
        self.ids = list(catalogue)
        corpus = [fold(" . ".join(texts(catalogue[i]))) for i in self.ids]
        tokens = bm25s.tokenize(corpus, token_pattern=TOKEN.pattern, stopwords=None, show_progress=False)
        self.retriever = bm25s.BM25()
        self.retriever.index(tokens, show_progress=False)
        self.vocabulary = set(self.retriever.vocab_dict)

    def scores(self, query: str) -> np.ndarray:
        words = [w for w in TOKEN.findall(fold(query)) if w in self.vocabulary]
        return self.retriever.get_scores(words) if words else np.zeros(len(self.ids), dtype=np.float32)

    def answer(self, query: str) -> Answer:
        return self._top(self.scores(query))

    def timed(self, query: str) -> object:
        return self._top(self.scores(query))

    def _top(self, scores: np.ndarray) -> Answer:
        k = min(DEPTH, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        order = top[np.argsort(-scores[top], kind="stable")]
        return Answer(tuple(self.ids[i] for i in order), float(scores[order[0]]), None)


class FuzzyEngine:
    """rapidfuzz `process.extractOne` with WRatio over names, aliases as extra choices of their procedure."""

    name = "rapidfuzz WRatio"

    def __init__(self, catalogue: Catalogue) -> None:
        self.choices: list[str] = []
        self.owner: list[str] = []
        for p in catalogue.procedures():
            for text in [p.name, *p.aliases]:
                self.choices.append(utils.default_process(fold(text)))
                self.owner.append(p.id)

    def timed(self, query: str) -> object:
        return process.extractOne(
            utils.default_process(fold(query)), self.choices, scorer=fuzz.WRatio, processor=None
        )

    def answer(self, query: str) -> Answer:
        best = process.extractOne(
            utils.default_process(fold(query)), self.choices, scorer=fuzz.WRatio, processor=None
        )
        if best is None:
            return Answer((), 0.0, None)
        # extractOne gives the top-1; the next distinct procedures (for top-3) come from the full ranking
        ranked = [self.owner[best[2]]]
        everything = process.extract(
            utils.default_process(fold(query)), self.choices, scorer=fuzz.WRatio, processor=None, limit=None
        )
        for _, _, index in everything:
            if self.owner[index] not in ranked:
                ranked.append(self.owner[index])
            if len(ranked) == DEPTH:
                break
        return Answer(tuple(ranked), float(best[1]), None)


def says_none(answer: Answer, threshold: float | None) -> bool:
    if answer.none is not None:
        return answer.none
    return threshold is None or answer.score < threshold


def decision_accuracy(pairs: Sequence[tuple[Answer, LabelledQuery]], threshold: float | None) -> float:
    """Share of questions handled right: the right top-1 answered, or "none" for a NONE question."""
    right = 0
    for answer, q in pairs:
        silent = says_none(answer, threshold)
        right += silent if not q.gold else (not silent and bool(answer.ranked) and answer.ranked[0] in q.gold)
    return share(right, len(pairs))


def tune_threshold(pairs: Sequence[tuple[Answer, LabelledQuery]]) -> float:
    """The score threshold with the best decision accuracy on these (tuning) pairs; ties: the lowest."""
    scores = sorted({a.score for a, _ in pairs})
    candidates = [scores[0] - 1.0] + [(a + b) / 2 for a, b in itertools.pairwise(scores)]
    candidates.append(scores[-1] + 1.0)
    return max(candidates, key=lambda t: (decision_accuracy(pairs, t), -t))


def quality(pairs: Sequence[tuple[Answer, LabelledQuery]], threshold: float | None) -> list[float]:
    """top-1, top-3, answered right, none-accuracy, decision accuracy (percentages, see the notes)."""
    gold = [(a, q) for a, q in pairs if q.gold]
    nones = [(a, q) for a, q in pairs if not q.gold]
    top1 = sum(bool(a.ranked) and a.ranked[0] in q.gold for a, q in gold)
    top3 = sum(bool(q.gold & set(a.ranked[:3])) for a, q in gold)
    answered = sum(not says_none(a, threshold) and bool(a.ranked) and a.ranked[0] in q.gold for a, q in gold)
    none_right = sum(says_none(a, threshold) for a, _ in nones)
    rates = [share(top1, len(gold)), share(top3, len(gold)), share(answered, len(gold))]
    return [*rates, share(none_right, len(nones)), decision_accuracy(pairs, threshold)]


QUALITY_COLUMNS = columns(
    "engine | none rule | top-1 %:.1f | top-3 %:.1f | answered right %:.1f | "
    "none-accuracy %:.1f | decision acc %:.1f | " + LATENCY_COLUMNS
)


def build_engines(catalogue: Catalogue, lexicon: Lexicon) -> tuple[list[SearchEngine], Table]:
    builds = Table("Build", columns("engine | procedures:d | build ms:.1f"))
    makers: list[tuple[str, Callable[[], SearchEngine]]] = [
        ("motcua (full records)", lambda: MotcuaEngine("motcua (full records)", catalogue, lexicon)),
        (
            "motcua (same text)",
            lambda: MotcuaEngine("motcua (same text)", same_text_only(catalogue), lexicon),
        ),
        ("bm25s", lambda: Bm25Engine(catalogue)),
        ("rapidfuzz WRatio", lambda: FuzzyEngine(catalogue)),
    ]
    engines = []
    for name, make in makers:
        start = time.perf_counter()
        engines.append(make())
        builds.add(name, len(catalogue), (time.perf_counter() - start) * 1000)
    return engines, builds


def run(
    catalogue: Catalogue,
    lexicon: Lexicon,
    query_sets: dict[str, list[LabelledQuery]],
    tuning: list[LabelledQuery],
    repeat: int,
    command: str,
) -> Section:
    section = Section(f"Search vs peers: {len(catalogue)} procedures", command, code=SEARCH_CODE)
    engines, builds = build_engines(catalogue, lexicon)
    section.tables.append(builds)
    thresholds: dict[str, float | None] = {}
    for engine in engines:
        pairs = [(engine.answer(q.query), q) for q in tuning]
        thresholds[engine.name] = None if pairs and pairs[0][0].none is not None else tune_threshold(pairs)
    for set_name, queries in query_sets.items():
        n_none = sum(not q.gold for q in queries)
        table = Table(f"{set_name}: {len(queries)} queries ({n_none} NONE)", QUALITY_COLUMNS)
        for engine in engines:
            progress(f"{set_name}: {engine.name}")
            pairs = [(engine.answer(q.query), q) for q in queries]
            found = quality(pairs, thresholds[engine.name])
            times = timings(engine.timed, [q.query for q in queries], repeat, engine.name)
            threshold = thresholds[engine.name]
            rule = "native" if threshold is None else f"score < {threshold:.2f}"
            table.add(engine.name, rule, *found, *times.summary())
        section.tables.append(table)
    section.notes.append(
        "Peer thresholds (none rule) were chosen on the tuning set tests/data/search_queries.tsv to "
        "maximise decision accuracy; Motcua's search was developed against that set too, so the dev set "
        "is the fair comparison."
    )
    section.notes.append(
        "top-1/top-3: ranking only, over questions that have a gold procedure; answered right: also not "
        "declined; none-accuracy: NONE questions declined; decision acc: both, over all questions. "
        "rapidfuzz latency is extractOne alone (its top-3 comes from an untimed full extract). "
        "Best-of-rounds: each query's fastest round; cpu: this thread's CPU time. Both leave out waiting "
        "for a core on a busy machine."
    )
    return section


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_peers", description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, default=DEV_QUERIES, help="dev queries (gold<TAB>query)")
    parser.add_argument(
        "--tuning", type=Path, default=TUNING_QUERIES, help="tuning queries for peer thresholds"
    )
    parser.add_argument("--procedures", type=Path, default=PROCEDURES_DIR)
    parser.add_argument("--lexicon", type=Path, default=LEXICON_FILE)
    parser.add_argument("--repeat", type=int, default=20, help="timed rounds over each query set")
    parser.add_argument(
        "--limit", type=int, default=0, help="use only the first N queries of each set (0: all)"
    )
    parser.add_argument("--results", type=Path, default=RESULTS_FILE, help="Markdown file to append to")
    args = parser.parse_args(argv)
    catalogue = load_catalogue(args.procedures)
    lexicon = load_lexicon(args.lexicon)
    tuning = read_queries(args.tuning)
    sets = {"tuning": tuning}
    if args.queries.exists():
        sets = {"dev": read_queries(args.queries), **sets}
    else:
        progress(f"{args.queries} not found: running on the tuning set only")
    if args.limit:
        sets = {name: queries[: args.limit] for name, queries in sets.items()}
    argv_text = list(argv) if argv is not None else sys.argv[1:]
    section = run(
        catalogue, lexicon, sets, tuning, args.repeat, command_line("bench.search_peers", argv_text)
    )
    publish(section, args.results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
