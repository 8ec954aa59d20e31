"""ProcedureIndex on small inline catalogues: each requirement of the search, one test at a time."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.content.lexicon_file import load_lexicon
from bot.domain.catalogue import Catalogue, Procedure
from bot.domain.lexicon import Lexicon, Reader
from bot.domain.search.procedures import Match, ProcedureIndex, SearchResult
from bot.errors import ContentInvalid


def procedure(
    pid: str, name: str, aliases: tuple[str, ...] = (), keywords: tuple[str, ...] = ()
) -> Procedure:
    return Procedure.model_validate(
        {
            "id": pid,
            "name": name,
            "short_name": name[:30],
            "summary": f"{name} cho công dân.",
            "for_whom": "Công dân",
            "aliases": list(aliases),
            "keywords": list(keywords),
            "sector": "Thử nghiệm",
            "level": 2,
            "agency": {"name": "Ủy ban nhân dân cấp xã", "level": "xã", "where": "Bộ phận Một cửa"},
            "channels": {"online": False, "post": False},
            "documents": [{"name": "Tờ khai", "kind": "form"}],
            "fee": {"free": True, "text": "Miễn phí"},
            "processing_time": {"text": "1 ngày"},
            "result": "Kết quả",
            "contact": {"office": "Bộ phận Một cửa"},
        }
    )


LEXICON = Lexicon(
    abbreviations={"ko": "không", "k": "không", "dc": "được", "đk": "đăng ký", "dk": "đăng ký", "j": "gì"},
    synonyms=[["trực tuyến", "online"], ["mất", "qua đời"]],
    fillers=["cho em hỏi", "admin ơi", "ad ơi", "ạ", "với ạ", "giùm em", "ở đâu", "thế nào"],
    stop_words=["em", "có", "không", "được", "gì", "thì", "là", "phải", "cần"],
    off_topic=["học lái xe", "giá vàng"],
)

CATALOGUE = Catalogue(
    [
        procedure("khai-sinh", "Đăng ký khai sinh", ("làm giấy khai sinh", "khai sinh cho con")),
        procedure("khai-tu", "Đăng ký khai tử", ("báo tử", "giấy chứng tử", "người nhà mất")),
        procedure("ket-hon", "Đăng ký kết hôn", ("làm giấy kết hôn", "hôn thú")),
        procedure("tam-tru", "Đăng ký tạm trú", ("khai báo tạm trú", "tạm trú cho người thuê trọ")),
        procedure("tam-vang", "Khai báo tạm vắng", ("tạm vắng",)),
        procedure("gia-han-tam-tru", "Gia hạn tạm trú", ("tạm trú sắp hết hạn",)),
        procedure("chung-thuc-ban-sao", "Chứng thực bản sao từ bản chính", ("photo công chứng",)),
        procedure("chung-thuc-chu-ky", "Chứng thực chữ ký", ("xác nhận chữ ký",)),
        procedure("can-cuoc", "Cấp đổi thẻ căn cước", ("CCCD", "làm căn cước")),
        procedure("ly-lich-tu-phap", "Cấp phiếu lý lịch tư pháp", ("LLTP",)),
        procedure("doi-gplx", "Đổi giấy phép lái xe", ("đổi bằng lái xe", "GPLX")),
        procedure("ho-chieu", "Cấp hộ chiếu phổ thông", ("làm hộ chiếu", "passport")),
    ]
)


@pytest.fixture(scope="module")
def index() -> ProcedureIndex:
    return ProcedureIndex.build(CATALOGUE, LEXICON)


def top(result: SearchResult) -> str:
    assert result.matches, f"no match for {result.query!r}"
    return result.matches[0].id


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Đăng ký khai sinh", "khai-sinh"),
        ("dang ky khai sinh", "khai-sinh"),
        ("báo tử", "khai-tu"),
        ("lam giay ket hon", "ket-hon"),
        ("cccd", "can-cuoc"),
        ("LLTP", "ly-lich-tu-phap"),
        ("lí lịch tư pháp", "ly-lich-tu-phap"),  # lí and lý are one syllable
        ("photo cong chung", "chung-thuc-ban-sao"),
    ],
)
def test_names_aliases_and_plain_typing_match(index: ProcedureIndex, query: str, expected: str) -> None:
    result = index.search(query)
    assert result.decision == "match"
    assert top(result) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("khai snh", "khai-sinh"),  # a letter left out
        ("ly lich tu phapp", "ly-lich-tu-phap"),  # a letter too many
        ("dang kys ket hon", "ket-hon"),  # telex tone key left in
        ("ddawng kys tamj trus", "tam-tru"),  # telex everywhere
        ("khaisinh", "khai-sinh"),  # run together
        ("giaykhaisinh", "khai-sinh"),
        ("lamcancuoc", "can-cuoc"),
    ],
)
def test_typos_telex_and_run_together_words(index: ProcedureIndex, query: str, expected: str) -> None:
    result = index.search(query)
    assert result.decision != "none"
    assert top(result) == expected


def test_fillers_change_nothing(index: ProcedureIndex) -> None:
    plain = index.search("đăng ký kết hôn")
    polite = index.search("ad ơi cho em hỏi đăng ký kết hôn ở đâu với ạ")
    assert polite.matches == plain.matches
    assert polite.decision == plain.decision == "match"


def test_teencode_reads_as_the_words_it_stands_for(index: ProcedureIndex) -> None:
    assert index.search("đk tạm trú ko").matches == index.search("đăng ký tạm trú không").matches
    assert top(index.search("dk tam tru dc k")) == "tam-tru"


def test_synonyms_reach_the_procedure_words(index: ProcedureIndex) -> None:
    assert top(index.search("người nhà qua đời")) == "khai-tu"
    assert index.search("làm hộ chiếu online").matches == index.search("làm hộ chiếu trực tuyến").matches


def test_a_long_rambling_question_finds_its_procedure(index: ProcedureIndex) -> None:
    result = index.search("nhà em có người nhà vừa mất hôm qua thì bây giờ phải làm cái gì ở xã ạ")
    assert result.decision != "none"
    assert top(result) == "khai-tu"


def test_accented_match_outranks_folded_match() -> None:
    # Two names that fold to the same letters: the diacritics the citizen typed decide.
    twins = Catalogue(
        [procedure("tam-vang", "Khai báo tạm vắng"), procedure("tam-vang-2", "Khai báo tâm vàng")]
    )
    index = ProcedureIndex.build(twins, Lexicon.empty())
    first = index.search("tạm vắng")
    second = index.search("tâm vàng")
    assert first.matches[0].id == "tam-vang"
    assert all(m.score < first.matches[0].score for m in first.matches[1:])
    assert second.matches[0].id == "tam-vang-2"
    assert all(m.score < second.matches[0].score for m in second.matches[1:])
    unaccented = index.search("tam vang")  # no accents typed: both are possible, a little less surely
    assert {m.id for m in unaccented.matches} == {"tam-vang", "tam-vang-2"}
    assert unaccented.matches[0].score == unaccented.matches[1].score < first.matches[0].score


def test_other_diacritics_are_another_word(index: ProcedureIndex) -> None:
    # "giá vàng" folds to "gia vang", the letters of "gia hạn" and "tạm vắng".
    assert index.search("giá vàng").decision == "none"


def test_ambiguous_words_ask_the_citizen(index: ProcedureIndex) -> None:
    result = index.search("chứng thực")
    assert result.decision == "choose"
    assert {m.id for m in result.matches[:2]} == {"chung-thuc-ban-sao", "chung-thuc-chu-ky"}


@pytest.mark.parametrize(
    "query",
    ["giá vàng hôm nay", "kể chuyện cười đi", "thời tiết ngày mai", "học lái xe ở đâu", "xyzzy qwerty", "ok"],
)
def test_unrelated_questions_are_none(index: ProcedureIndex, query: str) -> None:
    assert index.search(query).decision == "none"


@pytest.mark.parametrize("query", ["", "   ", "🙂🙂🙂", "???!!!", "ạ", "cho em hỏi", "ko"])
def test_empty_and_content_free_questions_are_none(index: ProcedureIndex, query: str) -> None:
    result = index.search(query)
    assert result.decision == "none"
    assert result.matches == ()


def test_off_topic_phrase_does_not_block_a_real_request(index: ProcedureIndex) -> None:
    assert top(index.search("đổi bằng lái xe")) == "doi-gplx"
    assert index.search("học lái xe").decision == "none"


def test_a_megabyte_of_text_is_cheap_and_safe(index: ProcedureIndex) -> None:
    text = "cho em hỏi đăng ký khai sinh " + "bla " * 250_000
    started = time.process_time()
    result = index.search(text)
    assert time.process_time() - started < 0.5
    assert result.query == text
    assert top(result) == "khai-sinh"


def test_limit_is_respected(index: ProcedureIndex) -> None:
    assert len(index.search("đăng ký", limit=2).matches) <= 2
    assert len(index.search("đăng ký khai sinh", limit=1).matches) == 1
    none = index.search("đăng ký khai sinh", limit=0)
    assert none.matches == ()
    assert none.decision == "none"


@pytest.mark.parametrize("query", ["đăng ký", "khai sinh", "tam tru", "chứng thực chữ ký", "cccd mất"])
def test_scores_are_0_to_100_best_first(index: ProcedureIndex, query: str) -> None:
    result = index.search(query)
    scores = [m.score for m in result.matches]
    assert all(0 <= s <= 100 for s in scores)
    assert scores == sorted(scores, reverse=True)
    assert len({m.id for m in result.matches}) == len(result.matches) <= 5


def test_to_json_follows_the_contract(index: ProcedureIndex) -> None:
    result = index.search("báo tử")
    assert result.to_json() == {
        "query": "báo tử",
        "decision": result.decision,
        "matches": [
            {"id": m.id, "name": m.name, "code": m.code, "tier": m.tier, "score": m.score}
            for m in result.matches
        ],
    }
    best = result.to_json()["matches"][0]
    assert (best["id"], best["name"], best["tier"]) == ("khai-tu", "Đăng ký khai tử", "curated")
    assert best["score"] >= 90
    assert isinstance(result.matches[0], Match) and result.matches[0].kind == "procedure"


def test_an_empty_lexicon_still_searches() -> None:
    index = ProcedureIndex.build(CATALOGUE, Lexicon.empty())
    assert top(index.search("đăng ký kết hôn")) == "ket-hon"
    assert index.search("").decision == "none"


def test_an_empty_catalogue_finds_nothing() -> None:
    index = ProcedureIndex.build(Catalogue([]), LEXICON)
    assert index.search("khai sinh") == SearchResult("khai sinh", "none", ())


# --- the lexicon: reading rules, and lexicon.yaml ---


def test_reader_rewrites_then_drops_fillers() -> None:
    reader = Reader(LEXICON)
    assert [w.accented for w in reader.read("cho e hỏi đk online ạ")] == [
        "cho",
        "e",
        "hỏi",
        "đăng",
        "kí",
        "trực",
        "tuyến",
    ]
    with_e = Reader(Lexicon(abbreviations={"e": "em"}, fillers=["cho em hỏi"]))
    assert [w.accented for w in with_e.read("cho e hỏi đk")] == ["đk"]


def test_reader_matches_keys_by_their_accents() -> None:
    reader = Reader(Lexicon(synonyms=[["cha", "bố"]], abbreviations={"ko": "không"}))
    assert [w.accented for w in reader.read("bố bo bó ko kó")] == ["cha", "cha", "bó", "không", "kó"]


def test_lexicon_rejects_unknown_fields_and_double_meanings() -> None:
    with pytest.raises(ValueError, match="extra"):
        Lexicon.model_validate({"abbrevs": {}})
    with pytest.raises(ValueError, match="two meanings"):
        Lexicon(abbreviations={"dk": "đăng ký"}, synonyms=[["điều kiện", "dk"]])
    with pytest.raises(ValueError, match="single word"):
        Lexicon(stop_words=["thế nào"])


def test_load_lexicon_reports_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.yaml"
    path.write_text(
        "abbreviations:\n  ko: không\nfillers:\n  - ạ\n  - '!!!'\nstop_words: [thì, thế nào]\n", "utf-8"
    )
    with pytest.raises(ContentInvalid) as caught:
        load_lexicon(path)
    found = [(p.line, p.field) for p in caught.value.problems]
    assert found == [(5, "fillers.1"), (6, "stop_words.1")]
    assert "single word" in str(caught.value)


def test_load_lexicon_reports_broken_yaml_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.yaml"
    path.write_text("fillers: [ạ\n", "utf-8")
    with pytest.raises(ContentInvalid, match="not valid YAML"):
        load_lexicon(path)
    with pytest.raises(ContentInvalid, match="cannot be read"):
        load_lexicon(tmp_path / "absent.yaml")


def test_the_shipped_lexicon_is_valid() -> None:
    lexicon = load_lexicon(Path(__file__).parents[2] / "lexicon.yaml")
    assert lexicon.abbreviations["ko"] == "không"
    assert lexicon.off_topic
