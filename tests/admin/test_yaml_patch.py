"""Form edits in place: only the changed values move; comments, order and wrapping stay."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from bot.admin.form_fields import UnknownField
from bot.admin.yaml_patch import PatchError, add_list_item, set_fields
from bot.config import CHECKOUT

DOC = """\
# Thủ tục mẫu: chú thích đầu tệp
id: mau
name: Tên thủ tục  # chú thích cuối dòng
aliases:
  - tên cũ
keywords: [một, hai]
summary: >-
  Một câu tóm tắt được gấp
  trên hai dòng.
fee:
  free: true
  text: Miễn lệ phí
documents:
  - name: Tờ khai
    kind: form
  - name: Giấy chứng sinh
    note: ghi chú

# chú thích trước kết quả
result: Giấy khai sinh
last_verified: 2025-01-02
"""


def _changed_lines(before: str, after: str) -> list[str]:
    old = before.splitlines()
    return [line for line in after.splitlines() if line not in old]


def _load(text: str) -> Any:
    return yaml.safe_load(text)


def test_a_scalar_changes_on_its_own_line_and_keeps_its_comment() -> None:
    after = set_fields(DOC, {"name": "Tên mới"})
    assert _changed_lines(DOC, after) == ["name: Tên mới  # chú thích cuối dòng"]
    assert len(after.splitlines()) == len(DOC.splitlines())


def test_text_that_would_read_as_something_else_is_quoted() -> None:
    changes = {
        "name": "Lệ phí: 20.000 đ",
        "fee.text": "yes",
        "documents.0.name": "- gạch đầu",
        "result": "2025",
    }
    after = set_fields(DOC, changes)
    data = _load(after)
    assert data["name"] == "Lệ phí: 20.000 đ" and data["fee"]["text"] == "yes"
    assert data["documents"][0]["name"] == "- gạch đầu" and data["result"] == "2025"
    assert 'fee:\n  free: true\n  text: "yes"\n' in after


def test_a_folded_block_stays_folded() -> None:
    sentence = "Một câu tóm tắt mới, " * 8 + "hết."
    after = set_fields(DOC, {"summary": sentence})
    assert "summary: >-\n  Một câu tóm tắt mới," in after
    assert all(len(line) <= 110 for line in after.splitlines())
    assert _load(after)["summary"] == sentence
    assert after.endswith("# chú thích trước kết quả\nresult: Giấy khai sinh\nlast_verified: 2025-01-02\n")


def test_several_lines_become_a_literal_block() -> None:
    after = set_fields(DOC, {"documents.1.note": "dòng một\ndòng hai"})
    assert "    note: |-\n      dòng một\n      dòng hai\n" in after
    assert _load(after)["documents"][1]["note"] == "dòng một\ndòng hai"


def test_a_missing_value_is_added_after_the_field_before_it() -> None:
    after = set_fields(
        DOC, {"fee.amount": 20000, "fee.free": False, "processing_time.text": "5 ngày làm việc"}
    )
    assert "fee:\n  free: false\n  amount: 20000\n  text: Miễn lệ phí\n" in after
    data = _load(after)
    assert data["processing_time"] == {"text": "5 ngày làm việc"}
    keys = list(data)
    assert keys.index("fee") < keys.index("processing_time") < keys.index("result")
    assert "# chú thích trước kết quả\n" in after


def test_an_item_of_a_bracketed_list_stays_one_item() -> None:
    after = set_fields(DOC, {"keywords.1": "hai, ba"})
    assert 'keywords: [một, "hai, ba"]\n' in after


def test_a_value_is_added_to_a_list_item() -> None:
    after = set_fields(DOC, {"documents.0.note": "điền trực tuyến"})
    assert "  - name: Tờ khai\n    kind: form\n    note: điền trực tuyến\n" in after


def test_none_removes_the_key_and_a_group_left_empty() -> None:
    after = set_fields(DOC, {"documents.1.note": None, "last_verified": None})
    data = _load(after)
    assert data["documents"][1] == {"name": "Giấy chứng sinh"} and "last_verified" not in data
    only_fee = set_fields(set_fields(DOC, {"fee.free": None}), {"fee.text": None})
    assert "fee" not in _load(only_fee)
    assert set_fields(DOC, {"postal.note": None}) == DOC  # nothing to remove


def test_numbers_booleans_and_dates_keep_their_types() -> None:
    after = set_fields(
        DOC, {"fee.amount": "25.000", "level": "4", "last_verified": "2026-11-01", "portal.vneid": True}
    )
    data = _load(after)
    assert data["fee"]["amount"] == 25000 and data["level"] == 4
    assert data["last_verified"] == dt.date(2026, 11, 1) and "last_verified: 2026-11-01\n" in after
    assert data["portal"] == {"vneid": True}


@pytest.mark.parametrize(
    "field", ["fee.bogus", "fee", "documents", "documents.x.note", "aliases.0.x", "nope", "a..b"]
)
def test_unknown_fields_are_refused_before_anything_changes(field: str) -> None:
    with pytest.raises(UnknownField):
        set_fields(DOC, {"name": "x", field: "y"})


def test_what_cannot_be_edited_in_place_says_so() -> None:
    with pytest.raises(PatchError, match="no item 5"):
        set_fields(DOC, {"documents.5.note": "x"})
    with pytest.raises(PatchError, match="list item does not exist"):
        set_fields(DOC, {"notes.0": "x"})
    with pytest.raises(PatchError, match="error"):
        set_fields("id: [broken\n", {"name": "x"})
    with pytest.raises(PatchError, match="group or a list"):
        set_fields("fee:\n  text:\n    a: 1\n", {"fee.text": "x"})
    with pytest.raises(PatchError, match="laid out differently"):
        set_fields("documents: x\n", {"documents.0.name": "y"})


def test_list_items_are_appended_in_the_list_style_of_the_file() -> None:
    block = add_list_item(DOC, "aliases", "tên: mới")
    assert _changed_lines(DOC, block) == ['  - "tên: mới"']
    assert block.index('  - "tên: mới"') < block.index("keywords:")
    flow = add_list_item(DOC, "keywords", "ba, bốn")
    assert 'keywords: [một, hai, "ba, bốn"]\n' in flow
    missing = add_list_item(DOC.replace("aliases:\n  - tên cũ\n", ""), "aliases", "mới")
    assert _load(missing)["aliases"] == ["mới"]
    assert missing.index("aliases:") < missing.index("keywords:")  # in the model's field order
    empty = add_list_item(DOC.replace("[một, hai]", "[]"), "keywords", "một")
    assert "keywords: [một]\n" in empty


def test_every_catalogue_file_accepts_a_fee_change_in_place() -> None:
    for path in sorted((CHECKOUT / "procedures").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        after = set_fields(text, {"fee.text": "Lệ phí mới: 30.000 đ", "fee.amount": 30000, "fee.free": None})
        data = _load(after)
        assert data["fee"]["text"] == "Lệ phí mới: 30.000 đ" and data["fee"]["amount"] == 30000, path.name
        kept = [line for line in text.splitlines() if line.lstrip().startswith("#")]
        assert all(line in after.splitlines() for line in kept), path.name
