"""Signing in, sessions, CSRF, roles, accounts and the audit log, through the real app."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.admin_deps import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE
from bot.admin import users
from bot.storage.audit import SYSTEM
from tests.admin.conftest import AdminKit
from tests.admin.support import add_staff, context, run, sign_in, spend_link

# Every admin route A1 serves, with a body that would be valid, so only auth decides the answer.
ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/admin/api/me", None),
    ("POST", "/admin/api/logout", {}),
    ("GET", "/admin/api/procedures", None),
    ("GET", "/admin/api/procedures/khai-sinh", None),
    ("GET", "/admin/api/file?path=flows.yaml", None),
    ("POST", "/admin/api/validate", {"file": "flows.yaml", "yaml": "a: 1"}),
    ("POST", "/admin/api/form", {"id": "khai-sinh", "yaml": "id: khai-sinh\n", "changes": {}}),
    ("POST", "/admin/api/preview", {"id": "khai-sinh", "yaml": "id: x\n", "input": {"start": ""}}),
    (
        "POST",
        "/admin/api/publish",
        {"file": "flows.yaml", "yaml": "a: 1", "comment": "c", "base_revision": 1},
    ),
    ("GET", "/admin/api/revisions", None),
    ("GET", "/admin/api/diff?from=1&to=1", None),
    ("POST", "/admin/api/rollback", {"revision": 1, "comment": "c"}),
    ("GET", "/admin/api/unanswered", None),
    ("POST", "/admin/api/alias-draft", {"id": "khai-sinh", "alias": "x"}),
    ("POST", "/admin/api/topic-draft", {"topic": "otp", "phrasing": "x"}),
    ("GET", "/admin/api/stale", None),
    ("GET", "/admin/api/users", None),
    ("POST", "/admin/api/users", {"name": "A", "role": "volunteer"}),
    ("POST", "/admin/api/users/999/disable", {}),
    ("POST", "/admin/api/users/999/login-link", {}),
    ("GET", "/admin/api/audit", None),
]
OFFICIAL_ONLY = {
    "/admin/api/form",
    "/admin/api/publish",
    "/admin/api/rollback",
    "/admin/api/alias-draft",
    "/admin/api/topic-draft",
}
ADMIN_ONLY = {
    "/admin/api/users",
    "/admin/api/users/999/disable",
    "/admin/api/users/999/login-link",
    "/admin/api/audit",
}


def _call(client: TestClient, method: str, path: str, body: dict[str, Any] | None, **kw: Any) -> Any:
    return client.request(method, path, json=body, **kw)


@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_every_route_refuses_a_request_without_credentials(
    kit: AdminKit, method: str, path: str, body: dict[str, Any] | None
) -> None:
    kit.client.cookies.clear()
    response = _call(kit.client, method, path, body)
    assert response.status_code == 401
    assert response.json()["detail"]  # a sentence the page can show
    forged = _call(kit.client, method, path, body, headers={"Authorization": "Bearer not-a-token"})
    assert forged.status_code == 401


@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_every_route_checks_the_role(
    kit: AdminKit, method: str, path: str, body: dict[str, Any] | None
) -> None:
    kit.client.cookies.clear()
    route = path.split("?")[0]
    for staff in (kit.volunteer, kit.official, kit.admin):
        allowed = staff.role == "admin" or (
            route not in ADMIN_ONLY and (staff.role == "official" or route not in OFFICIAL_ONLY)
        )
        status = _call(kit.client, method, path, body, headers=staff.bearer).status_code
        assert (status == 403) != allowed, f"{staff.role} {method} {path}: {status}"
        assert status not in (401, 500)


def test_a_login_link_opens_a_session_once(kit: AdminKit) -> None:
    client = kit.client
    staff = add_staff(client, "volunteer", "Phạm Thu", "Xã Tân Phú")
    client.cookies.clear()
    first = spend_link(client, staff.login_path)
    assert first.status_code == 303 and first.headers["location"] == "/admin/"
    assert client.get("/admin/api/me").json() == {
        "name": "Phạm Thu",
        "role": "volunteer",
        "ward": "Xã Tân Phú",
    }

    client.cookies.clear()
    again = spend_link(client, staff.login_path)
    assert again.status_code == 303 and again.headers["location"].startswith("/admin/login.html?error=")
    assert SESSION_COOKIE not in client.cookies
    assert client.get("/admin/api/me").status_code == 401


def test_session_cookies_are_http_only_strict_and_scoped(kit: AdminKit) -> None:
    staff = add_staff(kit.client, "official")
    kit.client.cookies.clear()
    response = spend_link(kit.client, staff.login_path)
    cookies = {c.split("=", 1)[0]: c.lower() for c in response.headers.get_list("set-cookie")}
    assert "httponly" in cookies[SESSION_COOKIE] and "httponly" not in cookies[CSRF_COOKIE]
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        assert "samesite=strict" in cookies[name] and "path=/admin" in cookies[name]
        assert "secure" not in cookies[name]  # plain http here; see the https test
    assert response.headers["cache-control"] == "no-store"


def test_cookies_are_secure_over_https(kit: AdminKit) -> None:
    staff = add_staff(kit.client, "official")
    response = spend_link(kit.client, staff.login_path, base="https://testserver")
    cookies = [c.lower() for c in response.headers.get_list("set-cookie")]
    assert len(cookies) == 2 and all("; secure" in c for c in cookies)


def test_a_link_opened_from_another_site_moves_on_by_itself(kit: AdminKit) -> None:
    """A redirect after a cross-site navigation would not carry the Strict cookie; a page does."""
    staff = add_staff(kit.client, "official")
    kit.client.cookies.clear()
    response = spend_link(kit.client, staff.login_path, **{"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 200
    assert 'http-equiv="refresh"' in response.text and "url=/admin/" in response.text
    assert kit.client.get("/admin/api/me").status_code == 200


def test_changes_from_a_session_need_the_csrf_header(kit: AdminKit) -> None:
    client = kit.client
    csrf = sign_in(client, kit.official)
    body = {"file": "flows.yaml", "yaml": "a: 1"}
    assert client.post("/admin/api/validate", json=body).status_code == 403
    assert client.post("/admin/api/validate", json=body, headers={CSRF_HEADER: "0" * 64}).status_code == 403
    assert client.post("/admin/api/validate", json=body, headers=csrf).status_code == 200
    # a token from another session does not fit this one
    other = sign_in(client, add_staff(client, "official"))
    assert other != csrf
    assert client.post("/admin/api/validate", json=body, headers=csrf).status_code == 403
    # scripts with a bearer token need no CSRF header
    client.cookies.clear()
    assert client.post("/admin/api/validate", json=body, headers=kit.official.bearer).status_code == 200


def test_logging_out_ends_the_session(kit: AdminKit) -> None:
    client = kit.client
    csrf = sign_in(client, add_staff(client, "volunteer"))
    session = client.cookies[SESSION_COOKIE]
    assert client.post("/admin/api/logout", headers=csrf).status_code == 200
    client.cookies.set(SESSION_COOKIE, session, path="/admin")  # replaying the old cookie does not help
    assert client.get("/admin/api/me").status_code == 401


def test_an_admin_adds_a_user_whose_link_works_and_disables_them(kit: AdminKit) -> None:
    client = kit.client
    client.cookies.clear()
    made = client.post(
        "/admin/api/users",
        json={"name": "Võ Hoa", "role": "volunteer", "ward": "Phường 1"},
        headers=kit.admin.bearer,
    )
    assert made.status_code == 200
    link = made.json()["login_link"]
    assert link.startswith("https://motcua.example.vn/admin/login?token=")
    user_id = made.json()["id"]
    listed = client.get("/admin/api/users", headers=kit.admin.bearer).json()["items"]
    assert {
        "id": user_id,
        "name": "Võ Hoa",
        "role": "volunteer",
        "ward": "Phường 1",
        "disabled": False,
    }.items() <= next(u for u in listed if u["id"] == user_id).items()

    assert spend_link(client, link.removeprefix("https://motcua.example.vn")).status_code == 303
    assert client.get("/admin/api/me").json()["name"] == "Võ Hoa"
    assert client.post(f"/admin/api/users/{user_id}/disable", headers=kit.admin.bearer).status_code == 200
    assert client.get("/admin/api/me").status_code == 401  # the open session ended with the account
    assert client.post(f"/admin/api/users/{user_id}/login-link", headers=kit.admin.bearer).status_code == 404


def test_new_users_are_checked(kit: AdminKit) -> None:
    for body in ({"name": "", "role": "official"}, {"name": "A", "role": "root"}, {"name": "A"}):
        response = kit.client.post("/admin/api/users", json=body, headers=kit.admin.bearer)
        assert response.status_code == 422


def test_an_admin_cannot_disable_themselves(kit: AdminKit) -> None:
    response = kit.client.post(f"/admin/api/users/{kit.admin.id}/disable", headers=kit.admin.bearer)
    assert response.status_code == 409


def test_tokens_of_a_disabled_account_stop_working(kit: AdminKit) -> None:
    staff = add_staff(kit.client, "official")
    assert kit.client.get("/admin/api/me", headers=staff.bearer).status_code == 200
    run(kit.client, users.disable_user, context(kit.client).units, staff.id, SYSTEM)
    assert kit.client.get("/admin/api/me", headers=staff.bearer).status_code == 401


def test_the_database_keeps_only_hashes_of_credentials(kit: AdminKit) -> None:
    staff = add_staff(kit.client, "official")
    import sqlalchemy as sa

    async def dump() -> str:
        async with context(kit.client).engine.connect() as conn:
            rows = (await conn.execute(sa.text("SELECT * FROM admin_credentials"))).all()
        return repr(rows)

    stored = run(kit.client, dump)
    assert staff.api_token not in stored
    assert staff.login_path.split("token=")[1] not in stored


def test_changes_are_audited(kit: AdminKit) -> None:
    client = kit.client
    client.cookies.clear()
    staff = add_staff(client, "volunteer", "Người Được Ghi")
    sign_in(client, staff)
    items = client.get("/admin/api/audit", headers=kit.admin.bearer).json()["items"]
    actions = [(i["action"], i["target"]) for i in items]
    assert ("login", f"user:{staff.id}") in actions
    assert ("user.add", f"user:{staff.id}") in actions
    login = next(i for i in items if i["action"] == "login" and i["target"] == f"user:{staff.id}")
    assert login["who"] == "Người Được Ghi" and login["at"]


def test_pages_can_ask_who_is_signed_in_without_a_401(kit: AdminKit) -> None:
    from starlette.requests import Request

    from api.admin_deps import signed_in

    staff = add_staff(kit.client, "volunteer", "Người Xem Trang")
    sign_in(kit.client, staff)
    cookie = f"{SESSION_COOKIE}={kit.client.cookies[SESSION_COOKIE]}".encode()

    def request(headers: list[tuple[bytes, bytes]]) -> Request:
        return Request(
            {"type": "http", "method": "GET", "path": "/admin/", "headers": headers, "app": kit.client.app}
        )

    account = run(kit.client, signed_in, request([(b"cookie", cookie)]))
    assert account is not None and account.name == "Người Xem Trang"
    assert run(kit.client, signed_in, request([])) is None
    assert run(kit.client, signed_in, request([(b"cookie", f"{SESSION_COOKIE}=forged".encode())])) is None
