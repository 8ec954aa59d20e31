"""The compiled-content cache: a hit skips the build; a damaged, foreign or stale file is never trusted."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.content.compiled import KEEP, CompiledContent, cache_key
from bot.content.content_set import FLOWS, PORTAL, Built, ContentChecker, Files, _Lru, procedure_path
from bot.content.disk import settings_files
from bot.content.manager import ContentManager
from bot.content.revisions import Revisions
from bot.errors import ContentInvalid
from bot.service import ChatService
from bot.storage.audit import SYSTEM
from bot.storage.sql.store import SqlStore

QUERY = "làm giấy khai sinh cho con"


PARSES = _Lru(256)  # YAML parses shared by these tests (without portal.json no built set is kept in memory)


class CountingChecker(ContentChecker):
    """Counts the builds asked of it: a disk cache hit asks none."""

    def __init__(self) -> None:
        super().__init__(PARSES)
        self.builds = 0

    def build(self, files: Files) -> Built:
        self.builds += 1
        return super().build(files)


@pytest.fixture(scope="module")
def files() -> Files:
    return settings_files(load_settings(portal_file=None))


def answers(compiled: CompiledContent, files: Files) -> object:
    return compiled.index(files).search(QUERY).to_json()


def test_a_second_command_reads_what_the_first_built(tmp_path: Path, files: Files) -> None:
    first = CountingChecker()
    expected = answers(CompiledContent(tmp_path, first), files)
    assert first.builds == 1
    key = cache_key(files)
    assert {p.name for p in tmp_path.iterdir()} == {f"{key}.index.pickle", f"{key}.built.pickle"}

    second = CountingChecker()
    compiled = CompiledContent(tmp_path, second)
    assert answers(compiled, files) == expected
    built = compiled.built(files)
    assert second.builds == 0
    assert built.content.index.search(QUERY).to_json() == expected
    fresh = ContentChecker().build(files).content
    assert built.content.catalogue.procedures() == fresh.catalogue.procedures()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other key", "wrong type"])
def test_a_damaged_or_foreign_cache_file_is_rebuilt(tmp_path: Path, files: Files, damage: str) -> None:
    expected = answers(CompiledContent(tmp_path, CountingChecker()), files)
    path = tmp_path / f"{cache_key(files)}.index.pickle"
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"not a pickle")
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "other key":
        _key, part, value = pickle.loads(data)
        path.write_bytes(pickle.dumps(("0" * 64, part, value)))
    else:
        path.write_bytes(pickle.dumps((cache_key(files), "index", {"not": "an index"})))

    checker = CountingChecker()
    assert answers(CompiledContent(tmp_path, checker), files) == expected
    assert checker.builds == 1
    assert path.read_bytes() != b"not a pickle" and pickle.loads(path.read_bytes())[0] == cache_key(files)


def test_changed_files_are_a_new_key_and_invalid_ones_are_not_cached(tmp_path: Path, files: Files) -> None:
    CompiledContent(tmp_path, CountingChecker()).index(files)
    changed = {**files, FLOWS: files[FLOWS] + "\n# một dòng chú thích\n"}
    assert cache_key(changed) != cache_key(files)
    checker = CountingChecker()
    CompiledContent(tmp_path, checker).index(changed)
    assert checker.builds == 1

    broken = {**files, FLOWS: "flows: [\n"}
    before = set(tmp_path.iterdir())
    with pytest.raises(ContentInvalid):
        CompiledContent(tmp_path, CountingChecker()).index(broken)
    assert set(tmp_path.iterdir()) == before


def test_only_the_newest_keys_are_kept(tmp_path: Path, files: Files) -> None:
    compiled = CompiledContent(tmp_path, CountingChecker())
    for n in range(KEEP + 2):
        compiled.index({**files, FLOWS: files[FLOWS] + f"\n# {n}\n"})
    keys = {p.name.split(".", 1)[0] for p in tmp_path.glob("*.pickle")}
    assert len(keys) == KEEP
    assert cache_key({**files, FLOWS: files[FLOWS] + f"\n# {KEEP + 1}\n"}) in keys


def test_an_unwritable_cache_folder_still_answers(tmp_path: Path, files: Files) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    assert answers(CompiledContent(blocked / "content", CountingChecker()), files)


# --- a publish re-does the work of what it changes -------------------------------------------------------


def _worker(store: SqlStore, folder: Path) -> tuple[ContentManager, ContentChecker, ChatService]:
    """One worker process's content side: its own parse cache, the shared compiled-content folder."""
    checker = ContentChecker(_Lru(4096))
    service = ChatService(store, None)
    revisions = Revisions(store.units, checker, compiled_dir=folder)
    return ContentManager(revisions, store, service.swap_content, poll_seconds=60), checker, service


def work(checker: ContentChecker) -> tuple[int, int, int]:
    """Files parsed, portal tiers parsed, catalogue texts read for the index: work done, not found."""
    return checker.files_parsed, checker.tiers_parsed, checker.texts_read


async def test_publishing_one_changed_procedure_redoes_that_procedure_alone(
    sqlite_url: str, tmp_path: Path
) -> None:
    whole = settings_files(load_settings())  # the whole catalogue: curated files and the portal tier
    assert PORTAL in whole
    store = await SqlStore.open(sqlite_url, migrate=True)
    try:
        first, first_checker, _ = _worker(store, tmp_path / "compiled")
        await first.start(lambda: whole)  # imports the files: every file parsed once
        assert first_checker.files_parsed == len(whole) - 1  # all but portal.json, which is not YAML
        assert first_checker.tiers_parsed == 1
        reference = ContentChecker().build(whole).content
        before = first_checker.texts_read  # the index read every procedure's texts, several each
        assert before > len(reference.catalogue)

        # Another worker starts: it reads what the first compiled, and parses nothing.
        second, second_checker, served = _worker(store, tmp_path / "compiled")
        await second.start(lambda: whole)
        assert work(second_checker) == (0, 0, 0)
        assert served.content.catalogue.procedures() == reference.catalogue.procedures()

        path = procedure_path("ho-chieu")
        renamed = whole[path].replace(
            "short_name: Cấp hộ chiếu phổ thông", "short_name: Làm hộ chiếu phổ thông"
        )
        assert renamed != whole[path]
        published = await second.revisions.publish(path, renamed, "đổi tên ngắn", 1, SYSTEM)
        # One file parsed; for the search index, the one text it changed is read (the rest remembered).
        assert work(second_checker) == (1, 0, 1)
        assert published.built is not None
        assert published.built.content.catalogue["ho-chieu"].short_name == "Làm hộ chiếu phổ thông"

        # The first worker picks the revision up as the publisher compiled it: it parses nothing more.
        assert await first.refresh()
        assert work(first_checker) == (len(whole) - 1, 1, before)
        # And what it serves is what a build from nothing makes of the new files.
        fresh = ContentChecker(_Lru(4096)).build({**whole, path: renamed}).content
        assert published.built.content.catalogue.procedures() == fresh.catalogue.procedures()
        assert published.built.content.index.search(QUERY).to_json() == fresh.index.search(QUERY).to_json()
    finally:
        await store.close()
