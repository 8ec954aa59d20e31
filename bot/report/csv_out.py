"""The report's tables as CSV files, one per table, headed with report.yaml's column names.

UTF-8 with a byte-order mark: without it, Excel (what most offices open CSV files with) reads Vietnamese
as mojibake. Numbers are plain (1234.5); the total row, when a table has one, comes last.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from bot.report.table import Cell, Table, csv_text

ENCODING = "utf-8-sig"
# A spreadsheet reads a cell starting with one of these as a formula ("=HYPERLINK(...)" typed by a citizen
# into the chat would run when an official opens questions.csv). Such text cells get a leading apostrophe,
# which spreadsheets show as plain text; numbers and dates are written by us and never start so.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralised(text: str) -> str:
    """`text` safe to open in a spreadsheet: never read as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _cell(cell: Cell) -> str:
    return neutralised(cell) if isinstance(cell, str) else csv_text(cell)


def csv_content(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(c.label for c in table.columns)
    for row in table.rows:
        writer.writerow(_cell(cell) for cell in row)
    if table.total is not None:
        writer.writerow(_cell(cell) for cell in table.total)
    return out.getvalue()


def write_csv(table: Table, folder: Path) -> Path:
    path = folder / f"{table.name}.csv"
    path.write_text(csv_content(table), encoding=ENCODING, newline="")
    return path
