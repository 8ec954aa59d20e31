"""Content revisions on SQLite and PostgreSQL: import once, publish, conflicts, nothing invalid stored."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa

from bot.admin.diffing import files_diff
from bot.config import load_settings
from bot.content.content_set import procedure_path
from bot.content.disk import settings_files
from bot.content.revisions import PublishConflict, Revisions, UnknownRevision
from bot.errors import ContentInvalid
from bot.storage.audit import SYSTEM, Actor
from bot.storage.sql.store import SqlStore

FILES = settings_files(load_settings())
KHAI_SINH = procedure_path("khai-sinh")
LAN, HUNG = Actor(None, "Lan"), Actor(None, "Hùng")


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[SqlStore]:
    opened = await SqlStore.open(database_url, migrate=True)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def revisions(store: SqlStore) -> Revisions:
    revisions = Revisions(store.units)
    published = await revisions.import_initial(FILES, SYSTEM, "first")
    assert published is not None and published.revision == 1
    return revisions


async def _count(store: SqlStore, table: str) -> int:
    async with store.engine.connect() as conn:
        return int((await conn.execute(sa.text(f"SELECT count(*) FROM {table}"))).scalar_one())


async def test_the_first_import_happens_once_even_when_workers_race(database_url: str) -> None:
    stores = [await SqlStore.open(database_url, migrate=True) for _ in range(3)]
    try:
        results = await asyncio.gather(
            *(Revisions(s.units).import_initial(FILES, SYSTEM, "x") for s in stores)
        )
        assert sum(r is not None for r in results) == 1
        assert await _count(stores[0], "content_revisions") == 1
        assert await Revisions(stores[0].units).files(1) == FILES
    finally:
        for store in stores:
            await store.close()


async def test_a_publish_stores_one_new_text_and_references_the_rest(
    store: SqlStore, revisions: Revisions
) -> None:
    blobs = await _count(store, "content_blobs")
    text = FILES[KHAI_SINH].replace("Miễn lệ phí khi", "Không thu lệ phí khi")
    published = await revisions.publish(KHAI_SINH, text, "lệ phí", 1, LAN)
    assert published.revision == 2 and published.built is not None
    assert await _count(store, "content_blobs") == blobs + 1
    files = await revisions.files(2)
    assert files == {**FILES, KHAI_SINH: text}
    info = await revisions.info(2)
    assert (info.author, info.kind, info.comment, info.changed, info.parent_id) == (
        "Lan",
        "publish",
        "lệ phí",
        (KHAI_SINH,),
        1,
    )


async def test_an_invalid_set_is_never_stored(store: SqlStore, revisions: Revisions) -> None:
    with pytest.raises(ContentInvalid) as caught:
        await revisions.publish(KHAI_SINH, FILES[KHAI_SINH].replace("level: 4", "level: 5"), "x", 1, LAN)
    assert [(p.file, p.field) for p in caught.value.problems] == [(KHAI_SINH, "level")]
    with pytest.raises(ContentInvalid):
        await revisions.replace_all({k: v for k, v in FILES.items() if k != "flows.yaml"}, LAN, "import", "x")
    assert await revisions.latest_id() == 1
    assert await _count(store, "content_files") == len(FILES)


async def test_same_file_conflicts_other_files_merge(revisions: Revisions) -> None:
    await revisions.publish(KHAI_SINH, FILES[KHAI_SINH] + "# Lan\n", "a", 1, LAN)
    with pytest.raises(PublishConflict) as caught:
        await revisions.publish(KHAI_SINH, FILES[KHAI_SINH] + "# Hùng\n", "b", 1, HUNG)
    assert caught.value.current.id == 2 and caught.value.current.author == "Lan"
    other = procedure_path("ho-chieu")
    merged = await revisions.publish(other, FILES[other] + "# Hùng\n", "c", 1, HUNG)
    files = await revisions.files(merged.revision)
    assert files[KHAI_SINH].endswith("# Lan\n") and files[other].endswith("# Hùng\n")
    # from the newest base the same file can be edited again
    assert (await revisions.publish(KHAI_SINH, FILES[KHAI_SINH] + "# Hùng\n", "d", 3, HUNG)).revision == 4


async def test_publishers_racing_on_one_file_never_both_win(database_url: str, revisions: Revisions) -> None:
    others = [await SqlStore.open(database_url) for _ in range(3)]
    try:
        attempts = [
            Revisions(s.units).publish(KHAI_SINH, FILES[KHAI_SINH] + f"# {i}\n", "race", 1, LAN)
            for i, s in enumerate(others)
        ]
        results = await asyncio.gather(*attempts, return_exceptions=True)
    finally:
        for store in others:
            await store.close()
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    assert all(isinstance(r, PublishConflict) for r in results if isinstance(r, BaseException))
    assert await revisions.latest_id() == 2


async def test_rollback_and_removal_are_recorded_as_changes(revisions: Revisions) -> None:
    await revisions.publish(KHAI_SINH, FILES[KHAI_SINH] + "# x\n", "a", 1, LAN)
    back = await revisions.rollback(1, "back", LAN)
    assert back.revision == 3 and await revisions.files(3) == FILES
    info = await revisions.info(3)
    assert (info.kind, info.restores, info.changed) == ("rollback", 1, (KHAI_SINH,))
    assert (await revisions.rollback(1, "again", LAN)).built is None  # already the same: no revision
    without = {k: v for k, v in FILES.items() if k != "outreach.yaml"}
    removed = await revisions.replace_all(without, LAN, "import", "no leaflets")
    assert (await revisions.info(removed.revision)).changed == ("outreach.yaml",)


async def test_unknown_revisions_and_paths_are_refused(revisions: Revisions) -> None:
    with pytest.raises(UnknownRevision):
        await revisions.files(42)
    with pytest.raises(UnknownRevision):
        await revisions.publish(KHAI_SINH, "x", "c", 42, LAN)
    with pytest.raises(ValueError, match="not a content file"):
        await revisions.publish("../secrets.yaml", "a: 1", "c", 1, LAN)


def test_diff_marks_each_line() -> None:
    diff = files_diff(
        {"a.yaml": "x\ny\nz\n", "b.yaml": "same\n"},
        {"a.yaml": "x\nY\nz\n", "b.yaml": "same\n", "c.yaml": "n\n"},
    )
    assert diff == [
        {
            "file": "a.yaml",
            "lines": [
                {"op": " ", "text": "x"},
                {"op": "-", "text": "y"},
                {"op": "+", "text": "Y"},
                {"op": " ", "text": "z"},
            ],
        },
        {"file": "c.yaml", "lines": [{"op": "+", "text": "n"}]},
    ]
