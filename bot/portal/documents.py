"""`thanh_phan_ho_so`: the flattened document tables, one per case.

Each table is "<case heading>Tên giấy tờMẫu đơn, tờ khaiSố lượng" followed by rows of name, attached form
file and count, run together:

    --Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn đề nghị ...;Mus08.docx1 bản chínhBáo cáo ...1 bản chính

A row ends at its count ("1 bản chính", "0 bản chính,1 bản sao"). A form's file name ends the row's text
(".docx"); it is told apart from the document's name only at a clear break (";", ".", ")" or ":"), else the
row keeps its whole text as the name and no form. The heading "--" means "for every case".
"""

from __future__ import annotations

import re

from bot.domain.portal_page import PortalDocument
from bot.portal.fields import NO_INFO, Parsed, clip

TABLE = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
_COUNT = re.compile(r"(\d+) bản chính(?:,\s*(\d+) bản sao)?|(\d+) bản sao")
_FILE = re.compile(r"^\s*([^;:]{1,80}?\.(?:docx?|pdf|xlsx?|rtf|odt|zip|rar))\s*$", re.IGNORECASE)
_BREAK = re.compile(r"[;.):]")


def parse_documents(text: str) -> Parsed[list[PortalDocument]]:
    if " ".join(text.split()) in ("", NO_INFO, "--"):
        return Parsed([])
    parts = text.split(TABLE)
    if len(parts) < 2:
        return Parsed(None, "no document table")
    documents: list[PortalDocument] = []
    heading = _case(parts[0])
    for index, table in enumerate(parts[1:], start=1):
        rows, leftover = _rows(table)
        if index < len(parts) - 1:
            # The text after this table's last count is the next table's heading.
            next_heading = _case(leftover)
        elif leftover.strip():
            return Parsed(None, "text after the last count")
        else:
            next_heading = None
        for name, counts in rows:
            document = _document(name, counts, heading)
            if document is not None:  # a count with no name before it adds nothing to read
                documents.append(document)
        heading = next_heading
    return Parsed(documents)


def _rows(table: str) -> tuple[list[tuple[str, re.Match[str]]], str]:
    rows = []
    position = 0
    for count in _COUNT.finditer(table):
        rows.append((table[position : count.start()], count))
        position = count.end()
    return rows, table[position:]


def _document(raw: str, count: re.Match[str], heading: str | None) -> PortalDocument | None:
    name, form = " ".join(raw.split()), None
    # The shortest file name after a break: "...(NA20).Mau NA20-BCA.docx" -> "Mau NA20-BCA.docx".
    # Without a break the file name runs into the document's name: both stay together as the name.
    for cut in reversed([m.end() for m in _BREAK.finditer(name)]):
        found = _FILE.match(name[cut:])
        if found is not None:
            form, name = found.group(1), name[:cut]
            break
    name = name.strip(" ;-")
    if not name:
        return None
    if count.group(3) is not None:
        originals, copies = 0, int(count.group(3))
    else:
        originals, copies = int(count.group(1)), int(count.group(2) or 0)
    return PortalDocument(name=clip(name), form=form, originals=originals, copies=copies, case=heading)


def _case(text: str) -> str | None:
    text = " ".join(text.split()).strip(" -:*")
    return clip(text, 120) if text else None
