"""The content manager: import on first start, pick up new revisions, survive ones it cannot load."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.config import load_settings
from bot.content.content_set import ContentChecker, procedure_path
from bot.content.disk import settings_files
from bot.content.manager import ContentManager
from bot.content.revisions import Revisions
from bot.domain.messages import Incoming
from bot.service import ChatService
from bot.storage.audit import SYSTEM
from bot.storage.sql.store import SqlStore

FILES = settings_files(load_settings())
HO_CHIEU = procedure_path("ho-chieu")


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[SqlStore]:
    opened = await SqlStore.open(database_url, migrate=True)
    try:
        yield opened
    finally:
        await opened.close()


def _service(store: SqlStore) -> ChatService:
    """A service serving something else than the files, so a swap is visible."""
    small = {k: v for k, v in FILES.items() if k != HO_CHIEU}
    return ChatService(store, ContentChecker().build(small).content)


def _manager(store: SqlStore, service: ChatService, poll_seconds: float = 2.0) -> ContentManager:
    return ContentManager(Revisions(store.units), store, service.swap_content, poll_seconds)


@pytest.fixture
def service(store: SqlStore) -> ChatService:
    return _service(store)


@pytest.fixture
async def manager(store: SqlStore, service: ChatService) -> AsyncIterator[ContentManager]:
    manager = _manager(store, service, poll_seconds=0.05)
    await manager.start(lambda: FILES)
    try:
        yield manager
    finally:
        await manager.stop()


async def test_the_first_start_imports_and_serves_the_files(
    manager: ContentManager, service: ChatService
) -> None:
    assert manager.revision == 1
    assert "ho-chieu" in service.content.catalogue
    assert manager.outreach is not None  # outreach.yaml came along


async def test_a_second_start_with_unchanged_files_publishes_nothing(
    store: SqlStore, manager: ContentManager
) -> None:
    other = _manager(store, _service(store))
    await other.start(lambda: dict(FILES))
    await other.stop()
    assert other.revision == 1


def _fee_changed(text: str, fee: str) -> str:
    """The passport file with its fee sentence starting with `fee` (the old sentence must be there)."""
    old = "\n    200.000 đ"
    assert old in text, "the passport fee sentence these tests edit"
    return text.replace(old, "\n    " + fee, 1)


async def test_a_second_start_publishes_only_the_files_changed_on_disk(
    store: SqlStore, manager: ContentManager
) -> None:
    # An official changes flows.yaml in the admin pages; a deploy changes ho-chieu.yaml on disk.
    revisions = Revisions(store.units)
    flows = FILES["flows.yaml"].replace("settings:", "settings:  # sửa trong trang quản trị", 1)
    await revisions.publish("flows.yaml", flows, "sửa", 1, SYSTEM)
    on_disk = dict(FILES)
    on_disk[HO_CHIEU] = _fee_changed(FILES[HO_CHIEU], "2 đ")
    other = _manager(store, _service(store))
    await other.start(lambda: on_disk)
    await other.stop()
    assert other.revision == 3
    served = await revisions.files(3)
    assert served[HO_CHIEU] == on_disk[HO_CHIEU]
    assert served["flows.yaml"] == flows  # the official's edit is kept


async def test_a_revision_published_elsewhere_is_picked_up_by_polling(
    store: SqlStore, manager: ContentManager, service: ChatService
) -> None:
    swapped: list[int] = []
    manager.on_swap.append(swapped.append)
    elsewhere = Revisions(store.units)
    text = _fee_changed(FILES[HO_CHIEU], "1 đ")
    await elsewhere.publish(HO_CHIEU, text, "x", 1, SYSTEM)
    for _ in range(100):
        if manager.revision == 2:
            break
        await asyncio.sleep(0.05)
    assert manager.revision == 2 and swapped == [2]
    assert service.content.catalogue["ho-chieu"].fee.text.startswith("1 đ")


async def test_a_revision_this_version_cannot_load_is_skipped_not_served(
    store: SqlStore, manager: ContentManager, service: ChatService, caplog: pytest.LogCaptureFixture
) -> None:
    """Revisions are checked before they are stored; this one is forced in to stand for content that a
    newer, stricter version of the bot would refuse."""
    revisions = manager.revisions
    broken = {**FILES, HO_CHIEU: FILES[HO_CHIEU].replace("level: ", "level: 7 #", 1)}
    await revisions._commit(broken, SYSTEM, "publish", "forced", 1)  # bypasses validation on purpose
    await manager.stop()
    assert await manager.refresh() is False
    assert manager.revision == 1 and "ho-chieu" in service.content.catalogue
    assert "revision 2" in caplog.text

    restarted = _manager(store, _service(store))
    await restarted.start(lambda: FILES)
    await restarted.stop()
    assert restarted.revision == 1  # the newest revision it can load
    await revisions.publish(HO_CHIEU, FILES[HO_CHIEU] + "# fixed\n", "fix", 2, SYSTEM)
    assert await manager.refresh() is True and manager.revision == 3


async def test_a_conversation_survives_its_procedure_disappearing(
    store: SqlStore, manager: ContentManager, service: ChatService
) -> None:
    opened = await service.converse("web", "citizen", Incoming.started("ho-chieu"))
    button = opened[-1].buttons[0].id
    without = {k: v for k, v in FILES.items() if k != HO_CHIEU}
    removed = await manager.revisions.replace_all(without, SYSTEM, "import", "remove")
    await manager.refresh()  # or the polling got there first
    assert manager.revision == removed.revision
    replies = await service.converse("web", "citizen", Incoming.pressed(button))
    assert replies, "the citizen gets an answer, not an error"
    assert "cập nhật" in replies[0].text  # flows.yaml's content_changed message
