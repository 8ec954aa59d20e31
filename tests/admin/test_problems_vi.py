"""Problems in plain Vietnamese: real problems from the loaders, each rewritten, none left in English."""

from __future__ import annotations

import pytest

from bot.admin.problems_vi import problem_json, say, vietnamese
from bot.config import load_settings
from bot.content.content_set import ContentChecker, procedure_path
from bot.content.disk import settings_files
from bot.errors import Problem

FILES = settings_files(load_settings())
KHAI_SINH = procedure_path("khai-sinh")
FALLBACK = "Nội dung chưa hợp lệ"


def _problems(path: str, text: str) -> list[Problem]:
    return ContentChecker().problems({**FILES, path: text})


def _edit(old: str, new: str, path: str = KHAI_SINH) -> list[Problem]:
    assert old in FILES[path], old
    return _problems(path, FILES[path].replace(old, new, 1))


BROKEN = {
    "missing": ("short_name: Đăng ký khai sinh\n", ""),
    "unknown field": ("short_name:", "short_nam:"),
    "empty": ("name: Đăng ký khai sinh\n", 'name: ""\n'),
    "literal": ("level: 4", "level: 9"),
    "enum": ("  level: xã", "  level: huyện"),
    "whole number": ("  working_days: 1", "  working_days: một"),
    "bool": ("  free: true", "  free: có"),
    "date": ("\nlast_verified: 20", "\nlast_verified: 30/6/20"),  # e.g. 30/6/2026-12-07
    "list": ("keywords: [khai sinh, giấy chứng sinh, trẻ mới sinh, hộ tịch]", "keywords: khai sinh"),
    "group": ("fee:\n  free: true\n", "fee: miễn\nx:\n  free: true\n"),
    "pattern id": ("id: khai-sinh", "id: Khai Sinh"),
    "pattern code": ('code: "1.001193"', 'code: "1001193"'),
    "free with amount": ("  free: true\n", "  free: true\n  amount: 5000\n"),
    "short name": ("short_name: Đăng ký khai sinh", "short_name: " + "Đăng ký khai sinh rất dài dài dài"),
    "source": ("source: https://", "source: dichvucong "),
    "unverified": ("\nunverified: [", "\nunverified: [phi, "),
    "level needs online": ("level: 4", "level: 2"),
    "duplicate key": ("short_name: Đăng ký khai sinh\n", "short_name: Đăng ký khai sinh\nshort_name: X\n"),
    "yaml colon": ("short_name: Đăng ký khai sinh\n", "short_name: Đăng ký: khai sinh\n"),
    "yaml tab": ("short_name: Đăng ký khai sinh\n", "short_name: Đăng ký khai sinh\n\tx: 1\n"),
    "anchor": ("short_name: Đăng ký khai sinh", "short_name: &a Đăng ký khai sinh"),
    "id mismatch": ("id: khai-sinh", "id: khai-tu"),
    "related missing": ("related:\n", "related:\n  - khong-co\n"),
    "ge": ("    kind: form\n", "    kind: form\n    count: 0\n"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_procedure_problem_reads_in_vietnamese(case: str) -> None:
    old, new = BROKEN[case]
    problems = _edit(old, new)
    assert problems, f"{case}: the edit must be invalid"
    for problem in problems:
        shown = problem_json(problem)
        assert (
            shown["line"] == problem.line
            and shown["field"] == problem.field
            and shown["file"] == problem.file
        )
        assert not shown["message"].startswith(FALLBACK), f"{case}: {problem.message}"
        assert shown["message"] != problem.message


def test_flows_problems_read_in_vietnamese() -> None:
    flows = FILES["flows.yaml"]
    cases = [
        flows.replace("  home: menu", "  home: menuu", 1),
        flows.replace("Lệ phí: {procedure.fee.text}", "Lệ phí: {procedure.fee.txt}", 1),
        flows.replace("Lệ phí: {procedure.fee.text}", "Lệ phí: {procedure.fee.text", 1),
    ]
    for text in cases:
        problems = _problems("flows.yaml", text)
        assert problems
        for problem in problems:
            assert not say(problem).startswith(FALLBACK), problem.message


def test_values_named_in_a_message_are_kept() -> None:
    def of(code: str, english: str, /, **params: str | int) -> str:
        return say(Problem.of("procedures/x.yaml", 1, "x", code, english, **params))

    assert (
        of("no_such_procedure", "no procedure has the id '{id}'", id="khai-tu-moi")
        == "Không có thủ tục nào mang mã tệp “khai-tu-moi”."
    )
    assert (
        of("code_used_twice", "the code {code} is also used by '{id}'", code="1.000001", id="ket-hon")
        == "Mã 1.000001 đã được dùng cho thủ tục “ket-hon”."
    )
    assert (
        of("literal_error", "must be one of: {expected}", expected="'xã', 'tỉnh' or 'bộ'")
        == "Chỉ được là một trong các giá trị: 'xã', 'tỉnh' hoặc 'bộ'."
    )
    # A message without a code yet is still matched by its English.
    assert (
        vietnamese("must be one of: 'xã', 'tỉnh' or 'bộ'")
        == "Chỉ được là một trong các giá trị: 'xã', 'tỉnh' hoặc 'bộ'."
    )


def test_an_untranslated_message_is_still_shown() -> None:
    assert vietnamese("something new went wrong") == f"{FALLBACK}: something new went wrong"
    portal = Problem.of(
        "procedures/x.yaml",
        1,
        "tier",
        "portal_needs_page",
        "a procedure of the portal tier needs portal_page",
    )
    assert say(portal) == f"{FALLBACK}: a procedure of the portal tier needs portal_page"


def test_voice_and_filter_problems_read_in_vietnamese() -> None:
    flows = FILES["flows.yaml"]
    for text in (
        flows.replace("Tin nhắn của {voice.you}", "Tin nhắn của {voice.ban}", 1),
        flows.replace("{procedure.fee.text|brief}", "{procedure.fee.text|ngan}", 1),
    ):
        problems = _problems("flows.yaml", text)
        assert problems
        for problem in problems:
            assert not say(problem).startswith(FALLBACK), problem.message


FLOWS_CASES = {
    # flows.yaml's cross-checks say their problem by code; the words are those the English patterns gave
    "menu_button_not_goto": (
        ("  menu_button: menu ", "  menu_button: chao "),
        "menu_button phải là tên một lệnh có goto: (không phải “chao”).",
    ),
    "no_such_field_hint": (
        ("Lệ phí: {procedure.fee.text}", "Lệ phí: {procedure.fee.txt}"),
        "Thủ tục không có trường “fee.txt” (có phải “fee.text”?).",
    ),
    "template_lone_brace": (
        ("Lệ phí: {procedure.fee.text}", "Lệ phí: {procedure.fee.text"),
        "Có dấu “{” lẻ trong “Lệ phí: {procedure.fee.text”: chỗ điền dữ liệu viết trong cặp ngoặc nhọn, "
        "như {procedure.fee.text}.",
    ),
    "template_unknown_filter": (
        ("{procedure.fee.text|brief}", "{procedure.fee.text|ngan}"),
        "Không có bộ lọc “|ngan”; chỉ dùng được |brief (câu đầu tiên).",
    ),
    "command_word_twice": (
        ('"về menu", ', '"về menu", "quay lại", '),
        "“quay lại” cũng là từ của lệnh “menu”.",
    ),
}


@pytest.mark.parametrize("code", sorted(FLOWS_CASES))
def test_flows_issues_carry_their_code_into_vietnamese(code: str) -> None:
    (old, new), words = FLOWS_CASES[code]
    problems = [p for p in _edit(old, new, "flows.yaml") if p.code == code]
    assert problems, code
    assert say(problems[0]) == words
