from __future__ import annotations

from bot.portal.documents import parse_documents
from bot.portal.fields import CLIP
from tests.portal.support import field


def test_rows_end_at_their_counts() -> None:
    documents = parse_documents(field("1.000178", "thanh_phan_ho_so")).value
    assert documents is not None and len(documents) == 8
    assert documents[0].name == "Tài liệu, chứng cứ do các bên cung cấp"
    assert documents[-1].name == "Đơn khiếu nại hoặc bản ghi nội dung khiếu nại"
    assert all(d.originals == 1 and d.copies == 0 and d.case is None for d in documents)


def test_form_files_are_told_apart_from_names_at_a_break() -> None:
    documents = parse_documents(field("1.000823", "thanh_phan_ho_so")).value
    assert documents is not None
    assert documents[0].form == "Mus08.docx"
    assert documents[0].name.endswith("ngày 27/12/2021")
    assert documents[2].form is None
    single = parse_documents(field("1.000232", "thanh_phan_ho_so")).value
    assert single is not None and single[0].form == "Mau NA20-BCA.docx"


def test_case_headings_and_copy_counts() -> None:
    documents = parse_documents(field("1.012786", "thanh_phan_ho_so")).value
    assert documents is not None
    cases = [d.case for d in documents]
    assert cases[0] == "a) Đối với trường hợp cấp lại Giấy chứng nhận bị mất"
    assert "b) Đối với trường hợp mất Trang bổ sung" in cases
    assert documents[0].originals == 1 and documents[0].copies == 1
    copies_only = parse_documents(field("1.007664", "thanh_phan_ho_so")).value
    assert copies_only is not None and (copies_only[0].originals, copies_only[0].copies) == (0, 1)


def test_long_names_keep_their_first_words() -> None:
    documents = parse_documents(field("1.007664", "thanh_phan_ho_so")).value
    assert documents is not None
    long = [d.name for d in documents if d.name.endswith("…")]
    assert long and all(len(name) <= CLIP for name in long)


def test_nothing_shown_is_an_empty_list_and_an_odd_shape_is_left_to_the_page() -> None:
    assert parse_documents("Không có thông tin").value == []
    parsed = parse_documents("Hồ sơ gồm đơn đề nghị và bản sao giấy tờ")
    assert parsed.value is None and parsed.problem == "no document table"
