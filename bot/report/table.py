"""A labelled table: the one source of every number in the CSV files and in the HTML page.

Both outputs are written from the same `Table`, so a number cannot differ between them; only its
spelling does (the page writes 1.234,5 as Vietnamese readers expect, the CSV 1234.5 for spreadsheets).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Literal

from bot.report.texts import ReportTexts

Cell = str | int | float | dt.date | None
Row = tuple[Cell, ...]
Kind = Literal["id", "text", "number", "date"]  # id: in the CSV only; the page shows the name beside it


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    kind: Kind = "number"


@dataclass(frozen=True)
class Table:
    name: str  # the CSV file's name without .csv, and the HTML table's id
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    total: Row | None = None  # the last row, set apart

    def where(self, key: str, value: Cell, name: str) -> Table:
        """The rows whose `key` column holds `value`, without the total, as a table of its own."""
        index = [c.key for c in self.columns].index(key)
        return replace(self, name=name, rows=tuple(r for r in self.rows if r[index] == value), total=None)

    def column(self, key: str) -> list[Cell]:
        index = [c.key for c in self.columns].index(key)
        return [row[index] for row in self.rows]


def columns(texts: ReportTexts, spec: str) -> tuple[Column, ...]:
    """Columns from "key:kind key ..." (kind defaults to number), headed by report.yaml's `columns`."""
    found = []
    for part in spec.split():
        key, _, kind = part.partition(":")
        found.append(Column(key, getattr(texts.columns, key), _kind(kind or "number")))
    return tuple(found)


def _kind(name: str) -> Kind:
    if name == "id":
        return "id"
    if name == "text":
        return "text"
    if name == "date":
        return "date"
    return "number"


def share(part: int, whole: int) -> float | None:
    """A percentage, rounded once here to one decimal; None (an empty cell) when the whole is zero."""
    return round(100 * part / whole, 1) if whole else None


def csv_text(cell: Cell) -> str:
    """A cell as the CSV holds it: plain digits with a decimal point, ISO dates."""
    if cell is None:
        return ""
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, float):
        return _decimal(cell)
    return str(cell)


def page_text(cell: Cell) -> str:
    """The same cell as a Vietnamese reader writes it: 1.234 and 66,7; dates as 31/03/2026."""
    if cell is None:
        return ""
    if isinstance(cell, dt.date):
        return cell.strftime("%d/%m/%Y")
    if isinstance(cell, bool) or not isinstance(cell, int | float):
        return str(cell)
    whole, _, fraction = (_decimal(cell) if isinstance(cell, float) else str(cell)).partition(".")
    sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    grouped = f"{int(digits):,}".replace(",", ".")
    return sign + grouped + ("," + fraction if fraction else "")


def _decimal(value: float) -> str:
    """At most two decimals, without trailing zeros: 66.7, 100, 4.25."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
