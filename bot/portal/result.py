"""`ket_qua_xu_ly`: the results, "<name>Mã: KQ.G01.000185" per result, then "Từ khóa...Mô tả..." and the
page's agency picker ("Chọn cơ quan thực hiện...Nộp hồ sơ"), which is not part of the result."""

from __future__ import annotations

import re

from bot.portal.fields import NO_INFO, Parsed, clip

_CODE = re.compile(r"Mã:\s*(?:KQ\.[A-Z]\d+\.\d+|[A-Z]\d+-KQ\d+)")  # KQ.G01.000185, G19-KQ0060102
_TAIL = ("Từ khóa", "Chọn cơ quan thực hiện")


def parse_results(text: str) -> Parsed[list[str]]:
    head = text
    for marker in _TAIL:
        head = head.split(marker, 1)[0]
    names = [" ".join(part.split()) for part in _CODE.split(head)]
    names = [clip(name) for name in names if name and name != NO_INFO]
    if not names:
        return Parsed([]) if " ".join(head.split()) in ("", NO_INFO) else Parsed(None, "no result name")
    return Parsed(names)
