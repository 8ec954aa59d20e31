"""`motcua search` answers as the running bot does: from the published content revision, not the files."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli.main import main
from bot.config import load_settings
from bot.content.content_set import procedure_path
from bot.content.disk import settings_files
from bot.content.manager import INITIAL_COMMENT
from bot.content.published import published_files
from bot.content.revisions import Revisions
from bot.storage.audit import SYSTEM
from bot.storage.sql.store import SqlStore

HO_CHIEU = procedure_path("ho-chieu")
QUESTION = "xin sổ thông hành"  # the old word for a passport, which the shipped files do not know
ALIASES = "aliases:\n"


def _search(question: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["search", question, "--json"]) == 0
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    return result


async def _publish_alias(url: str) -> None:
    """What the admin pages do when an official adds an alias to the passport procedure."""
    store = await SqlStore.open(url, migrate=True)
    try:
        revisions = Revisions(store.units)
        files = settings_files(load_settings())
        await revisions.import_initial(files, SYSTEM, INITIAL_COMMENT)
        text = files[HO_CHIEU]
        assert ALIASES in text, "the passport file these tests edit has aliases"
        edited = text.replace(ALIASES, f"{ALIASES}  - sổ thông hành\n", 1)
        await revisions.publish(HO_CHIEU, edited, "thêm tên gọi cũ", 1, SYSTEM)
    finally:
        await store.close()


def _top(result: dict[str, Any]) -> str | None:
    matches = result["matches"]
    return str(matches[0]["id"]) if matches else None


def test_search_answers_from_the_published_revision_after_an_official_edits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "motcua.db"
    monkeypatch.setenv("MOTCUA_DATABASE_URL", f"sqlite:///{db}")

    before = _search(QUESTION, capsys)  # no database yet: the files on disk
    assert not db.exists(), "looking must not create a database"
    assert _top(before) != "ho-chieu"

    asyncio.run(_publish_alias(f"sqlite:///{db}"))
    on_disk = (load_settings().catalogue_dir / "ho-chieu.yaml").read_text(encoding="utf-8")
    assert "sổ thông hành" not in on_disk, "the edit lives only in the database"
    after = _search(QUESTION, capsys)
    assert _top(after) == "ho-chieu", after


def test_a_database_without_content_revisions_means_the_files_on_disk(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()  # an SQLite file with no tables at all
    assert asyncio.run(published_files(f"sqlite:///{empty}")) is None
    assert asyncio.run(published_files(f"sqlite:///{tmp_path / 'missing.db'}")) is None
    assert not (tmp_path / "missing.db").exists()
