"""How a cell is written: plainly in the CSV, the Vietnamese way on the page."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.report.table import Cell, csv_text, page_text, share


@pytest.mark.parametrize(
    ("cell", "in_csv", "on_page"),
    [
        (0, "0", "0"),
        (987, "987", "987"),
        (1234, "1234", "1.234"),
        (1234567, "1234567", "1.234.567"),
        (66.7, "66.7", "66,7"),
        (100.0, "100", "100"),
        (4.25, "4.25", "4,25"),
        (1234.5, "1234.5", "1.234,5"),
        (None, "", ""),
        ("Zalo", "Zalo", "Zalo"),
        (dt.date(2026, 3, 31), "2026-03-31", "31/03/2026"),
    ],
)
def test_cells(cell: Cell, in_csv: str, on_page: str) -> None:
    assert (csv_text(cell), page_text(cell)) == (in_csv, on_page)


def test_a_share_is_a_rounded_percentage_and_empty_without_a_whole() -> None:
    assert share(2, 3) == 66.7
    assert share(1, 8) == 12.5
    assert share(3, 3) == 100.0
    assert share(0, 0) is None
