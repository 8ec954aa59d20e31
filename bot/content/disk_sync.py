"""Bring content files changed on disk into the published content when a worker starts.

The database is the source of truth once it holds content, but a deploy (or a developer editing
procedures/ and restarting `./dev start`) changes files on disk too. Each start compares the files on disk
with the ones it saw the last time it looked (their SHA-256, kept in the `secrets` table); only files that
changed on disk since then are published, as one new revision, so an official's edits of other files in
the admin pages are kept. Content on disk that does not validate is not published: the problems are logged
and the workers keep serving what they serve.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from bot.content.content_set import Files, normalise_text
from bot.content.revisions import Published, Revisions
from bot.errors import ContentInvalid
from bot.storage.audit import SYSTEM
from bot.storage.base import Store

log = logging.getLogger("motcua.admin.disk")

SEEN_SECRET = "content_files_on_disk"  # {path: sha256} of the files last seen on disk
COMMENT = "Cập nhật từ các tệp trên máy chủ: {files}"  # officials read it in the history


def digests(files: Files) -> dict[str, str]:
    return {
        path: hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest() for path, text in files.items()
    }


def changed_on_disk(disk: dict[str, str], seen: dict[str, str]) -> tuple[list[str], list[str]]:
    """(paths new or edited on disk, paths removed from disk) since the files were last seen."""
    changed = sorted(path for path, sha in disk.items() if seen.get(path) != sha)
    removed = sorted(path for path in seen if path not in disk)
    return changed, removed


async def remember(store: Store, files: Files) -> None:
    seen = digests(files)

    def replace(_old: dict[str, Any] | None) -> dict[str, Any]:
        return dict(seen)

    await store.update_secret(SEEN_SECRET, replace)


async def sync_from_disk(revisions: Revisions, store: Store, files: Files) -> Published | None:
    """Publish the files that changed on disk since the last start; None when nothing did (or the first
    time, when there is nothing to compare with: the initial import has just taken every file)."""
    seen = await store.get_secret(SEEN_SECRET)
    if seen is None:
        await remember(store, files)
        return None
    changed, removed = changed_on_disk(digests(files), {str(k): str(v) for k, v in seen.items()})
    if not changed and not removed:
        return None
    latest = await revisions.latest_id()
    if latest is None:
        return None
    current = await revisions.files(latest)
    target = dict(current)
    for path in changed:
        target[path] = normalise_text(files[path])
    for path in removed:
        target.pop(path, None)
    try:
        published = await revisions.replace_all(
            target, SYSTEM, "import", COMMENT.format(files=", ".join(changed + removed))
        )
    except ContentInvalid as err:
        for problem in err.problems:
            log.error("not published from disk: %s", problem)
        log.error("the content files on disk do not validate; still serving revision %s", latest)
        return None
    await remember(store, files)
    log.info(
        "published %d file(s) changed on disk as revision %d", len(changed) + len(removed), published.revision
    )
    return published
