"""Builders for admin tests: the app with the admin side wired in, staff accounts, signed-in clients."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.admin_deps import CSRF_COOKIE, CSRF_HEADER
from api.main import create_app
from bot.admin import users
from bot.admin.context import AdminContext
from bot.config import Settings
from bot.storage.audit import SYSTEM


def admin_app(settings: Settings, poll_seconds: float = 0.2) -> FastAPI:
    """The app as `motcua serve` builds it, polling for new content revisions every `poll_seconds`."""
    return create_app(settings.model_copy(update={"content_poll_seconds": poll_seconds}))


def context(client: TestClient) -> AdminContext:
    admin: AdminContext = client.app.state.runtime.admin  # type: ignore[attr-defined]
    return admin


@dataclass
class Staff:
    id: int
    role: str
    login_path: str  # /admin/login?token=...
    api_token: str

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_token}"}


def add_staff(client: TestClient, role: str, name: str | None = None, ward: str | None = None) -> Staff:
    """An account with a one-time login link and an API token, made on the app's own event loop."""
    admin = context(client)

    async def make() -> Staff:
        account, login = await users.add_user(admin.units, name or f"Cán bộ {role}", role, ward, SYSTEM)
        token = await users.issue_api_token(admin.units, account.id, "tests", SYSTEM)
        link = urlsplit(users.login_link(admin.settings.public_base_url, login))
        return Staff(account.id, role, f"{link.path}?{link.query}", token)

    assert client.portal is not None, "use the TestClient as a context manager (it runs the lifespan)"
    result: Staff = client.portal.call(make)
    return result


def spend_link(client: TestClient, login_path: str, base: str = "", **headers: str) -> Any:
    """Open a login link (GET: a page that asks to confirm, spending nothing), then confirm it (POST)."""
    page = client.get(base + login_path, follow_redirects=False)
    assert page.status_code == 200 and 'method="post"' in page.text, page.text
    token = parse_qs(urlsplit(login_path).query)["token"][0]
    return client.post(
        base + "/admin/login", data={"token": token}, headers=headers or None, follow_redirects=False
    )


def sign_in(client: TestClient, staff: Staff) -> dict[str, str]:
    """Start a browser session as `staff` (replacing any other); returns the CSRF header to send."""
    client.cookies.clear()
    response = spend_link(client, staff.login_path)
    assert response.status_code == 303, response.text
    return {CSRF_HEADER: client.cookies[CSRF_COOKIE]}


def run(client: TestClient, coroutine_function: Any, *args: Any) -> Any:
    """Run an async helper on the app's event loop (where its database engine lives)."""
    assert client.portal is not None
    return client.portal.call(coroutine_function, *args)
