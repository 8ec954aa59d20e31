"""Login links: opening one (a GET, as a link preview does) spends nothing; confirming it (POST) does;
issuing a new link revokes the account's older ones."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.admin.conftest import AdminKit
from tests.admin.conftest import kit as kit  # the fixture
from tests.admin.support import add_staff, spend_link


def test_a_link_preview_does_not_spend_the_link(kit: AdminKit) -> None:
    staff = add_staff(kit.client, "volunteer", "Phạm Thu")
    kit.client.cookies.clear()
    for _ in range(3):  # a chat app's preview, a mail scanner, the person's own click
        page = kit.client.get(staff.login_path, follow_redirects=False)
        assert page.status_code == 200 and "Đăng nhập" in page.text
        assert page.headers["cache-control"] == "no-store"
    assert kit.client.get("/admin/api/me").status_code == 401  # nothing signed in yet
    assert spend_link(kit.client, staff.login_path).status_code == 303
    assert kit.client.get("/admin/api/me").status_code == 200


def test_the_confirm_page_escapes_what_it_was_given(kit: AdminKit) -> None:
    page = kit.client.get('/admin/login?token="><script>alert(1)</script>')
    assert "<script>" not in page.text


def test_a_new_link_revokes_the_older_ones(kit: AdminKit) -> None:
    staff = add_staff(kit.client, "official", "Đỗ Văn Nam")
    answer = kit.client.post(f"/admin/api/users/{staff.id}/login-link", headers=kit.admin.bearer)
    newer = urlsplit(answer.json()["login_link"])
    kit.client.cookies.clear()
    old = spend_link(kit.client, staff.login_path)
    assert old.status_code == 303 and old.headers["location"].startswith("/admin/login.html?error=")
    assert parse_qs(newer.query)["token"]
    fresh = spend_link(kit.client, f"{newer.path}?{newer.query}")
    assert fresh.status_code == 303 and fresh.headers["location"] == "/admin/"
