"""Staff accounts: add one (with its one-time login link), list, disable, issue links and API tokens.

Used by the admin API (an admin manages accounts) and by `motcua user ...` (the first admin has to come
from somewhere: the command line). Every change is audited in its own transaction.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sqlalchemy import func, insert, select, update

from bot.admin.auth import LOGIN_LINK_TTL, Account, CredentialKind, Role, add_credential
from bot.errors import MotcuaError
from bot.storage.audit import Actor, record
from bot.storage.base import utcnow
from bot.storage.sql import Units
from bot.storage.tables_admin import AdminCredential, AdminUser

MAX_NAME = 200
USERS = AdminUser.__table__


class UserError(MotcuaError, ValueError):
    """A request about accounts that cannot be done; the message says why, in plain words."""


class UnknownAccount(UserError):
    """No account has this id, or it is disabled: there is nothing to act on (HTTP 404)."""


def login_link(public_base_url: str, token: str) -> str:
    return f"{public_base_url.rstrip('/')}/admin/login?token={quote(token)}"


def _clean(name: str, what: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > MAX_NAME:
        raise UserError(f"{what} must be 1 to {MAX_NAME} characters")
    return cleaned


async def add_user(
    units: Units, name: str, role: Role | str, ward: str | None, by: Actor
) -> tuple[Account, str]:
    """Create an account; returns it with a one-time login token (build the link with `login_link`)."""
    try:
        role = Role(role)
    except ValueError:
        raise UserError(f"role must be one of: {', '.join(r.value for r in Role)}") from None
    name = _clean(name, "name")
    ward = _clean(ward, "ward") if ward and ward.strip() else None
    async with units.unit(write=True) as conn:
        user_id = (
            await conn.execute(
                insert(AdminUser)
                .values(name=name, role=role.value, ward=ward, created_at=utcnow())
                .returning(AdminUser.id)
            )
        ).scalar_one()
        token = await add_credential(conn, user_id, CredentialKind.LOGIN, LOGIN_LINK_TTL)
        await record(
            conn, by, "user.add", f"user:{user_id}", f"{name} ({role.value}{', ' + ward if ward else ''})"
        )
    return Account(user_id, name, role, ward), token


async def _require_active(units: Units, user_id: int) -> None:
    async with units.unit(write=False) as conn:
        row = (await conn.execute(select(USERS).where(AdminUser.id == user_id))).first()
    if row is None:
        raise UnknownAccount(f"no account has the id {user_id}")
    if row.disabled_at is not None:
        raise UnknownAccount(f"the account {user_id} is disabled")


async def issue_login_link(units: Units, user_id: int, by: Actor) -> str:
    """A new one-time login token for an existing account (the old link was lost or expired)."""
    await _require_active(units, user_id)
    async with units.unit(write=True) as conn:
        # Only the newest link works: one sent earlier (perhaps to a wrong address) stops working now.
        await conn.execute(
            update(AdminCredential)
            .where(
                AdminCredential.user_id == user_id,
                AdminCredential.kind == CredentialKind.LOGIN.value,
                AdminCredential.revoked_at.is_(None),
            )
            .values(revoked_at=utcnow())
        )
        token = await add_credential(conn, user_id, CredentialKind.LOGIN, LOGIN_LINK_TTL)
        await record(conn, by, "user.login_link", f"user:{user_id}")
    return token


async def issue_api_token(units: Units, user_id: int, label: str, by: Actor) -> str:
    """A token for scripts (`Authorization: Bearer ...`), acting with the account's role. Never expires;
    disabling the account revokes it."""
    await _require_active(units, user_id)
    label = _clean(label, "label")
    async with units.unit(write=True) as conn:
        token = await add_credential(conn, user_id, CredentialKind.API, None, label=label)
        await record(conn, by, "user.api_token", f"user:{user_id}", label)
    return token


async def disable_user(units: Units, user_id: int, by: Actor) -> None:
    """Disable the account and revoke every credential it holds (sessions end at once)."""
    await _require_active(units, user_id)
    now = utcnow()
    async with units.unit(write=True) as conn:
        await conn.execute(update(AdminUser).where(AdminUser.id == user_id).values(disabled_at=now))
        await conn.execute(
            update(AdminCredential)
            .where(AdminCredential.user_id == user_id, AdminCredential.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        await record(conn, by, "user.disable", f"user:{user_id}")


async def list_users(units: Units) -> list[dict[str, Any]]:
    last_login = (
        select(AdminCredential.user_id, func.max(AdminCredential.created_at).label("at"))
        .where(AdminCredential.kind == CredentialKind.SESSION.value)
        .group_by(AdminCredential.user_id)
        .subquery()
    )
    query = (
        select(USERS, last_login.c.at.label("last_login"))
        .outerjoin(last_login, last_login.c.user_id == AdminUser.id)
        .order_by(AdminUser.id)
    )
    async with units.unit(write=False) as conn:
        rows = (await conn.execute(query)).all()
    return [_user_json(row) for row in rows]


def _user_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "role": row.role,
        "ward": row.ward,
        "created_at": row.created_at.isoformat(),
        "disabled": row.disabled_at is not None,
        "last_login": None if row.last_login is None else row.last_login.isoformat(),
    }
