"""Properties of text normalisation and search over whatever a citizen (or an attacker) may type.

Inputs mix what real messages hold — Vietnamese with and without diacritics, decomposed (NFD) accents
from some keyboards, telex leftovers, teencode, digits, ID and phone numbers, emoji, punctuation —
with what only hostile input holds: control characters, NUL, lone surrogates, very long runs. Search
runs on the real catalogue. Whatever comes in: nothing raises, the answer is a valid decision with
valid matches, and equivalent spellings of one question get one answer.
"""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.search.procedures import ProcedureIndex
from bot.domain.text import MAX_INPUT_CHARS, clip, fold, normalize, strip_marks, words
from tests.resilience.support import content

DECISIONS = {"match", "choose", "none"}
VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
WORDS = [
    "khai sinh", "lam giay khai sinh", "đăng ký thường trú", "ct07", "cccd", "vneid", "sổ đỏ",
    "ko", "dc", "j", "bhxh", "giấy phép lái xe", "hộ kinh doanh", "xin", "cho con", "mất", "cấp lại",
    "menu", "quay lại", "001203004567", "0912345678", "?", "!!!", "😀", "👍🏻",
]  # fmt: skip

vietnamese_text = st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + " ,.?0123456789", max_size=80)
phrases = st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join)
anything = st.text(max_size=200)  # any code point, surrogates and controls included
long_runs = st.builds(
    lambda part, times: part * times, st.sampled_from([*WORDS, "a", " ", "\u0301"]), st.integers(1, 3000)
)
decomposed = phrases.map(lambda text: unicodedata.normalize("NFD", text))
questions = st.one_of(vietnamese_text, phrases, anything, long_runs, decomposed)

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def index() -> ProcedureIndex:
    return content().index


@PROPERTY_SETTINGS
@given(questions, st.integers(min_value=-3, max_value=12))
def test_search_always_returns_a_valid_answer(index: ProcedureIndex, query: str, limit: int) -> None:
    result = index.search(query, limit=limit)

    assert result.decision in DECISIONS
    assert len(result.matches) <= max(0, limit)
    assert all(0 <= m.score <= 100 and isinstance(m.score, int) for m in result.matches)
    assert [m.score for m in result.matches] == sorted((m.score for m in result.matches), reverse=True)
    assert len({m.id for m in result.matches}) == len(result.matches)
    assert all(m.id in content().catalogue for m in result.matches)
    if result.decision == "match":
        assert result.matches, "a match names its procedure"
    json.dumps(result.to_json(), ensure_ascii=False)  # the CLI and API print it


@PROPERTY_SETTINGS
@given(st.one_of(vietnamese_text, phrases))
def test_case_spacing_and_composition_do_not_change_the_answer(index: ProcedureIndex, query: str) -> None:
    variants = [
        query.upper(),
        f"  {query.replace(' ', '   ')}\t",
        unicodedata.normalize("NFD", query),
    ]
    expected = index.search(query)
    for variant in variants:
        got = index.search(variant)
        assert (got.decision, got.matches) == (expected.decision, expected.matches), variant


@PROPERTY_SETTINGS
@given(questions)
def test_a_long_message_costs_no_more_than_its_first_part(index: ProcedureIndex, query: str) -> None:
    """Beyond MAX_INPUT_CHARS the rest is not read (clip), so a pasted essay is as cheap as a question."""
    assert index.search(query).matches == index.search(clip(query)).matches


@given(anything)
def test_folding_is_idempotent_and_leaves_no_marks(text: str) -> None:
    folded = fold(text)

    assert fold(folded) == folded
    assert normalize(folded) == folded
    assert not any(unicodedata.combining(c) for c in folded)
    assert "đ" not in folded and "Đ" not in folded


@given(vietnamese_text)
def test_folded_vietnamese_is_plain_lowercase_ascii(text: str) -> None:
    folded = fold(text)

    assert folded.isascii()
    assert folded == folded.lower()
    assert folded == " ".join(folded.split())


@given(anything)
def test_normalize_and_strip_marks_are_idempotent(text: str) -> None:
    assert normalize(normalize(text)) == normalize(text)
    assert strip_marks(strip_marks(text)) == strip_marks(text)


@given(anything)
def test_clip_keeps_a_prefix_within_the_limit(text: str) -> None:
    clipped = clip(text)

    assert len(clipped) <= MAX_INPUT_CHARS
    assert text.startswith(clipped)


@given(anything)
def test_words_are_nonempty_runs_of_letters_and_digits(text: str) -> None:
    for word in words(normalize(text)):
        assert word and all(c.isalnum() for c in word)
