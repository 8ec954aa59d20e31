"""Credentials: one-time login links, browser sessions, API tokens, and the CSRF token of a session.

Every credential is a random 256-bit token handed out once; the database keeps only its SHA-256. A fast
hash is enough here (unlike for passwords): nobody can guess a 256-bit token, so there is nothing to
slow down.

The CSRF token is derived from the session token (a keyed hash of it), so it needs no storage and is
worthless without the session: a page on another site can neither read the session cookie nor compute
the header that every state-changing request must carry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.audit import Actor, record
from bot.storage.base import utcnow
from bot.storage.sql import Units
from bot.storage.tables_admin import AdminCredential, AdminUser

LOGIN_LINK_TTL = dt.timedelta(hours=72)
SESSION_TTL = dt.timedelta(hours=12)


class Role(StrEnum):
    ADMIN = "admin"  # manages accounts and tokens; can do everything
    OFFICIAL = "official"  # edits and publishes content
    VOLUNTEER = "volunteer"  # reads, assists citizens, takes handoffs in their ward


# Who may do what: admin ⊃ official ⊃ volunteer.
READERS = (Role.VOLUNTEER, Role.OFFICIAL, Role.ADMIN)
EDITORS = (Role.OFFICIAL, Role.ADMIN)
ADMINS = (Role.ADMIN,)


class CredentialKind(StrEnum):
    LOGIN = "login"
    SESSION = "session"
    API = "api"


@dataclass(frozen=True)
class Account:
    """A signed-in staff member, as the routes see them."""

    id: int
    name: str
    role: Role
    ward: str | None
    via: CredentialKind = CredentialKind.SESSION

    @property
    def actor(self) -> Actor:
        return Actor(self.id, self.name)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role.value, "ward": self.ward}


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def csrf_for(session_token: str) -> str:
    return hmac.new(session_token.encode("utf-8"), b"motcua-csrf", hashlib.sha256).hexdigest()


def csrf_matches(session_token: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(csrf_for(session_token), given)


async def add_credential(
    conn: AsyncConnection,
    user_id: int,
    kind: CredentialKind,
    ttl: dt.timedelta | None,
    label: str | None = None,
) -> str:
    """Store a new credential's hash and return the token itself (shown once, never stored)."""
    token, now = new_token(), utcnow()
    await conn.execute(
        insert(AdminCredential).values(
            user_id=user_id,
            kind=kind.value,
            token_hash=token_hash(token),
            label=label,
            created_at=now,
            expires_at=None if ttl is None else now + ttl,
        )
    )
    return token


def _account(row: Any, via: CredentialKind) -> Account:
    return Account(row.id, row.name, Role(row.role), row.ward, via)


def _live(kind: CredentialKind, token: str, now: dt.datetime) -> Any:
    return and_(
        AdminCredential.token_hash == token_hash(token),
        AdminCredential.kind == kind.value,
        AdminCredential.revoked_at.is_(None),
        or_(AdminCredential.expires_at.is_(None), AdminCredential.expires_at > now),
    )


async def authenticate(units: Units, token: str, kind: CredentialKind) -> Account | None:
    """The account a session or API token belongs to; None when unknown, expired, revoked or disabled."""
    if not token or len(token) > 200 or kind == CredentialKind.LOGIN:
        return None
    query = (
        select(AdminUser.id, AdminUser.name, AdminUser.role, AdminUser.ward)
        .join(AdminCredential, AdminCredential.user_id == AdminUser.id)
        .where(_live(kind, token, utcnow()), AdminUser.disabled_at.is_(None))
    )
    async with units.unit(write=False) as conn:
        row = (await conn.execute(query)).first()
    return None if row is None else _account(row, kind)


async def log_in(units: Units, login_token: str) -> tuple[Account, str] | None:
    """Spend a one-time login link and open a session: (account, session token), or None.

    The link is marked used by a conditional UPDATE, so two clicks racing each other cannot both win."""
    if not login_token or len(login_token) > 200:
        return None
    now = utcnow()
    async with units.unit(write=True) as conn:
        spent = await conn.execute(
            update(AdminCredential)
            .where(_live(CredentialKind.LOGIN, login_token, now), AdminCredential.used_at.is_(None))
            .values(used_at=now, revoked_at=now)
            .returning(AdminCredential.user_id)
        )
        user_id = spent.scalar()
        if user_id is None:
            return None
        row = (
            await conn.execute(
                select(AdminUser.id, AdminUser.name, AdminUser.role, AdminUser.ward).where(
                    AdminUser.id == user_id, AdminUser.disabled_at.is_(None)
                )
            )
        ).first()
        if row is None:
            return None
        account = _account(row, CredentialKind.SESSION)
        session = await add_credential(conn, account.id, CredentialKind.SESSION, SESSION_TTL)
        await record(conn, account.actor, "login", f"user:{account.id}")
    return account, session


async def log_out(units: Units, session_token: str, account: Account) -> None:
    async with units.unit(write=True) as conn:
        await conn.execute(
            update(AdminCredential)
            .where(_live(CredentialKind.SESSION, session_token, utcnow()))
            .values(revoked_at=utcnow())
        )
        await record(conn, account.actor, "logout", f"user:{account.id}")
