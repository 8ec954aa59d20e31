"""The admin pages' route: which files it serves, to whom, and with which headers."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.routes import admin_pages


@pytest.fixture
def client() -> TestClient:
    app = FastAPI()
    app.include_router(admin_pages.router)
    return TestClient(app)


SIGNED_IN = {admin_pages.SESSION_COOKIE: "a-session"}


@pytest.mark.parametrize(
    "page", ["/admin/", "/admin/procedure.html?id=khai-sinh", "/admin/inbox.html", "/admin/history.html"]
)
def test_a_page_without_a_session_goes_to_sign_in_and_remembers_where(client: TestClient, page: str) -> None:
    response = client.get(page, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/admin/login.html?next=/admin/")
    assert response.headers["location"].endswith(
        page.removeprefix("/admin/").replace("?", "%3F").replace("=", "%3D")
    )


def test_with_a_session_cookie_the_page_is_served(client: TestClient) -> None:
    client.cookies.update(SIGNED_IN)
    response = client.get("/admin/procedure.html?id=khai-sinh")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert 'src="/admin/procedure_page.js"' in response.text
    index = client.get("/admin/")
    assert index.text.startswith('<!doctype html>\n<html lang="vi">') and "{%" not in index.text
    assert "<title>Thủ tục · Một Cửa</title>" in index.text and 'src="/admin/list_page.js"' in index.text
    assert index.headers["etag"] != response.headers["etag"]  # each page its own digest


def test_the_sign_in_page_and_the_assets_need_no_session(client: TestClient) -> None:
    assert client.get("/admin/login.html").status_code == 200
    script = client.get("/admin/api.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert client.get("/admin/admin.css").headers["content-type"].startswith("text/css")
    assert client.get("/admin", follow_redirects=False).headers["location"] == "/admin/"


def test_pages_forbid_inline_scripts_framing_and_stale_copies(client: TestClient) -> None:
    response = client.get("/admin/login.html")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize(
    "path",
    [
        "/admin/nothing.html",
        "/admin/..%2Fchat.js",
        "/admin/%2e%2e%2fmain.css",
        "/admin/strings.py.js",
        "/admin/_base.html",  # the pages' shared frame, not a page
    ],
)
def test_only_the_files_of_the_folder_are_served(client: TestClient, path: str) -> None:
    client.cookies.update(SIGNED_IN)
    assert client.get(path).status_code == 404


def test_every_page_loads_only_its_own_files() -> None:
    """No inline script or style (the policy would block them) and nothing from another site."""
    for page in admin_pages.PAGES_DIR.glob("*.html"):
        if page.name.startswith("_"):
            continue
        html = admin_pages.render_page(page.name).body.decode("utf-8")
        assert "<script>" not in html and "<style" not in html and " style=" not in html, page.name
        assert "http://" not in html and "https://" not in html, page.name
        assert 'lang="vi"' in html, page.name
