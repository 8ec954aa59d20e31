"""The simple fields: levels (`cap_thuc_hien`), who files it (`doi_tuong_thuc_hien`), the page address."""

from __future__ import annotations

import re

from bot.domain.portal_page import Filer, PortalLevel
from bot.portal.fields import Parsed, stated

_LEVELS = {"Cấp xã": PortalLevel.XA, "Cấp tỉnh": PortalLevel.TINH, "Cấp bộ": PortalLevel.BO}
_LEVELS_OTHER = "Cơ quan khác"
# Checked in order: "Tổ chức (không bao gồm doanh nghiệp, HTX)" is an organisation, not a business.
_FILERS = (
    (re.compile(r"^Tổ chức nước ngoài"), Filer.ORGANISATION),
    (re.compile(r"^Tổ chức"), Filer.ORGANISATION),
    (re.compile(r"^Công dân Việt Nam|^Người Việt Nam định cư"), Filer.CITIZEN),
    (re.compile(r"^Người nước ngoài"), Filer.FOREIGNER),
    (re.compile(r"^(Doanh nghiệp|Hợp tác xã|Hộ kinh doanh|Tổ hợp tác|Liên hiệp hợp tác xã)"), Filer.BUSINESS),
    (re.compile(r"^(Cán bộ, công chức, viên chức|Cơ quan nhà nước)"), Filer.OFFICIAL),
)
_PAGE = re.compile(r"^https://dichvucong\.gov\.vn/\S+$")


def parse_levels(text: str) -> Parsed[list[PortalLevel]]:
    value = stated(text)
    if value is None:
        return Parsed(None, "not stated")
    levels: list[PortalLevel] = []
    for part in (p.strip() for p in value.split(",")):
        level = _LEVELS.get(part) or (PortalLevel.OTHER if part == _LEVELS_OTHER else None)
        if level is None:
            return Parsed(None, f"unknown level {part!r}")
        if level not in levels:
            levels.append(level)
    return Parsed(levels)


def parse_filers(text: str) -> Parsed[list[Filer]]:
    """Groups of who files it. The list is comma-separated, but commas also sit inside groups
    ("Cán bộ, công chức, viên chức"), so groups are matched from the front of what is left."""
    value = stated(text)
    if value is None:
        return Parsed(None, "not stated")
    filers: list[Filer] = []
    rest = value
    while rest:
        filer, found = Filer.OTHER, None
        for pattern, group in _FILERS:
            found = pattern.match(rest)
            if found is not None:
                filer = group
                break
        if filer not in filers:
            filers.append(filer)
        rest = _after_group(rest, found)
    return Parsed(filers)


def _after_group(rest: str, found: re.Match[str] | None) -> str:
    """What follows the group at the front of `rest`: skip the group and its parenthesis, then a comma."""
    start = found.end() if found is not None else 0
    depth = 0
    for i in range(start, len(rest)):
        char = rest[i]
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth <= 0 and not rest[i + 1 :].lstrip().startswith(("công chức", "viên chức")):
            return rest[i + 1 :].strip()
    return ""


def parse_url(text: str) -> Parsed[str]:
    value = text.strip()
    return Parsed(value) if _PAGE.match(value) else Parsed(None, "not a dichvucong.gov.vn page")
