"""The report's tables as CSV files, one per table, headed with report.yaml's column names.

UTF-8 with a byte-order mark: without it, Excel (what most offices open CSV files with) reads Vietnamese
as mojibake. Numbers are plain (1234.5); the total row, when a table has one, comes last.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from bot.report.table import Table, csv_text

ENCODING = "utf-8-sig"


def csv_content(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(c.label for c in table.columns)
    for row in table.rows:
        writer.writerow(csv_text(cell) for cell in row)
    if table.total is not None:
        writer.writerow(csv_text(cell) for cell in table.total)
    return out.getvalue()


def write_csv(table: Table, folder: Path) -> Path:
    path = folder / f"{table.name}.csv"
    path.write_text(csv_content(table), encoding=ENCODING, newline="")
    return path
