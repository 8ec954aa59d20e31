"""Vietnamese normalisation: folding, spelling variants, telex leftovers, run-together words, typos."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.text import (
    MAX_INPUT_CHARS,
    Speller,
    canonical_spelling,
    clip,
    fold,
    has_marks,
    is_syllable,
    split_run_together,
    telex_candidates,
    words,
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đăng ký khai sinh", "dang ky khai sinh"),
        ("ĐĂNG KÝ TẠM TRÚ", "dang ky tam tru"),
        ("đđ Đđ", "dd dd"),
        ("  Giấy   phép\tlái\nxe  ", "giay phep lai xe"),
        ("Căn cước công dân", "can cuoc cong dan"),
        ("Nguyễn Thị Ánh Tuyết", "nguyen thi anh tuyet"),
        ("CT07", "ct07"),
        ("", ""),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_reads_decomposed_input_like_composed() -> None:
    composed = "Thủ tục hành chính Đồng Nai"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert fold(decomposed) == fold(composed) == "thu tuc hanh chinh dong nai"


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    once = fold(text)
    assert fold(once) == once


VIETNAMESE_LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxy ĐÂàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
)


@given(st.text(alphabet=VIETNAMESE_LETTERS))
def test_fold_of_vietnamese_is_plain_ascii(text: str) -> None:
    assert fold(text).isascii()


def test_words_drop_punctuation_and_emoji() -> None:
    assert words("làm cccd ở đâu??? 🙂 (gấp)") == ["làm", "cccd", "ở", "đâu", "gấp"]


def test_has_marks() -> None:
    assert has_marks("tạm")
    assert has_marks("đi")
    assert not has_marks("khai")
    assert not has_marks("ct07")


@pytest.mark.parametrize(
    ("word", "canonical"),
    [
        ("lý", "lí"),
        ("ký", "kí"),
        ("ky", "ki"),
        ("mỹ", "mĩ"),
        ("hoá", "hóa"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("uỷ", "ủy"),
        ("quý", "quý"),  # qu is a consonant: the mark stays on y
        ("tuy", "tuy"),
        ("hoàn", "hoàn"),  # a closed syllable has one place for its mark
        ("khai", "khai"),
    ],
)
def test_canonical_spelling(word: str, canonical: str) -> None:
    assert canonical_spelling(word) == canonical


def test_is_syllable() -> None:
    for word in ("xem", "nghieng", "khuya", "truong", "anh", "o"):
        assert is_syllable(word), word
    for word in ("snh", "kys", "phapp", "khaisinh", "dawng", "ct07", "nguyeenx"):
        assert not is_syllable(word), word


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("kys", "ki"),
        ("tamj", "tam"),
        ("nguyeenx", "nguyen"),
        ("ddawng", "dang"),
        ("truwf", "tru"),
    ],
)
def test_telex_candidates(typed: str, expected: str) -> None:
    assert expected in telex_candidates(typed)


def test_telex_candidates_ignore_accented_and_plain_words() -> None:
    assert telex_candidates("ký") == []
    assert telex_candidates("khai") == []


def test_split_run_together() -> None:
    known = {"giay", "khai", "sinh", "kha", "tam", "tru"}
    assert split_run_together("giaykhaisinh", known) == ["giay", "khai", "sinh"]
    assert split_run_together("tamtru", known) == ["tam", "tru"]
    assert split_run_together("khai", known) is None  # one part is not a split
    assert split_run_together("khaixyz", known) is None


def test_clip_keeps_short_text_and_cuts_long_text_at_a_word() -> None:
    assert clip("làm căn cước") == "làm căn cước"
    long = "làm căn cước " * 100_000 + "hỏi gì"
    clipped = clip(long)
    assert len(clipped) <= MAX_INPUT_CHARS
    head, tail = clipped.split(" … ")
    assert long.startswith(head + " ")  # the beginning, cut between two words
    assert long.endswith(" " + tail) and tail.endswith("hỏi gì")  # and the end


SPELLER = Speller(
    {"khai": 5, "sinh": 4, "giay": 9, "ki": 8, "tam": 3, "tru": 3, "ket": 2, "hon": 2, "phap": 1}
)


@pytest.mark.parametrize(
    ("typed", "repaired"),
    [
        ("snh", ["sinh"]),  # a missing letter
        ("phapp", ["phap"]),  # a letter too many
        ("kys", ["ki"]),  # a telex tone key
        ("giaykhaisinh", ["giay", "khai", "sinh"]),  # run together
        ("tamtru", ["tam", "tru"]),
    ],
)
def test_speller_repairs(typed: str, repaired: list[str]) -> None:
    assert SPELLER.repair(typed) == repaired


def test_speller_leaves_real_words_it_does_not_know() -> None:
    assert SPELLER.repair("xem") is None  # a real syllable: a different word, not a typo of "ket"
    assert SPELLER.repair("zzzzzz") is None
    assert SPELLER.repair("ab") is None
    assert "khai" in SPELLER
    assert "xem" not in SPELLER
