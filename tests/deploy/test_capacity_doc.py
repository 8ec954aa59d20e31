"""docs/deploy.md, section 9: the measured inputs, the Python that redoes the arithmetic, and the figures
written in the table agree. When a benchmark is run again and table M changes, this says which derived
figures still need updating."""

from __future__ import annotations

import contextlib
import io
import math
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"
PLACES = ("HCMC", "Viet Nam")


@pytest.fixture(scope="module")
def section() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("## 9. Capacity")
    return text[start : text.index("\n## 10.", start)]


def snippet(section: str) -> str:
    return section.split("### Redoing the arithmetic", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]


def table_m(section: str) -> dict[str, float]:
    """Table M's bold inputs: c, m, r."""
    found = {}
    for symbol in ("c", "m", "r"):
        row = re.search(rf"^\| \*\*{symbol}\*\* \|.*?\| \*\*([\d.]+)[^|]*\*\* \|", section, re.MULTILINE)
        assert row, f"table M has no row for {symbol}"
        found[symbol] = float(row.group(1))
    return found


def arithmetic_rows(section: str) -> dict[str, list[str]]:
    """The arithmetic table: first cell without bold -> the HCMC and Viet Nam cells."""
    table = section.split("### The arithmetic", 1)[1].split("\n\n", 2)[1]
    rows = {}
    for line in table.splitlines()[2:]:
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        rows[cells[0].replace("**", "").split(" (")[0]] = cells[-2:]
    return rows


def printed(section: str) -> dict[str, dict[str, float]]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(snippet(section), {})  # the doc's own code
    figures = {}
    for line in out.getvalue().splitlines():
        place, _, rest = line.partition(": ")
        numbers = [float(n.replace(",", "")) for n in re.findall(r"[\d,]*\d(?:\.\d+)?", rest)]
        keys = ("messages", "cores", "workers", "worker_gb", "citizens", "pg_cores", "db_gb", "oas")
        figures[place] = dict(zip(keys, numbers, strict=True))
    assert set(figures) == set(PLACES)
    return figures


def test_the_code_uses_the_inputs_of_table_m(section: str) -> None:
    constants = re.search(r"^c, m, r = ([\d.]+), ([\d.]+), ([\d.]+)", snippet(section), re.MULTILINE)
    assert constants, "the code no longer starts from c, m, r"
    assert dict(zip("cmr", map(float, constants.groups()), strict=True)) == table_m(section)


def cell(rows: dict[str, list[str]], name: str, column: int) -> str:
    return rows[name][column].replace("**", "").replace(",", "")


def test_the_table_says_what_the_code_prints(section: str) -> None:
    rows = arithmetic_rows(section)
    figures = printed(section)
    for column, place in enumerate(PLACES):
        f = figures[place]
        assert cell(rows, "messages a second at the peak", column) == f"{f['messages']:.0f}", place
        assert cell(rows, "CPU at the peak", column) == f"{f['cores']:.1f} cores", place
        workers = cell(rows, "workers", column)
        assert workers.startswith(f"{f['workers']:.0f} run "), place
        run = re.search(r"run (\d+)", workers)
        assert run and int(run.group(1)) > f["workers"], place  # and spares
        assert cell(rows, "database size", column) == f"~{round(f['db_gb'], -1):.0f} GB", place
        oas = cell(rows, "Zalo Official Accounts at 4,000 calls a minute", column)
        assert math.isclose(float(oas), f["oas"]), place
