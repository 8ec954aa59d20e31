"""The search answers exactly what it answered when tests/data/search_golden.json was recorded.

Every recorded question is asked again with the same limit, over the same frozen inputs, and must get the
same decision, the same procedures in the same order and the same scores. This guards rewrites made for
speed or memory; when the search is meant to answer differently, rerun
`python -m tests.data.make_search_golden` and say why in the commit.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.domain.catalogue import Catalogue
from bot.domain.lexicon import Lexicon
from bot.domain.search.procedures import ProcedureIndex
from tests.data.make_search_golden import (
    GOLDEN,
    answer,
    catalogue_from,
    fingerprint,
    generated_catalogue,
)


@pytest.fixture(scope="module")
def golden() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def lexicon(golden: dict[str, Any]) -> Lexicon:
    return Lexicon.model_validate(golden["lexicon"])


@pytest.fixture(scope="module")
def base(golden: dict[str, Any]) -> Catalogue:
    return catalogue_from(golden["procedures"])


def differences(index: ProcedureIndex, catalogue: Catalogue, recorded: list[dict[str, Any]]) -> list[str]:
    out = []
    for case in recorded:
        got = answer(index, case["query"], case["limit"])
        if got != case:
            out.append(f"{case['query']!r} (limit {case['limit']}):\n  expected {case}\n  got      {got}")
        # The golden keeps ids only; the full JSON must name each procedure as the catalogue does.
        named = index.search(case["query"], limit=case["limit"]).to_json()["matches"]
        if any(m["name"] != catalogue[m["id"]].name for m in named):
            out.append(f"{case['query']!r}: a match does not carry its procedure's name")
    return out


def test_the_golden_file_covers_every_kind_of_answer(golden: dict[str, Any]) -> None:
    everything = golden["real"] + golden["generated_cases"]
    assert {case["decision"] for case in everything} == {"match", "choose", "none"}
    assert len(golden["real"]) >= 215 and len(golden["generated_cases"]) >= 300


def test_real_catalogue_answers_are_unchanged(
    golden: dict[str, Any], base: Catalogue, lexicon: Lexicon
) -> None:
    index = ProcedureIndex.build(base, lexicon)
    changed = differences(index, base, golden["real"])
    assert not changed, f"{len(changed)} answers changed:\n" + "\n".join(changed[:10])


def test_generated_catalogue_answers_are_unchanged(
    golden: dict[str, Any], base: Catalogue, lexicon: Lexicon
) -> None:
    generated, asked = generated_catalogue(base)
    assert fingerprint(generated) == golden["generated"]["fingerprint"], (
        "bench/catalogue_gen.py now makes another catalogue: rerun tests/data/make_search_golden.py "
        "with the search code of the last commit, then compare"
    )
    assert set(asked) <= {case["query"] for case in golden["generated_cases"]}
    index = ProcedureIndex.build(generated, lexicon)
    changed = differences(index, generated, golden["generated_cases"])
    assert not changed, f"{len(changed)} answers changed:\n" + "\n".join(changed[:10])
