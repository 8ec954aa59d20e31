"""Templates: how facts become text, and the rules that keep rendered text honest."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.templates import Facts, TemplateError, Wording, parse, render
from tests.helpers import make_procedure

WORDING = Wording(
    terms={
        "level": {"4": "toàn trình", "3": "một phần", "2": "chưa trực tuyến"},
        "documents.kind": {"form": "tờ khai", "original": "bản chính"},
        "documents.count": {"1": ""},
        "channels.online": {"true": "Nộp trực tuyến được.", "false": ""},
    },
    formats={
        "documents": parse("{list.number}/{list.total}. {item.name} ({item.kind})\n  Số bản: {item.count}")
    },
    unverified_mark="(chưa kiểm chứng)",
)


def show(source: str, **procedure: object) -> str:
    return render(parse(source), Facts(procedure=make_procedure(**procedure)), WORDING)


def test_plain_facts_and_literal_braces() -> None:
    assert show("Phí: {procedure.fee.text} {{nguyên văn}}") == "Phí: Miễn phí {nguyên văn}"


def test_a_line_with_an_unknown_fact_is_dropped_and_the_rest_kept() -> None:
    text = show("Nơi nhận: {procedure.contact.office}\nCán bộ: {procedure.contact.officer}\nHết.")
    assert text == "Nơi nhận: Bộ phận Một cửa của xã\nHết."


def test_no_procedure_means_every_fact_line_is_dropped() -> None:
    assert render(parse("{procedure.name}\nXin chào"), Facts(), WORDING) == "Xin chào"


def test_choices_read_through_terms() -> None:
    assert show("Mức độ: {procedure.level}", level=3) == "Mức độ: một phần"
    assert show("{procedure.channels.online}\nCuối") == "Nộp trực tuyến được.\nCuối"
    assert (
        show("{procedure.channels.online}\nCuối", level=2, channels={"online": False}, online_steps=[])
        == "Cuối"
    )


def test_a_record_list_uses_its_format_with_item_and_list() -> None:
    documents = [
        {"name": "Tờ khai", "kind": "form"},
        {"name": "Giấy chứng sinh", "kind": "original", "count": 2},
    ]
    text = show("Giấy tờ:\n{procedure.documents}", documents=documents)
    assert text == "Giấy tờ:\n1/2. Tờ khai (tờ khai)\n2/2. Giấy chứng sinh (bản chính)\n  Số bản: 2"


def test_a_plain_list_becomes_bullets() -> None:
    assert show("{procedure.notes}", notes=["Một", "Hai"]) == "• Một\n• Hai"
    assert show("Ghi chú:\n{procedure.notes}\nHết") == "Ghi chú:\nHết"  # an empty list drops its line


@pytest.mark.parametrize(
    ("fee", "expected"),
    [({"amount": 150000, "text": "x"}, "150.000"), ({"amount": 500, "text": "x"}, "500")],
)
def test_numbers_use_vietnamese_thousands_dots(fee: dict[str, object], expected: str) -> None:
    assert show("{procedure.fee.amount}", fee={"free": False, **fee}) == expected


def test_decimals_and_dates() -> None:
    assert show("{procedure.processing_time.working_days}", processing_time={"working_days": 1.5}) == "1,5"
    assert show("{procedure.processing_time.working_days}", processing_time={"working_days": 3}) == "3"
    assert show("{procedure.last_verified}", last_verified=dt.date(2026, 6, 30)) == "30/06/2026"


def test_unverified_facts_carry_the_mark() -> None:
    text = show("Phí: {procedure.fee.text}\nTên: {procedure.name}", unverified=["fee"])
    assert text == "Phí: Miễn phí (chưa kiểm chứng)\nTên: Thủ tục mẫu"
    walk = show("{procedure.documents}", unverified=["documents"])
    assert walk.endswith("(chưa kiểm chứng)")


def test_answers_and_search_facts() -> None:
    facts = Facts(answers={"query": "khai sinh"}, search={"count": 2})
    assert render(parse("“{answers.query}” ({search.count})"), facts, WORDING) == "“khai sinh” (2)"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("Phí {procedure.fee.text", "a lone '{'"),
        ("Phí } nữa", "a lone '}'"),
        ("{}", "is not a fact"),
        ("{name}", "is not a fact"),
        ("{Procedure.Name}", "is not a fact"),
    ],
)
def test_unreadable_templates(source: str, message: str) -> None:
    with pytest.raises(TemplateError) as raised:
        parse(source)
    assert message in str(raised.value)


def test_fields_lists_every_placeholder() -> None:
    template = parse("{procedure.name}\n{answers.query} và {item.title}")
    assert list(template.fields()) == [("procedure", "name"), ("answers", "query"), ("item", "title")]
    assert template.static_text == "\n và "
