"""`motcua portal import DIR`: writes the tier, reports per field, and refuses what it cannot do."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.portal.tier import load_tier
from tests.portal.support import FIXTURES


def test_import_writes_the_tier_and_reports_each_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "portal.json"
    assert main(["portal", "import", str(FIXTURES), "--out", str(out)]) == 0
    printed = capsys.readouterr()
    records = len(list(FIXTURES.glob("*/*.json")))
    assert f"records: {records} imported, 0 unreadable" in printed.out
    assert "| channels | `cach_thuc_thuc_hien` |" in printed.out and "| legal_basis |" in printed.out
    assert "legal_basis: no table header (1)" in printed.out  # 3.000337 is left to the page, and said so
    assert f"read {records}/{records} records" in printed.err  # progress
    procedures, problems = load_tier(out.read_text(encoding="utf-8"))
    assert problems == () and len(procedures) == records
    assert {p.portal_page.captured for p in procedures if p.portal_page} == {"06–07/2026"}  # from README.md


def test_import_refuses_a_folder_it_cannot_use(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["portal", "import", str(tmp_path / "missing"), "--out", str(tmp_path / "a.json")]) == 2
    undated = tmp_path / "undated"
    shutil.copytree(FIXTURES, undated, ignore=shutil.ignore_patterns("README.md"))
    assert main(["portal", "import", str(undated), "--out", str(tmp_path / "b.json")]) == 2
    assert "--captured" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert (
        main(["portal", "import", str(empty), "--captured", "07/2026", "--out", str(tmp_path / "c.json")])
        == 1
    )
    broken = tmp_path / "broken" / "bo-x"
    broken.mkdir(parents=True)
    (broken / "1.000001.json").write_text("[1, 2]", encoding="utf-8")
    shutil.copy(next(FIXTURES.glob("*/1.000178.json")), broken)
    assert (
        main(
            [
                "portal",
                "import",
                str(broken.parent),
                "--captured",
                "07/2026",
                "--out",
                str(tmp_path / "d.json"),
            ]
        )
        == 0
    )
    assert "1 imported, 1 unreadable" in capsys.readouterr().out
