"""outreach.yaml: the real file loads; every mistake an official can make is reported as FILE:LINE."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.outreach_file import OUTREACH_FILE, load_outreach
from bot.domain.catalogue import DocumentKind
from bot.errors import ContentInvalid
from bot.outreach.texts import OutreachTexts, fill

REAL = OUTREACH_FILE.read_text(encoding="utf-8")


def _line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def _load_edited(tmp_path: Path, old: str, new: str) -> tuple[str, ContentInvalid]:
    assert old in REAL, f"the test expects {old!r} in outreach.yaml"
    edited = REAL.replace(old, new, 1)
    path = tmp_path / "outreach.yaml"
    path.write_text(edited, encoding="utf-8")
    with pytest.raises(ContentInvalid) as caught:
        load_outreach(path)
    return edited, caught.value


def test_the_real_file_has_a_label_for_every_document_kind_and_level(texts: OutreachTexts) -> None:
    for kind in DocumentKind:
        assert texts.kinds.of(kind).strip()
    labels = {texts.levels.of(level).label for level in (2, 3, 4)}
    assert len(labels) == 3, "each online level needs its own term"


def test_an_unknown_key_names_its_file_and_line(tmp_path: Path) -> None:
    edited, err = _load_edited(tmp_path, "  fee: Lệ phí\n", "  fee: Lệ phí\n  fees: Lệ phí\n")
    [problem] = err.problems
    assert problem.file == str(tmp_path / "outreach.yaml")
    assert problem.field == "leaflet.fees"
    assert problem.line == _line_of(edited, "  fees:")
    assert "unknown field" in problem.message


def test_a_missing_text_is_reported_at_its_section(tmp_path: Path) -> None:
    edited, err = _load_edited(tmp_path, "  scan_bot: Quét mã để hỏi trợ lý\n", "")
    [problem] = err.problems
    assert problem.field == "poster.scan_bot"
    assert problem.line == _line_of(edited, "poster:") + 1  # where the section's fields begin


def test_a_misspelt_placeholder_is_refused_with_its_line(tmp_path: Path) -> None:
    edited, err = _load_edited(tmp_path, '"{count} bản"', '"{cuont} bản"')
    [problem] = err.problems
    assert problem.field == "leaflet.count"
    assert problem.line == _line_of(edited, "{cuont}")
    assert "{cuont}" in problem.message and "{count}" in problem.message


def test_a_dropped_placeholder_is_refused(tmp_path: Path) -> None:
    _, err = _load_edited(tmp_path, '"Rồi nhắn: {short_name}"', '"Rồi nhắn tên thủ tục"')
    [problem] = err.problems
    assert problem.field == "channels.zalo_hint"
    assert "{short_name}" in problem.message


def test_a_placeholder_where_none_is_filled_in_is_refused(tmp_path: Path) -> None:
    _, err = _load_edited(tmp_path, "  documents: Giấy tờ cần chuẩn bị\n", "  documents: Giấy tờ {name}\n")
    [problem] = err.problems
    assert problem.field == "leaflet.documents"


def test_an_unmatched_brace_is_refused(tmp_path: Path) -> None:
    _, err = _load_edited(tmp_path, '"Theo mẫu: {form}"', '"Theo mẫu: {form}}"')
    [problem] = err.problems
    assert problem.field == "leaflet.form"
    assert "brace" in problem.message


def test_a_missing_document_kind_label_is_an_error(tmp_path: Path) -> None:
    _, err = _load_edited(tmp_path, "  electronic: Bản điện tử\n", "")
    assert [p.field for p in err.problems] == ["kinds.electronic"]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "outreach.yaml"
    path.write_text(
        REAL.replace('"{count} bản"', '"{n} bản"').replace("ngày {date}", "ngày"), encoding="utf-8"
    )
    with pytest.raises(ContentInvalid) as caught:
        load_outreach(path)
    assert {p.field for p in caught.value.problems} == {"leaflet.count", "leaflet.verified"}


def test_broken_yaml_and_a_missing_file_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "outreach.yaml"
    path.write_text("leaflet:\n  kicker: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentInvalid) as caught:
        load_outreach(path)
    assert caught.value.problems[0].field == "(yaml)"
    with pytest.raises(ContentInvalid) as missing:
        load_outreach(tmp_path / "absent.yaml")
    assert "cannot be read" in missing.value.problems[0].message


def test_fill_replaces_placeholders_without_interpreting_the_values() -> None:
    assert fill("Mẫu {form}", form="{count} <b>") == "Mẫu {count} <b>"
