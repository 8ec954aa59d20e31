"""Topic patterns are tried only when filed under one of the question's words: the same topic is found
as when every pattern is tried in turn, on every question and on the topics' own phrasings."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.common import read_queries
from bot.content.model import load_content
from bot.domain.search.topics import SHORT_SHARE, Pattern, TopicFinder, _holds
from bot.domain.text import fold

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def finder() -> TopicFinder:
    content = load_content(ROOT / "procedures", ROOT / "flows.yaml", ROOT / "lexicon.yaml")
    return content.index._finder  # the finder the bot's search uses


def every_pattern_in_turn(finder: TopicFinder, text: str) -> Pattern | None:
    """_by_pattern as it was before patterns were filed: each one tried, in order."""
    typed = finder._reader.rewritten(text)
    best: Pattern | None = None
    for pattern in finder._patterns:
        alone = not finder._specs[pattern.topic].needs_procedure
        if alone and pattern.size < SHORT_SHARE * len(typed):
            continue
        if (best is None or pattern.size > best.size) and _holds(pattern.runs, typed):
            best = pattern
    return best


def test_filed_patterns_find_what_trying_them_all_finds(finder: TopicFinder) -> None:
    data = ROOT / "tests" / "data"
    texts = [q.query for q in read_queries(data / "search_queries.tsv")]
    texts += [q.query.split("\t", 1)[0] for q in read_queries(data / "long_questions.tsv")]
    phrasings = [p for spec in finder._specs.values() for p in spec.phrasings]
    texts += phrasings + [fold(p) for p in phrasings] + [p.replace("…", " gì đó ") for p in phrasings]
    found = 0
    for text in texts:
        expected = every_pattern_in_turn(finder, text)
        got = finder._by_pattern(text)
        assert (got.spec.id if got else None) == (expected.topic if expected else None), text
        found += got is not None
    assert found > 50  # the patterns were really exercised
