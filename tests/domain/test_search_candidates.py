"""Candidate generation's two ways (groups of entries as bit sets, or entry by entry) give the same list.

`candidates` picks one by how many terms a question has; whichever it picks, the search must answer the
same. Both are run on every question here, on the golden file's frozen catalogues (the real snapshot and
the generated one, where common terms exceed the postings budget and near-namesakes tie).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench.common import read_queries
from bot.domain.catalogue import Catalogue
from bot.domain.lexicon import Lexicon
from bot.domain.search.procedures import ProcedureIndex
from bot.domain.search.score import (
    GROUPED_TERMS,
    SHORTLIST,
    Term,
    _by_entries,
    _by_groups,
    candidates,
    terms_read,
)
from tests.data.make_search_golden import GOLDEN, catalogue_from, generated_catalogue

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def golden() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def base(golden: dict[str, Any]) -> Catalogue:
    return catalogue_from(golden["procedures"])


def questions() -> list[str]:
    """Short questions (few terms) and long ones (a story, then the question: dozens of terms)."""
    texts = [q.query for q in read_queries(DATA / "search_queries.tsv")]
    texts += [q.query.split("\t", 1)[0] for q in read_queries(DATA / "long_questions.tsv")]
    return [t for t in texts if t != "query"]


def both_ways(index: ProcedureIndex, extra: list[str] | None = None) -> tuple[int, int]:
    """Compare the two ways on every question; how many questions took each way in `candidates`."""
    grouped = by_entry = 0
    inner = index._index  # the index's layout is what is under test
    for text in questions() + (extra or []):
        terms: list[Term] = index._query_terms(text)[0]
        known = terms_read(inner, terms)
        groups, entries = _by_groups(inner, known), _by_entries(inner, known)
        assert groups == entries, text
        assert candidates(inner, terms) == groups, text
        assert len(groups) <= SHORTLIST
        grouped += len(known) <= GROUPED_TERMS
        by_entry += len(known) > GROUPED_TERMS
    return grouped, by_entry


def test_both_ways_agree_on_the_real_catalogue(base: Catalogue, golden: dict[str, Any]) -> None:
    grouped, by_entry = both_ways(ProcedureIndex.build(base, Lexicon.model_validate(golden["lexicon"])))
    assert grouped and by_entry  # each way was really taken by some questions


def test_both_ways_agree_where_postings_exceed_the_budget_and_names_tie(
    base: Catalogue, golden: dict[str, Any]
) -> None:
    catalogue, generated = generated_catalogue(base)
    index = ProcedureIndex.build(catalogue, Lexicon.model_validate(golden["lexicon"]))
    grouped, by_entry = both_ways(index, generated)
    assert grouped and by_entry
