"""report.yaml: the words of the report, validated with the line of every problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ContentInvalid
from bot.report.texts import REPORT_FILE, fill, load_report_texts


def test_the_report_words_in_the_repository_are_valid() -> None:
    texts = load_report_texts()
    assert fill(texts.title, quarter="2026-Q1").endswith("2026-Q1")
    assert {"match", "choose", "none"} <= set(texts.decisions)
    assert {"web", "zalo", "telegram"} <= set(texts.channels)


def broken(tmp_path: Path, old: str, new: str) -> Path:
    text = REPORT_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "report.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, fragment: str) -> int:
    return next(
        n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if fragment in line
    )


def test_a_misspelt_placeholder_is_reported_at_its_line(tmp_path: Path) -> None:
    path = broken(tmp_path, "quý {quarter}", "quý {qaurter}")
    with pytest.raises(ContentInvalid) as caught:
        load_report_texts(path)
    [problem] = caught.value.problems
    assert (problem.line, problem.field) == (line_of(path, "{qaurter}"), "title")
    assert "unknown placeholder {qaurter}" in problem.message


def test_a_missing_column_heading_is_reported(tmp_path: Path) -> None:
    path = broken(tmp_path, "  abandoned: Bỏ dở\n", "")
    with pytest.raises(ContentInvalid) as caught:
        load_report_texts(path)
    assert [(p.field, p.message) for p in caught.value.problems] == [
        ("columns.abandoned", "this field is required but missing")
    ]


def test_an_unknown_field_is_reported(tmp_path: Path) -> None:
    path = broken(tmp_path, "heading:", "headline: Một Cửa\nheading:")
    with pytest.raises(ContentInvalid) as caught:
        load_report_texts(path)
    assert [p.field for p in caught.value.problems] == ["headline"]


def test_a_file_that_cannot_be_read_says_so(tmp_path: Path) -> None:
    with pytest.raises(ContentInvalid) as caught:
        load_report_texts(tmp_path / "missing.yaml")
    assert "cannot be read" in caught.value.problems[0].message
