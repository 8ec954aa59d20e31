"""Published content as immutable revisions: import, publish, roll back, history, diff.

A revision is the whole set of content files. Nothing is ever updated in place: publishing one
procedure makes a new revision holding the previous revision's files with that one replaced. Every path
to a new revision checks the complete set first (`ContentChecker.build`), so an invalid revision never
exists and every worker can load whatever is newest.

Concurrent edits: an official edits a file as it was at `base_revision`. Publishing succeeds when that
file is unchanged between `base_revision` and the newest revision (someone may have published other
files meanwhile: their changes are kept); otherwise `PublishConflict` names who changed it and when, and
nothing is written. Writers take turns (storage/sql/units.lock_content) and re-check that the newest
revision is still the one they built on; if not, they build again on the new one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.content.compiled import CompiledContent
from bot.content.content_set import (
    PORTAL,
    Built,
    ContentChecker,
    Files,
    is_content_path,
    normalise_text,
    sha_of,
)
from bot.domain.privacy import mask_pii
from bot.errors import MotcuaError, StorageError
from bot.storage.audit import Actor, record
from bot.storage.base import utcnow
from bot.storage.sql import Units, lock_content
from bot.storage.tables_admin import ContentBlob, ContentFile, ContentRevision

REVISIONS = ContentRevision.__table__
ATTEMPTS = 5  # rebuilds when other publishers keep landing first


@dataclass(frozen=True)
class RevisionInfo:
    id: int
    parent_id: int | None
    at: dt.datetime
    author: str
    kind: str  # import | publish | rollback
    comment: str
    changed: tuple[str, ...]
    restores: int | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "author": self.author,
            "at": self.at.isoformat(),
            "comment": self.comment,
            "files": list(self.changed),
            "kind": self.kind,
            "restores": self.restores,
        }


@dataclass(frozen=True)
class Published:
    revision: int
    built: Built | None  # None: nothing changed, no revision was made


class UnknownRevision(MotcuaError, LookupError):
    def __init__(self, revision: int) -> None:
        self.revision = revision
        super().__init__(f"there is no revision {revision}")


class PublishConflict(MotcuaError):
    """The file changed since the revision the editor started from; nothing was written."""

    def __init__(self, path: str, current: RevisionInfo) -> None:
        self.path, self.current = path, current
        super().__init__(f"{path} was changed in revision {current.id} by {current.author}")


class _Moved(Exception):
    """Another writer committed first; build again on the newest revision."""


class Revisions:
    def __init__(
        self, units: Units, checker: ContentChecker | None = None, compiled_dir: Path | None = None
    ) -> None:
        self.units = units
        self.checker = checker or ContentChecker()
        # With a folder, sets with the portal tier are kept compiled there (bot/content/compiled.py): a
        # worker that starts, or loads a revision another worker published, reads it instead of building.
        self.compiled = CompiledContent(compiled_dir, self.checker) if compiled_dir is not None else None

    def build(self, files: Files) -> Built:
        """The set built; raises ContentInvalid listing every problem. Blocking: run it in a thread."""
        if self.compiled is not None and PORTAL in files:
            return self.compiled.built(files)
        return self.checker.build(files)

    # --- reading -----------------------------------------------------------------------------------
    async def latest_id(self) -> int | None:
        async with self.units.unit(write=False) as conn:
            latest: int | None = (await conn.execute(select(func.max(ContentRevision.id)))).scalar()
        return latest

    async def info(self, revision: int) -> RevisionInfo:
        async with self.units.unit(write=False) as conn:
            row = (await conn.execute(select(REVISIONS).where(ContentRevision.id == revision))).first()
        if row is None:
            raise UnknownRevision(revision)
        return _info(row)

    async def history(self, limit: int = 100, path: str | None = None) -> list[RevisionInfo]:
        """Newest first; with `path`, only the revisions that changed that file."""
        query = select(REVISIONS).order_by(ContentRevision.id.desc())
        if path is None:
            query = query.limit(limit)
        async with self.units.unit(write=False) as conn:
            rows = (await conn.execute(query)).all()
        found = [_info(row) for row in rows]
        return [r for r in found if path is None or path in r.changed][:limit]

    async def files(self, revision: int) -> Files:
        query = (
            select(ContentFile.path, ContentBlob.text)
            .join(ContentBlob, ContentBlob.sha == ContentFile.sha)
            .where(ContentFile.revision_id == revision)
        )
        async with self.units.unit(write=False) as conn:
            rows = (await conn.execute(query)).all()
        if not rows:
            await self.info(revision)  # raises UnknownRevision; a revision always has files
        return {row.path: row.text for row in rows}

    async def shas(self, revision: int) -> dict[str, str]:
        query = select(ContentFile.path, ContentFile.sha).where(ContentFile.revision_id == revision)
        async with self.units.unit(write=False) as conn:
            return {row.path: row.sha for row in (await conn.execute(query)).all()}

    async def file_text(self, revision: int, path: str) -> str | None:
        query = (
            select(ContentBlob.text)
            .join(ContentFile, ContentBlob.sha == ContentFile.sha)
            .where(ContentFile.revision_id == revision, ContentFile.path == path)
        )
        async with self.units.unit(write=False) as conn:
            text: str | None = (await conn.execute(query)).scalar()
        return text

    # --- writing -----------------------------------------------------------------------------------
    async def import_initial(self, files: Files, actor: Actor, comment: str) -> Published | None:
        """The first revision, from files on disk; None when the database already has content."""
        if await self.latest_id() is not None:
            return None
        files = {path: normalise_text(text) for path, text in files.items()}
        built = await asyncio.to_thread(self.build, files)
        try:
            revision = await self._commit(files, actor, "import", comment, parent=None)
        except _Moved:
            return None  # another worker imported first
        return Published(revision, built)

    async def publish(self, path: str, text: str, comment: str, base: int, actor: Actor) -> Published:
        """Replace one file, as edited from revision `base`. Raises PublishConflict, UnknownRevision,
        ContentInvalid (with every problem of the resulting set) or ValueError (not a content path)."""
        if not is_content_path(path):
            raise ValueError(f"{path} is not a content file")
        text = normalise_text(text)
        base_shas = await self.shas(base)
        if not base_shas:
            raise UnknownRevision(base)
        for _ in range(ATTEMPTS):
            latest = await self._require_latest()
            if latest != base and (await self.shas(latest)).get(path) != base_shas.get(path):
                raise PublishConflict(path, await self._last_change(path, base, latest))
            files = await self.files(latest)
            if files.get(path) == text:
                return Published(latest, None)
            files[path] = text
            try:
                return await self._build_and_commit(files, actor, "publish", comment, latest)
            except _Moved:
                continue
        raise StorageError("too many publishes at the same moment; try again")

    async def replace_all(
        self, files: Files, actor: Actor, kind: str, comment: str, restores: int | None = None
    ) -> Published:
        """A new revision with exactly `files` (a rollback, or `motcua import`)."""
        files = {path: normalise_text(text) for path, text in files.items()}
        for _ in range(ATTEMPTS):
            latest = await self._require_latest()
            if await self.files(latest) == files:
                return Published(latest, None)
            try:
                return await self._build_and_commit(files, actor, kind, comment, latest, restores)
            except _Moved:
                continue
        raise StorageError("too many publishes at the same moment; try again")

    async def rollback(self, revision: int, comment: str, actor: Actor) -> Published:
        return await self.replace_all(
            await self.files(revision), actor, "rollback", comment, restores=revision
        )

    # --- internals ---------------------------------------------------------------------------------
    async def _require_latest(self) -> int:
        latest = await self.latest_id()
        if latest is None:
            raise StorageError("the database holds no content yet; start the app once or run motcua import")
        return latest

    async def _last_change(self, path: str, after: int, upto: int) -> RevisionInfo:
        query = (
            select(REVISIONS)
            .where(ContentRevision.id > after, ContentRevision.id <= upto)
            .order_by(ContentRevision.id.desc())
        )
        async with self.units.unit(write=False) as conn:
            infos = [_info(row) for row in (await conn.execute(query)).all()]
        return next((i for i in infos if path in i.changed), infos[0])

    async def _build_and_commit(
        self, files: Files, actor: Actor, kind: str, comment: str, parent: int, restores: int | None = None
    ) -> Published:
        built = await asyncio.to_thread(self.build, files)  # raises ContentInvalid
        revision = await self._commit(files, actor, kind, comment, parent, restores)
        return Published(revision, built)

    async def _commit(
        self,
        files: Files,
        actor: Actor,
        kind: str,
        comment: str,
        parent: int | None,
        restores: int | None = None,
    ) -> int:
        shas = {path: sha_of(text) for path, text in files.items()}
        async with self.units.unit(write=True) as conn:
            await lock_content(conn)
            latest = (await conn.execute(select(func.max(ContentRevision.id)))).scalar()
            if latest != parent:
                raise _Moved()
            before = {} if parent is None else await _shas(conn, parent)
            changed = sorted(p for p in set(before) | set(shas) if before.get(p) != shas.get(p))
            await _add_blobs(conn, files, shas)
            revision: int = (
                await conn.execute(
                    insert(ContentRevision)
                    .values(
                        parent_id=parent,
                        created_at=utcnow(),
                        author=actor.name[:200],
                        author_id=actor.user_id,
                        kind=kind,
                        comment=mask_pii(comment.strip()),  # a comment may quote a citizen's number
                        restores=restores,
                        changed=changed,
                    )
                    .returning(ContentRevision.id)
                )
            ).scalar_one()
            await conn.execute(
                insert(ContentFile), [{"revision_id": revision, "path": p, "sha": s} for p, s in shas.items()]
            )
            detail = comment.strip() + (f" [{', '.join(changed)}]" if changed else "")
            await record(conn, actor, f"content.{kind}", f"revision:{revision}", detail)
        return revision


async def _shas(conn: AsyncConnection, revision: int) -> dict[str, str]:
    query = select(ContentFile.path, ContentFile.sha).where(ContentFile.revision_id == revision)
    return {row.path: row.sha for row in (await conn.execute(query)).all()}


async def _add_blobs(conn: AsyncConnection, files: Files, shas: dict[str, str]) -> None:
    """Store the texts not stored yet (blobs are shared by every revision that has the same text)."""
    wanted = set(shas.values())
    known = set((await conn.execute(select(ContentBlob.sha).where(ContentBlob.sha.in_(wanted)))).scalars())
    new = {shas[path]: text for path, text in files.items() if shas[path] not in known}
    if new:
        await conn.execute(insert(ContentBlob), [{"sha": sha, "text": text} for sha, text in new.items()])


def _info(row: Any) -> RevisionInfo:
    return RevisionInfo(
        id=row.id,
        parent_id=row.parent_id,
        at=row.created_at,
        author=row.author,
        kind=row.kind,
        comment=row.comment,
        changed=tuple(row.changed or ()),
        restores=row.restores,
    )
