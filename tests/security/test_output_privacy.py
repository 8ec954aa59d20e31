"""Text leaving the database is masked again, and CSV cells are never spreadsheet formulas (issue 11)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import insert

from bot.admin.unanswered import group_unanswered
from bot.report.csv_out import csv_content
from bot.report.load import load_history
from bot.report.quarter import Quarter
from bot.report.table import Column, Table
from bot.storage.sql.store import SqlStore
from bot.storage.tables import Event

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
RAW = "số tôi 0912_345_678 gọi lại"  # stored by an older version whose masking missed underscores


def test_the_unanswered_list_masks_rows_stored_before_masking_improved() -> None:
    row = SimpleNamespace(
        channel="web", user_hash="h", at=NOW, incoming_kind="text", text_masked=RAW, search_decision="none"
    )

    (group,) = group_unanswered([row], NOW)

    assert "345" not in group.text and "[SĐT]" in group.text


async def test_the_report_reads_stored_text_masked_again(tmp_path: Path) -> None:
    store = await SqlStore.open(f"sqlite:///{tmp_path / 'm.db'}", migrate=True)
    try:
        async with store.engine.begin() as conn:
            await conn.execute(
                insert(Event).values(
                    at=NOW,
                    channel="web",
                    user_hash="h",
                    flow="f",
                    step="s",
                    procedure=None,
                    incoming_kind="text",
                    text_masked=RAW,
                    search_decision="none",
                    search_top=None,
                    extra={},
                )
            )
        history = await load_history(store.engine, Quarter.containing(NOW))
    finally:
        await store.close()

    assert [e.text for e in history.events] == ["số tôi [SĐT] gọi lại"]


@pytest.mark.parametrize("typed", ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_a_csv_cell_that_a_spreadsheet_would_run_is_neutralised(typed: str) -> None:
    table = Table("questions", (Column("rank", "Hạng"), Column("text", "Câu hỏi", "text")), ((1, typed),))

    (_, (rank, cell)) = list(csv.reader(io.StringIO(csv_content(table), newline="")))

    assert rank == "1"
    assert cell == "'" + typed


def test_ordinary_text_and_negative_numbers_are_written_as_they_are() -> None:
    table = Table("t", (Column("a", "A", "text"), Column("n", "N")), (("khai sinh", -3),))

    assert csv_content(table).splitlines()[1] == "khai sinh,-3"
