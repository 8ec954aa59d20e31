"""One record -> one `PortalPage`, counting per field what was read and what was left to the page."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.domain.portal_page import PortalPage
from bot.portal.attributes import parse_filers, parse_levels, parse_url
from bot.portal.channels import parse_channels
from bot.portal.documents import parse_documents
from bot.portal.fields import Parsed, clip, stated
from bot.portal.legal import parse_legal_basis
from bot.portal.records import Record
from bot.portal.result import parse_results

# report name -> (record field, parser, PortalPage field)
PARSERS: dict[str, tuple[str, Callable[[str], Parsed[Any]], str]] = {
    "channels": ("cach_thuc_thuc_hien", parse_channels, "channels"),
    "documents": ("thanh_phan_ho_so", parse_documents, "documents"),
    "legal_basis": ("can_cu_phap_ly", parse_legal_basis, "legal_basis"),
    "result": ("ket_qua_xu_ly", parse_results, "results"),
    "levels": ("cap_thuc_hien", parse_levels, "levels"),
    "who": ("doi_tuong_thuc_hien", parse_filers, "filers"),
    "url": ("detail_url", parse_url, "url"),
    "sector": ("linh_vuc", lambda text: Parsed(stated(text) or ""), "sector"),
}


@dataclass
class FieldCounts:
    parsed: int = 0  # read, with at least one value
    empty: int = 0  # the page shows nothing ("Không có thông tin")
    unparsed: int = 0  # kept as "see the portal page"
    reasons: Counter[str] = field(default_factory=Counter)


@dataclass
class ParseReport:
    records: int = 0
    unreadable: list[str] = field(default_factory=list)
    fields: dict[str, FieldCounts] = field(default_factory=lambda: {name: FieldCounts() for name in PARSERS})
    # finer facts inside the channel rows: how many rows state a time and a fee
    channel_rows: int = 0
    channel_times: int = 0
    channel_fees: int = 0
    documents: int = 0
    documents_with_form: int = 0

    def count(self, name: str, parsed: Parsed[Any]) -> None:
        counts = self.fields[name]
        if parsed.value is None:
            counts.unparsed += 1
            counts.reasons[parsed.problem or "unknown"] += 1
        elif parsed.value in ([], ""):
            counts.empty += 1
        else:
            counts.parsed += 1


def build_page(record: Record, captured: str, report: ParseReport) -> PortalPage:
    values: dict[str, Any] = {}
    for name, (source, parser, target) in PARSERS.items():
        parsed = parser(record.get(source))
        report.count(name, parsed)
        values[target] = parsed.value
    for channel in values["channels"] or ():
        report.channel_rows += 1
        report.channel_times += not channel.time_unread
        report.channel_fees += not channel.fee_unread
    for document in values["documents"] or ():
        report.documents += 1
        report.documents_with_form += document.form is not None
    report.records += 1
    return PortalPage(
        url=values["url"] or "https://dichvucong.gov.vn",
        captured=captured,
        ministry=record.ministry,
        level_text=stated(record.get("cap_thuc_hien")),
        levels=values["levels"] or [],
        sector=values["sector"] or None,
        who=_clipped(stated(record.get("doi_tuong_thuc_hien"))),
        filers=values["filers"] or [],
        agency=_clipped(stated(record.get("co_quan_thuc_hien"))),
        competent=_other(
            stated(record.get("co_quan_co_tham_quyen")), stated(record.get("co_quan_thuc_hien"))
        ),
        address=stated(record.get("dia_chi_tiep_nhan")),
        channels=values["channels"],
        documents=values["documents"],
        legal_basis=values["legal_basis"],
        results=values["results"],
        decision=stated(record.get("so_quyet_dinh")),
    )


def _other(value: str | None, than: str | None) -> str | None:
    """The value when it says something `than` does not (the competent body is often the same agency)."""
    return None if value == than else value


def _clipped(value: str | None) -> str | None:
    return clip(value, 300) if value else None
