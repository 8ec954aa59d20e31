"""/admin/api/report and /admin/report/{quarter}.html: the known quarter over HTTP, for officials only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from api.routes import admin_report
from bot.report.quarter import Quarter
from tests.admin.support import Staff, add_staff, admin_app
from tests.report.conftest import known


@dataclass
class Kit:
    client: TestClient
    official: Staff
    volunteer: Staff


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kit]:
    settings = known(tmp_path_factory.mktemp("admin-report"))
    app = admin_app(settings)
    app.router.routes[0:0] = admin_report.router.routes  # ahead of the static files mounted at "/"
    with TestClient(app) as client:
        yield Kit(client, add_staff(client, "official", "Nguyễn Thị Lan"), add_staff(client, "volunteer"))


def test_officials_get_the_figures_as_json(kit: Kit) -> None:
    response = kit.client.get("/admin/api/report", params={"quarter": "2026-Q1"}, headers=kit.official.bearer)
    assert response.status_code == 200, response.text
    figures = response.json()
    assert figures["quarter"] == "2026-Q1"
    assert figures["totals"] == {"conversations": 4, "citizens": 4, "messages": 11}
    assert figures["handoffs"]["waits"] == {
        "requested": 4,
        "claimed": 3,
        "median_wait_minutes": 10.0,
        "p90_wait_minutes": 810.0,
    }
    menu = next(f for f in figures["flows"] if f["flow"] == "menu")
    assert (menu["started"], menu["completed"], menu["abandoned"]) == (4, 3, 1)
    assert figures["assisted"] is None  # no such table yet


def test_without_a_quarter_it_is_the_current_one(kit: Kit) -> None:
    response = kit.client.get("/admin/api/report", headers=kit.official.bearer)
    assert response.status_code == 200
    assert response.json()["quarter"] == str(Quarter.containing(dt.datetime.now(dt.UTC)))


def test_a_bad_quarter_is_explained_in_vietnamese(kit: Kit) -> None:
    response = kit.client.get("/admin/api/report", params={"quarter": "2026-Q5"}, headers=kit.official.bearer)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("“2026-Q5” không phải là một quý")
    page = kit.client.get("/admin/report/quy-1.html", headers=kit.official.bearer)
    assert page.status_code == 422


def test_the_printable_page(kit: Kit) -> None:
    response = kit.client.get("/admin/report/2026-Q1.html", headers=kit.official.bearer)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    assert "Báo cáo hoạt động quý 2026-Q1" in response.text
    assert response.text.count('src="data:image/png;base64,') == 5


@pytest.mark.parametrize("path", ["/admin/api/report?quarter=2026-Q1", "/admin/report/2026-Q1.html"])
def test_only_officials_and_admins(kit: Kit, path: str) -> None:
    assert kit.client.get(path).status_code == 401
    assert kit.client.get(path, headers=kit.volunteer.bearer).status_code == 403
