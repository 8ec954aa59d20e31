"""`can_cu_phap_ly`: the legal bases, "Tên văn bản pháp lýMã văn bản" then title and number run together:

    Luật Khiếu nại  năm 201102/2011/QH13Quy định quy trình ...11/2015/TT-BCANghị định 05/2012/NĐ-CP05/2012/...

A number is digits, "/", optionally a year and "/", then the issuer ("TT-BCA", "NĐ-CP", "QĐ-TTg", "QH13").
A row ends with its number, which is followed by the end, the next title (a capital then a small letter:
"...BCALuật") or the next number; a number inside a title is followed by a space and does not end a row.
A title ending in a year ("năm 2011") runs into the number's digits; the year is given back to the title
only when "năm" precedes it. A title that quotes its own number ("Nghị định 05/2012/NĐ-CP05/2012/NĐ-CP")
is read back whole. Anything else is "see the portal page".
"""

from __future__ import annotations

import re

from bot.domain.portal_page import PortalLaw
from bot.portal.fields import NO_INFO, Parsed, clip

HEADER = "Tên văn bản pháp lýMã văn bản"
_UPPER = "A-ZĐƯƠÂĂÊÔ"
_NEXT_TITLE = rf"[{_UPPER}][^\W\d{_UPPER}]"
_NEXT_NUMBER = r"\d+(?:/\d{4})?/"
# Laws end in the National Assembly's term, always two digits ("QH13", "UBTVQH14"), so a number may follow
# at once; any other issuer ends in a letter before a number follows.
_NUMBER = re.compile(
    rf"(\d+)((?:/\d{{4}})?/(?:[{_UPPER}]*QH\d\d(?=$|{_NEXT_TITLE}|{_NEXT_NUMBER})"
    rf"|[{_UPPER}][{_UPPER}0-9]*(?:-[{_UPPER}][{_UPPER}a-z0-9]*)*"
    rf"(?=$|{_NEXT_TITLE}|(?<=[^\W\d]){_NEXT_NUMBER})))"
)


def parse_legal_basis(text: str) -> Parsed[list[PortalLaw]]:
    flat = " ".join(text.split())
    if flat in ("", NO_INFO):
        return Parsed([])
    if not text.startswith(HEADER):
        return Parsed(None, "no table header")
    body = text[len(HEADER) :].rstrip()
    laws: list[PortalLaw] = []
    position = 0
    for found in _NUMBER.finditer(body):
        title, digits = _split_year(body[position : found.start()], found.group(1))
        number = digits + found.group(2)
        title = " ".join(title.split())
        if laws and (not title or (title == laws[-1].title and number == laws[-1].number)):
            # the previous title quoted its own number: "Nghị định 05/2012/NĐ-CP" + "05/2012/NĐ-CP"
            previous = laws.pop()
            title = f"{previous.title} {previous.number}"
        if not title or not digits:
            return Parsed(None, "a number without a title")
        laws.append(PortalLaw(title=clip(title, 160), number=number))
        position = found.end()
    if body[position:].strip():
        return Parsed(None, "text after the last number")
    if not laws:
        return Parsed(None, "no document number")
    return Parsed(laws)


def _split_year(title: str, digits: str) -> tuple[str, str]:
    """'Luật ... năm 2011' + '02' arrive as 'năm ' + '201102': give the year back to the title (also after
    a date: 'ngày 29/6/' + '202443')."""
    dated = title.rstrip().endswith("năm") or title.endswith("/")  # "năm 2011", "ngày 29/6/2024"
    if dated and len(digits) > 4 and digits[:2] in ("19", "20"):
        return title + digits[:4], digits[4:]
    return title, digits
