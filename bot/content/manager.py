"""Keep this worker serving the newest content revision.

Every worker process runs one `ContentManager`. At start it imports the content files on disk when the
database has none, or publishes the files that changed on disk since the last start
(bot/content/disk_sync.py),
then loads the newest revision. Afterwards it asks the database for the newest
revision id every `poll_seconds` (one indexed MAX query), and when it moved, loads that revision, builds
catalogue, search index and flows, and hands them to `swap` (the service's `swap_content`: one
assignment). Turns already running finish on the content they started with; a saved
conversation whose step disappeared is restarted gently by the engine.

Revisions are checked before they are stored, so loading one fails only when the code changed under
the content (a newer bot with stricter rules). Then the worker keeps what it serves, logs every problem,
and does not retry that revision until a newer one appears.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from bot.content.content_set import Built
from bot.content.disk_sync import remember, sync_from_disk
from bot.content.model import Content
from bot.content.revisions import Revisions
from bot.errors import ContentInvalid
from bot.outreach.texts import OutreachTexts
from bot.storage.audit import SYSTEM
from bot.storage.base import Store

log = logging.getLogger("motcua.admin.content")

INITIAL_COMMENT = "Nhập nội dung ban đầu từ các tệp trên máy chủ"  # officials read it in the history
FALLBACK_DEPTH = 20  # older revisions tried at start when the newest cannot be loaded


class ContentManager:
    def __init__(
        self,
        revisions: Revisions,
        store: Store,
        swap: Callable[[Content], None],
        poll_seconds: float = 2.0,
    ) -> None:
        self.revisions = revisions
        self.store = store  # where the digests of the files last seen on disk are kept
        self._swap = swap
        self.poll_seconds = poll_seconds
        self.revision: int | None = None  # the revision this worker serves
        self.outreach: OutreachTexts | None = None  # its leaflet words, when it has outreach.yaml
        self._refused: int | None = None  # newest revision that failed to load; not retried
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self.on_swap: list[Callable[[int], None]] = []  # hooks (tests, caches keyed by revision)

    async def start(self, disk_files: Callable[[], dict[str, str]]) -> None:
        """Import on first start, serve the newest loadable revision, then poll for newer ones."""
        files = disk_files()
        if await self.revisions.latest_id() is None:
            published = await self.revisions.import_initial(files, SYSTEM, INITIAL_COMMENT)
            if published is not None:
                log.info("imported the content files as revision %d", published.revision)
            await remember(self.store, files)
        else:
            await sync_from_disk(self.revisions, self.store, files)
        await self._load_at_start()
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._poll(), name="motcua-content")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def refresh(self) -> bool:
        """Load the newest revision if it is not the one served. True when content was swapped."""
        latest = await self.revisions.latest_id()
        if latest is None or latest in (self.revision, self._refused):
            return False
        async with self._lock:
            if latest in (self.revision, self._refused) or (self.revision or 0) > latest:
                return False
            try:
                built = await self._build(latest)
            except ContentInvalid as err:
                self._refuse(latest, err)
                return False
            self.adopt(latest, built)
            return True

    def adopt(self, revision: int, built: Built) -> None:
        """Serve `built` as `revision` (the publishing worker passes what it has just checked)."""
        if self.revision is not None and revision < self.revision:
            return  # a newer revision is already served; never go back
        self._swap(built.content)
        self.outreach = built.outreach
        self.revision = revision
        log.info("serving content revision %d (%d procedures)", revision, len(built.content.catalogue))
        for hook in self.on_swap:
            hook(revision)

    async def _build(self, revision: int) -> Built:
        files = await self.revisions.files(revision)
        return await asyncio.to_thread(self.revisions.build, files)

    async def _load_at_start(self) -> None:
        history = await self.revisions.history(limit=FALLBACK_DEPTH)
        first_error: ContentInvalid | None = None
        for info in history:
            try:
                built = await self._build(info.id)
            except ContentInvalid as err:
                self._refuse(info.id, err)
                first_error = first_error or err
                continue
            self.adopt(info.id, built)
            if first_error is not None:
                log.error("serving the older revision %d: newer ones do not load with this version", info.id)
            self._refused = history[0].id if info.id != history[0].id else None
            return
        raise first_error or ContentInvalid([])

    def _refuse(self, revision: int, err: ContentInvalid) -> None:
        self._refused = revision
        for problem in err.problems:
            log.error("revision %d: %s", revision, problem)
        log.error(
            "content revision %d cannot be loaded by this version; still serving %s", revision, self.revision
        )

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self.poll_seconds)
            try:
                await self.refresh()
            except Exception:
                log.exception("checking for a new content revision failed")
