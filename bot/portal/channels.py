"""`cach_thuc_thuc_hien`: the flattened table of how to file, with each channel's time and fee.

The page's table became one string: the header, then for each row the channel, the time, the fee and a
free description, with no separators:

    Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến5 Ngày làm việcMiễn phíDịch vụ bưu chính5 Ngày...

A row starts where a channel name is followed by a time (a digit) or by "Không có thông tin"; the same words
inside a description ("Trực tiếp tại trụ sở...") are not followed by either. The time is a number with its
unit; a number without a unit ("1Miễn phí") is not a time anyone can rely on, so it is kept as not stated.
The fee is "Miễn phí", "Không có thông tin" or amounts in đồng; whatever follows is the description, which
stays on the page (only the fact that there is one is kept).
"""

from __future__ import annotations

import re

from bot.domain.portal_page import ChannelKind, PortalChannel
from bot.portal.fields import NO_INFO, Parsed

HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
_KINDS = {
    "Trực tuyến": ChannelKind.ONLINE,
    "Dịch vụ bưu chính": ChannelKind.POST,
    "Trực tiếp": ChannelKind.IN_PERSON,
}
_ROW = re.compile(r"(Trực tuyến|Dịch vụ bưu chính|Trực tiếp)(?=\d|" + NO_INFO + ")")
_TIME = re.compile(r"(\d+(?:[.,]\d+)?)(?: (Ngày làm việc|Ngày|Giờ|Tháng|Năm))?")
_AMOUNT = r"(?:(?:Lệ phí|Phí)\s*:\s*)?\d[\d.,]*\s*(?:Việt Nam Đồng|VNĐ|Đồng|đồng)"
_MONEY = re.compile(r"\d[\d.,]*\s*(?:Việt Nam Đồng|VNĐ|Đồng|đồng|/)")
_FEE = re.compile(r"Miễn phí|" + NO_INFO + "|" + _AMOUNT + r"(?:\s*[;,]\s*" + _AMOUNT + ")*")


def parse_channels(text: str) -> Parsed[list[PortalChannel]]:
    """The channels the page lists, or None when the table is not in the expected shape."""
    if not text.startswith(HEADER):
        return Parsed(None, "no table header")
    body = text[len(HEADER) :]
    starts = list(_ROW.finditer(body))
    if not starts or starts[0].start() != 0:
        return Parsed(None, "no channel row at the start")
    rows: dict[ChannelKind, PortalChannel] = {}
    for here, after in zip(starts, [*starts[1:], None], strict=True):
        cell = body[here.end() : after.start() if after else len(body)]
        kind = _KINDS[here.group(1)]
        if kind not in rows:  # a repeated row (several time/fee variants) stays on the page
            rows[kind] = _row(kind, cell)
        else:
            rows[kind] = rows[kind].model_copy(update={"described": True})
    return Parsed(list(rows.values()))


def _row(kind: ChannelKind, cell: str) -> PortalChannel:
    time = working_days = None
    rest = cell
    if rest.startswith(NO_INFO):
        rest = rest[len(NO_INFO) :]
    else:
        found = _TIME.match(rest)
        if found is not None:
            rest = rest[found.end() :]
            if found.group(2):
                time = f"{found.group(1)} {found.group(2)}"
                if found.group(2) == "Ngày làm việc":
                    working_days = float(found.group(1).replace(",", "."))
    fee_match = _FEE.match(rest)
    fee = fee_vnd = None
    if fee_match is not None:
        stated = fee_match.group(0).strip()
        rest = rest[fee_match.end() :]
        # "Miễn phí" beside a description that names amounts is not a fee anyone can rely on.
        if stated != NO_INFO and not (stated == "Miễn phí" and _MONEY.search(rest)):
            fee = stated
            fee_vnd = _one_amount(stated)
    return PortalChannel(
        kind=kind,
        time=time,
        time_unread=time is None,
        working_days=working_days if working_days is None or working_days <= 365 else None,
        fee=fee,
        fee_unread=fee is None,
        fee_vnd=fee_vnd,
        described=bool(rest.strip(" .-()")),
    )


def _one_amount(fee: str) -> int | None:
    """The amount in VND when the fee is one plain figure ("70,000 Việt Nam Đồng"); 0 when free."""
    if fee == "Miễn phí":
        return 0
    amounts = re.findall(r"\d[\d.,]*", fee)
    if len(amounts) != 1:
        return None
    digits = re.sub(r"[.,]", "", amounts[0])
    return int(digits) if digits.isdigit() else None
