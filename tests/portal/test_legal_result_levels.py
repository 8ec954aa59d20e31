from __future__ import annotations

from bot.domain.portal_page import Filer, PortalLevel
from bot.portal.attributes import parse_filers, parse_levels, parse_url
from bot.portal.legal import parse_legal_basis
from bot.portal.result import parse_results
from tests.portal.support import field


def test_titles_and_numbers_run_together() -> None:
    laws = parse_legal_basis(field("1.000178", "can_cu_phap_ly")).value
    assert laws is not None
    assert [(law.title, law.number) for law in laws[1:]] == [
        ("Luật Khiếu nại năm 2011", "02/2011/QH13"),  # "năm 201102/2011/QH13"
        ("Quy định quy trình giải quyết khiếu nại trong công an nhân dân", "11/2015/TT-BCA"),
        ("Nghị định 05/2012/NĐ-CP", "05/2012/NĐ-CP"),  # a title quoting its own number
    ]
    assert laws[0].number == "68/2013/TT-BCA"


def test_a_law_number_followed_at_once_by_the_next_number() -> None:
    laws = parse_legal_basis(field("1.007664", "can_cu_phap_ly")).value
    assert laws is not None
    assert (laws[0].title, laws[0].number) == ("Luật 54/2014/QH13", "54/2014/QH13")
    assert [law.number for law in laws[1:]] == ["107/2016/QH13", "134/2016/NĐ-CP"]


def test_legal_bases_the_parser_cannot_read_are_left_to_the_page() -> None:
    assert parse_legal_basis(field("3.000337", "can_cu_phap_ly")).problem == "no table header"
    assert parse_legal_basis(field("1.003220", "can_cu_phap_ly")).value is None
    assert parse_legal_basis("Không có thông tin").value == []


def test_results_without_codes_or_the_agency_picker() -> None:
    assert parse_results(field("1.013080", "ket_qua_xu_ly")).value == [
        "Giấy chứng nhận đăng ký xe",
        "Biển số xe",
    ]
    results = parse_results(field("1.000823", "ket_qua_xu_ly")).value
    assert results is not None and not any("Mã:" in r or "Chọn" in r for r in results)


def test_levels_who_and_page() -> None:
    assert parse_levels(field("1.013080", "cap_thuc_hien")).value == [
        PortalLevel.BO,
        PortalLevel.TINH,
        PortalLevel.XA,
    ]
    assert parse_levels("Cấp xã, Cơ quan khác").value == [PortalLevel.XA, PortalLevel.OTHER]
    assert parse_levels("Cấp huyện").value is None
    filers = parse_filers(
        "Tổ chức (không bao gồm doanh nghiệp, HTX), Công dân Việt Nam, Cán bộ, công chức, viên chức"
    ).value
    assert filers == [Filer.ORGANISATION, Filer.CITIZEN, Filer.OFFICIAL]
    assert parse_url(field("1.013080", "detail_url")).value == field("1.013080", "detail_url")
    assert parse_url("http://example.com/x").value is None
