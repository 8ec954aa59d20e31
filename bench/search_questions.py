"""Search quality on citizens' questions, with and without the portal tier: the bot's own index (catalogue,
lexicon and the topics of flows.yaml), as it answers in the chat.

    python -m bench.search_questions [--no-write]

Sets: the held-out dev set (short questions, ../shared/eval/dev_queries.tsv), the long questions
(tests/data/long_questions.tsv: a story, then the question) and the portal-only questions
(tests/data/portal_questions.tsv, gold = national codes, answerable only with the portal tier).
Answered top-1 / top-3: the right procedure first / in the first three of an answer that is not "none";
none-accuracy: the share of NONE questions answered "none".
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench.common import (
    DEV_QUERIES,
    LONG_QUERIES,
    PORTAL_FILE,
    PORTAL_QUERIES,
    ROOT,
    Section,
    Table,
    columns,
    command_line,
    progress,
    publish,
    read_queries,
    share,
)
from bot.content.model import load_content
from bot.domain.search.procedures import ProcedureIndex

CODE = (
    "bot/domain/search/procedures.py",
    "bot/domain/search/topics.py",
    "bot/domain/search/prior.py",
    "bot/domain/search/actions.py",
    "bot/domain/question_parts.py",
    "lexicon.yaml",
    "flows.yaml",
)


def _index(portal: bool) -> ProcedureIndex:
    return load_content(
        ROOT / "procedures", ROOT / "flows.yaml", ROOT / "lexicon.yaml", PORTAL_FILE if portal else None
    ).index


def _answers(index: ProcedureIndex, query: str, by_code: bool) -> list[str]:
    result = index.search(query)
    if result.decision == "none":
        return []
    return [(m.code or "") if by_code else m.id for m in result.matches]


def _measure(
    index: ProcedureIndex, path: Path, by_code: bool = False, skip: frozenset[str] = frozenset()
) -> tuple[float, float, float, int, int]:
    top1 = top3 = asked = unrelated = right_none = 0
    for row in read_queries(path):
        query = row.query.split("\t", 1)[0]  # a third column is the question's source
        if query == "query" or query in skip:
            continue  # the header of a file whose first column is not called "gold"; a question set aside
        gold = row.gold
        got = _answers(index, query, by_code)
        if not gold:
            unrelated += 1
            right_none += not got
            continue
        asked += 1
        top1 += bool(got) and got[0] in gold
        top3 += any(g in gold for g in got[:3])
    return share(top1, asked), share(top3, asked), share(right_none, unrelated), asked, unrelated


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-write", action="store_true", help="print only; do not append to RESULTS.md")
    args = parser.parse_args(argv)
    command = command_line("bench.search_questions", sys.argv[1:] if argv is None else list(argv))
    section = Section("Search on citizens' questions, with and without the portal tier", command, code=CODE)
    result = Table(
        "Answered top-1, top-3 and none-accuracy",
        columns("catalogue | set | questions:d | unrelated:d | top-1 %:.1f | top-3 %:.1f | none %:.1f"),
    )
    section.tables.append(result)
    for portal in (False, True) if PORTAL_FILE.exists() else (False,):
        started = time.perf_counter()
        index = _index(portal)
        catalogue = "curated + portal tier" if portal else "curated only"
        progress(f"{catalogue}: index built in {time.perf_counter() - started:.1f} s")
        sets = [("dev (short)", DEV_QUERIES, False), ("long questions", LONG_QUERIES, False)]
        sets += [("portal-only questions", PORTAL_QUERIES, True)] if portal else []
        for name, path, by_code in sets:
            if path.exists():
                top1, top3, none, asked, unrelated = _measure(index, path, by_code)
                result.add(catalogue, name, asked, unrelated, top1, top3, none if unrelated else "—")
        if portal and LONG_QUERIES.exists() and PORTAL_QUERIES.exists():
            # Some NONE rows of the long set are portal-only questions (none of the curated procedures
            # answers them; a portal one does, and the portal-only set measures it): with the portal
            # tier, "none" is no longer the right answer to them.
            answered = frozenset(row.query.split("\t", 1)[0] for row in read_queries(PORTAL_QUERIES))
            top1, top3, none, asked, unrelated = _measure(index, LONG_QUERIES, skip=answered)
            name = "long questions without the portal-only ones"
            result.add(catalogue, name, asked, unrelated, top1, top3, none)
    publish(section, None if args.no_write else ROOT / "bench" / "RESULTS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
