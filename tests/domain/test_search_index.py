"""The search index's compact layout: what each posting and entry holds, on a tiny inline catalogue."""

from __future__ import annotations

import math

import pytest

from bot.domain.catalogue import Catalogue, Procedure
from bot.domain.lexicon import Lexicon, Reader
from bot.domain.search.index import ALIAS, NAME, SUMMARY, Index, build_index
from bot.domain.search.score import Term, candidates
from tests.helpers import make_procedure


def procedure(pid: str, name: str, *aliases: str) -> Procedure:
    return make_procedure(
        id=pid, name=name, short_name=name, summary=f"{name} cho công dân.", aliases=list(aliases)
    )


LEXICON = Lexicon(stop_words=["cho"], off_topic=["giá vàng"])
CATALOGUE = Catalogue(
    [
        procedure("khai-sinh", "Đăng ký khai sinh", "dang ky khai sinh", "làm giấy khai sinh"),
        procedure("khai-tu", "Đăng ký khai tử", "báo tử"),
        procedure("tam-vang", "Khai báo tạm vắng"),
    ]
)


@pytest.fixture(scope="module")
def index() -> Index:
    return build_index(CATALOGUE, LEXICON, Reader(LEXICON))


def entry_number(index: Index, pid: str) -> int:
    return [e.id for e in index.entries].index(pid)


def test_a_phrase_with_the_same_terms_as_an_earlier_one_is_kept_once(index: Index) -> None:
    # Name, short name and the unaccented alias all read "dang ki khai sinh" (ký and kí are one syllable);
    # the summary adds "cong dan".
    entry = index.entries[entry_number(index, "khai-sinh")]
    assert entry.texts == ("dang ki khai sinh", "dang ki khai sinh cong dan", "lam giay khai sinh")
    assert entry.fields == (NAME, SUMMARY, ALIAS)
    assert entry.naming == 1


def test_a_posting_says_the_best_field_and_every_phrase_using_the_term(index: Index) -> None:
    number = entry_number(index, "khai-sinh")
    field, phrases = index.postings["khai sinh"].hits[number]
    assert field == NAME
    assert phrases == (0, 1, 2)
    assert index.postings["lam giay"].hits[number] == (ALIAS, (2,))


def bits(members: int) -> set[int]:
    return {number for number in range(members.bit_length()) if members >> number & 1}


def test_postings_are_in_catalogue_order_and_bit_sets_by_field(index: Index) -> None:
    for found in index.postings.values():
        assert list(found.hits) == sorted(found.hits)
        assert bits(found.everyone) == set(found.hits)
        for field, entries in found.by_field:
            assert bits(entries) == {number for number, hit in found.hits.items() if hit[0] == field}
    by_field = dict(index.postings["sinh"].by_field)
    assert bits(by_field[NAME]) == {entry_number(index, "khai-sinh")}


def test_phrase_totals_are_the_weights_of_their_terms(index: Index) -> None:
    entry = index.entries[entry_number(index, "tam-vang")]
    keys = ["khai", "bao", "tam", "vang", "khai bao", "bao tam", "tam vang"]
    assert math.isclose(entry.totals[0], sum(index.weights[k] for k in keys))


def test_accented_forms_are_bits_of_the_entries_that_use_them(index: Index) -> None:
    vang = index.form_bits["vắng"]
    assert index.entries[entry_number(index, "tam-vang")].forms & vang
    assert not index.entries[entry_number(index, "khai-sinh")].forms & vang
    assert "vàng" in index.form_bits  # from the off-topic phrase, an entry of its own
    assert index.entries[-1].id == ""


def test_candidates_keep_the_order_found_among_equal_totals(index: Index) -> None:
    # "dang ki" weighs the same in both names. Equal totals stay in the order they were read (as with
    # heapq.nlargest): at the shortlist's edge that order decides who is rescored.
    term = Term("dang ki", index.weights["dang ki"], ())
    assert candidates(index, [term]) == [entry_number(index, "khai-sinh"), entry_number(index, "khai-tu")]
