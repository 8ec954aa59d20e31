"""Authentication and roles for every /admin/api route (and the inbox routes), as dependencies.

- A browser sends the session cookie `motcua_session`; then every request that changes something
  (any method but GET/HEAD/OPTIONS) must also carry `X-CSRF-Token` equal to the `motcua_csrf` cookie,
  which is derived from the session (bot.admin.auth.csrf_for), else 403.
- A script sends `Authorization: Bearer <api token>` instead, and needs no CSRF token: no browser
  attaches that header on its own.
- No valid credential: 401. A valid one with the wrong role: 403.

Use in a route:

    @router.get("/admin/api/things")
    async def things(user: VolunteerUser) -> ...          # volunteer, official or admin

    @router.post("/admin/api/thing", dependencies=[Depends(require_official)])
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from bot.admin.auth import ADMINS, EDITORS, READERS, Account, CredentialKind, Role, authenticate, csrf_matches
from bot.admin.context import AdminContext
from bot.runtime import Runtime

SESSION_COOKIE = "motcua_session"
CSRF_COOKIE = "motcua_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Officials read these; the pages show `detail` as it is.
NOT_SIGNED_IN = "Bạn chưa đăng nhập, hoặc phiên đăng nhập đã hết. Hãy mở lại đường dẫn đăng nhập."
NOT_ALLOWED = "Tài khoản của bạn không có quyền làm việc này."
NO_CSRF = "Thiếu mã bảo vệ của phiên làm việc. Hãy tải lại trang rồi thử lại."
NOT_READY = "Phần quản trị chưa sẵn sàng."


def _admin_of(request: Request) -> AdminContext | None:
    runtime: Runtime | None = getattr(request.app.state, "runtime", None)
    return None if runtime is None else runtime.admin


def get_admin(request: Request) -> AdminContext:
    admin = _admin_of(request)
    if admin is None:
        raise HTTPException(503, NOT_READY)
    return admin


AdminDep = Annotated[AdminContext, Depends(get_admin)]


def _unauthorised() -> HTTPException:
    return HTTPException(401, NOT_SIGNED_IN, headers={"WWW-Authenticate": "Bearer"})


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def current_user(request: Request, admin: AdminDep) -> Account:
    """The signed-in account (401 otherwise), with the CSRF check for cookie sessions."""
    token = bearer_token(request)
    if token is not None:
        account = await authenticate(admin.units, token, CredentialKind.API)
        if account is None:
            raise _unauthorised()
        return account
    session = request.cookies.get(SESSION_COOKIE)
    if not session:
        raise _unauthorised()
    account = await authenticate(admin.units, session, CredentialKind.SESSION)
    if account is None:
        raise _unauthorised()
    if request.method not in SAFE_METHODS and not csrf_matches(session, request.headers.get(CSRF_HEADER)):
        raise HTTPException(403, NO_CSRF)
    return account


CurrentUser = Annotated[Account, Depends(current_user)]


async def signed_in(request: Request) -> Account | None:
    """The account of the session cookie, or None: for pages that redirect to the login page rather
    than answer 401 (GET only, so no CSRF check)."""
    admin = _admin_of(request)
    session = request.cookies.get(SESSION_COOKIE)
    if admin is None or not session:
        return None
    return await authenticate(admin.units, session, CredentialKind.SESSION)


SignedIn = Annotated[Account | None, Depends(signed_in)]


def require_role(*roles: Role | str) -> Callable[[Account], Awaitable[Account]]:
    """A dependency: the signed-in account when its role is one of `roles`; 403 otherwise."""
    allowed = frozenset(Role(r) for r in roles)

    async def check(user: CurrentUser) -> Account:
        if user.role not in allowed:
            raise HTTPException(403, NOT_ALLOWED)
        return user

    return check


require_volunteer = require_role(*READERS)  # every staff role: volunteer, official, admin
require_official = require_role(*EDITORS)  # official or admin: edit and publish
require_admin = require_role(*ADMINS)  # accounts, tokens, the audit log

VolunteerUser = Annotated[Account, Depends(require_volunteer)]
OfficialUser = Annotated[Account, Depends(require_official)]
AdminUser = Annotated[Account, Depends(require_admin)]
