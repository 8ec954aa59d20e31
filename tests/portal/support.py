"""Where the portal records are: a few copied fixtures, and the project's full snapshot beside the repo."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.portal.records import Record, read_record

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "portal"
SNAPSHOT = ROOT.parent / "shared" / "portal"  # ../shared/portal of the checkout, when present


def fixture(code: str) -> Record:
    return read_record(next(FIXTURES.glob(f"*/{code}.json")))


def field(code: str, name: str) -> str:
    return fixture(code).get(name)


def snapshot() -> Path:
    """The full record set; a test needing it fails on CI (CI=true) when it is missing, skips elsewhere."""
    if not SNAPSHOT.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the portal records are missing at {SNAPSHOT}")
        pytest.skip("../shared/portal is not beside this checkout")
    return SNAPSHOT
