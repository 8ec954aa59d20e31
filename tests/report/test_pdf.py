"""The report page printed by Debian's Chromium (as `motcua report --pdf` does): A4, the Vietnamese
words intact, the figures on the paper."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest

from bot.cli.report import PDF_NAME, add_report_commands, run_report
from bot.config import Settings
from bot.outreach.pdf import CHROMIUM
from tests.outreach import pdftools

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Debian's chromium is not installed at {CHROMIUM}"),
    pytest.mark.skipif(
        any(shutil.which(tool) is None for tool in ("pdftotext", "pdfinfo")), reason="needs poppler-utils"
    ),
]


def test_the_report_prints_on_a4_with_its_words_and_figures(
    shared_settings: Settings, tmp_path: Path
) -> None:
    parser = argparse.ArgumentParser(prog="motcua")
    add_report_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["report", "--quarter", "2026-Q1", "--out", str(tmp_path / "out"), "--pdf"])
    assert run_report(args, shared_settings) == 0
    pdf = (tmp_path / "out" / PDF_NAME).read_bytes()
    assert pdf.startswith(b"%PDF-")
    info = pdftools.info(pdf, tmp_path / "read")
    assert info["Page size"].endswith("(A4)")
    assert int(info["Pages"]) >= 2
    text = pdftools.text(pdf, tmp_path / "read")
    assert "Báo cáo hoạt động quý 2026-Q1" in text
    assert "Người dân đi được đến đâu trong từng kịch bản" in text
    assert "Phường Bến Nghé 2 2 410 810" in text  # a row of the handoffs by ward, as printed
    assert "Chưa có buổi hỗ trợ trực tiếp nào" in text  # no volunteer session in this database yet
