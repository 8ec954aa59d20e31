"""Read printed PDFs back the way a citizen would: the pages as images (pdftoppm), the QR codes on them
(zbarimg), the text (pdftotext) and the paper size (pdfinfo). Debian's poppler-utils and zbar-tools."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from bot.outreach.pdf import CHROMIUM

TOOLS = ("pdftoppm", "pdftotext", "pdfinfo", "zbarimg")

needs_printing = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Debian's chromium is not installed at {CHROMIUM}"),
    pytest.mark.skipif(
        any(shutil.which(tool) is None for tool in TOOLS),
        reason="needs poppler-utils (pdftoppm, pdftotext, pdfinfo) and zbar-tools (zbarimg)",
    ),
]

F = TypeVar("F", bound=Callable[..., object])


def printing(test: F) -> F:
    """Mark one test as needing the browser and the PDF tools (skipped with the reason when absent)."""
    for mark in needs_printing:
        test = mark(test)
    return test


def _write(pdf: bytes, workdir: Path) -> Path:
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "doc.pdf"
    path.write_bytes(pdf)
    return path


def qr_codes(pdf: bytes, workdir: Path) -> list[str]:
    """Every QR code on every page, rasterised at 150 dpi (an office scanner's resolution)."""
    path = _write(pdf, workdir)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(path), str(workdir / "page")], check=True)
    found: list[str] = []
    for page in sorted(workdir.glob("page*.png")):
        # zbarimg exits 4 when a page has no code at all; that is not an error here.
        run = subprocess.run(
            ["zbarimg", "--raw", "-q", str(page)], capture_output=True, text=True, check=False
        )
        assert run.returncode in (0, 4), run.stderr
        found.extend(line for line in run.stdout.splitlines() if line)
    return found


def text(pdf: bytes, workdir: Path) -> str:
    """The PDF's text, NFC-normalised, with every run of whitespace (line wraps) made one space."""
    path = _write(pdf, workdir)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout
    return flat(out.decode("utf-8"))


def flat(value: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", value)).strip()


def info(pdf: bytes, workdir: Path) -> dict[str, str]:
    path = _write(pdf, workdir)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {
        key.strip(): value.strip() for key, _, value in (line.partition(":") for line in out.splitlines())
    }
