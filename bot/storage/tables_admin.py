"""Tables of the admin side: staff accounts and their credentials, the audit log, and the published
content as immutable revisions. Imported at the end of tables.py, so they share its metadata.

Credentials (one-time login links, browser sessions, API tokens) are kept only as SHA-256 hashes of
random 256-bit tokens: whoever reads the database cannot log in with what they find there.

Content: a revision is the full set of content files (procedures/<id>.yaml, flows.yaml, lexicon.yaml,
outreach.yaml) as one immutable snapshot. Texts are stored once per distinct content (`content_blobs`,
keyed by their SHA-256), so a revision that changes one fee adds one blob and one row per file.
`parent_id` is unique: the history is a single line, and two publishers racing from the same parent
cannot both win.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.tables_base import HASH_LEN, Base, Id, Json

NAME_LEN = 200
PATH_LEN = 200


class AdminUser(Base):
    __tablename__ = "admin_users"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(NAME_LEN))
    role: Mapped[str] = mapped_column(String(20))  # admin | official | volunteer
    ward: Mapped[str | None] = mapped_column(String(NAME_LEN))  # where a volunteer takes handoffs
    created_at: Mapped[dt.datetime]
    disabled_at: Mapped[dt.datetime | None]


class AdminCredential(Base):
    """A login link (`login`, usable once), a browser session (`session`) or a script's token (`api`)."""

    __tablename__ = "admin_credentials"
    __table_args__ = (
        UniqueConstraint("token_hash"),
        Index("ix_admin_credentials_user", "user_id", "kind"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(Id, ForeignKey("admin_users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(HASH_LEN))
    label: Mapped[str | None] = mapped_column(String(NAME_LEN))
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime | None]
    used_at: Mapped[dt.datetime | None]  # a login link: when it was spent
    revoked_at: Mapped[dt.datetime | None]


class AuditEntry(Base):
    __tablename__ = "admin_audit"
    __table_args__ = (Index("ix_admin_audit_at", "at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime]
    user_id: Mapped[int | None] = mapped_column(Id, ForeignKey("admin_users.id", ondelete="SET NULL"))
    who: Mapped[str] = mapped_column(String(NAME_LEN))  # the name at the time, kept if the account goes
    action: Mapped[str] = mapped_column(String(50))
    target: Mapped[str] = mapped_column(String(255))
    detail: Mapped[str] = mapped_column(Text)


class ContentRevision(Base):
    __tablename__ = "content_revisions"
    __table_args__ = (UniqueConstraint("parent_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    parent_id: Mapped[int | None] = mapped_column(Id, ForeignKey("content_revisions.id"))
    created_at: Mapped[dt.datetime]
    author: Mapped[str] = mapped_column(String(NAME_LEN))
    author_id: Mapped[int | None] = mapped_column(Id, ForeignKey("admin_users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))  # import | publish | rollback
    comment: Mapped[str] = mapped_column(Text)
    restores: Mapped[int | None] = mapped_column(Id)  # a rollback: the revision whose files it copies
    changed: Mapped[list[Any]] = mapped_column(Json)  # paths added, changed or removed since the parent


class ContentBlob(Base):
    __tablename__ = "content_blobs"

    sha: Mapped[str] = mapped_column(String(HASH_LEN), primary_key=True)
    text: Mapped[str] = mapped_column(Text)


class ContentFile(Base):
    __tablename__ = "content_files"

    revision_id: Mapped[int] = mapped_column(
        Id, ForeignKey("content_revisions.id", ondelete="CASCADE"), primary_key=True
    )
    path: Mapped[str] = mapped_column(String(PATH_LEN), primary_key=True)
    sha: Mapped[str] = mapped_column(String(HASH_LEN), ForeignKey("content_blobs.sha"))
