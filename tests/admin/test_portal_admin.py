"""The portal tier in the admin API: the list's tier filter, the read-only page, where a curated procedure
differs from its page, and adopting a portal procedure as a draft that publishes like any edit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml

from bot.cli.portal import import_folder
from bot.config import load_settings
from tests.admin.conftest import AdminKit, admin_kit
from tests.portal.support import FIXTURES

LAND = "tthc-1-012786"  # Cấp lại Giấy chứng nhận do bị mất: only the portal has it


@pytest.fixture(scope="module")
def portal_kit(module_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AdminKit]:
    tier = tmp_path_factory.mktemp("tier") / "portal.json"
    tier.write_text(import_folder(FIXTURES, "06–07/2026", progress=False)[0], encoding="utf-8")
    yield from admin_kit(load_settings(database_url=module_database_url, portal_file=tier))


def test_the_list_shows_one_tier_at_a_time(portal_kit: AdminKit) -> None:
    get = portal_kit.client.get
    auth = portal_kit.volunteer.bearer
    curated = get("/admin/api/procedures", headers=auth).json()
    assert curated["items"] and {i["tier"] for i in curated["items"]} == {"curated"}
    portal = get("/admin/api/procedures?tier=portal", headers=auth).json()
    ids = {i["id"] for i in portal["items"]}
    assert LAND in ids and "tthc-1-001193" not in ids  # the curated khai-sinh replaces its portal entry
    assert portal["total"] == len(list(FIXTURES.glob("*/*.json"))) - 1
    found = get("/admin/api/procedures?tier=portal&q=giay chung nhan bi mat", headers=auth).json()
    assert [i["id"] for i in found["items"]] == [LAND]


def test_a_portal_procedure_reads_as_its_page(portal_kit: AdminKit) -> None:
    got = portal_kit.client.get(f"/admin/api/portal/{LAND}", headers=portal_kit.volunteer.bearer).json()
    assert got["code"] == "1.012786" and got["curated"] is None
    assert got["page"]["captured"] == "06–07/2026" and got["page"]["url"].startswith("https://dichvucong")
    assert [c["time"] for c in got["page"]["channels"]] == [
        "10 Ngày làm việc",
        "10 Ngày làm việc",
        "20 Ngày làm việc",
    ]
    shadowed = portal_kit.client.get("/admin/api/portal/tthc-1-001193", headers=portal_kit.volunteer.bearer)
    assert shadowed.status_code == 200 and shadowed.json()["curated"] == "khai-sinh"
    missing = portal_kit.client.get("/admin/api/portal/khai-sinh", headers=portal_kit.volunteer.bearer)
    assert missing.status_code == 404


def test_a_curated_procedure_shows_where_it_differs_from_its_page(portal_kit: AdminKit) -> None:
    got = portal_kit.client.get("/admin/api/procedures/khai-sinh", headers=portal_kit.volunteer.bearer).json()
    portal = got["portal"]
    assert portal["id"] == "tthc-1-001193" and portal["url"].startswith("https://dichvucong.gov.vn/")
    fields = {d["field"]: d for d in portal["differences"]}
    curated = got["fields"]
    if "documents" in fields:  # both lists, side by side
        assert fields["documents"]["curated"] == [d["name"] for d in curated["documents"]]
    for difference in portal["differences"]:
        assert difference["curated"] != difference["portal"]
    stale = portal_kit.client.get("/admin/api/stale?days=1", headers=portal_kit.volunteer.bearer).json()[
        "items"
    ]
    row = next(i for i in stale if i["id"] == "khai-sinh")
    assert row["portal"]["differences"] == portal["differences"]
    assert all(i["portal"] is None for i in stale if i["id"] != "khai-sinh")  # no page in this tier


def test_adopting_makes_a_draft_that_publishes_once_completed(portal_kit: AdminKit) -> None:
    client, official = portal_kit.client, portal_kit.official.bearer
    assert (
        client.post(f"/admin/api/portal/{LAND}/adopt", headers=portal_kit.volunteer.bearer).status_code == 403
    )
    draft = client.post(f"/admin/api/portal/{LAND}/adopt", headers=official).json()
    assert (
        draft["id"] == "cap-lai-giay-chung-nhan-do-bi-mat"
        and draft["file"] == f"procedures/{draft['id']}.yaml"
    )
    data = yaml.safe_load(draft["yaml"])
    assert data["code"] == "1.012786" and data["source"].startswith("https://dichvucong.gov.vn/")
    assert data["channels"] == {"online": True, "post": True, "in_person": True}
    assert data["fee"] == {"free": True, "text": "Miễn phí"} and data["online_steps"] == []
    publish = {"file": draft["file"], "comment": "Đưa vào danh mục", "base_revision": draft["revision"]}
    refused = client.post("/admin/api/publish", json={**publish, "yaml": draft["yaml"]}, headers=official)
    assert refused.status_code == 422  # an online procedure needs its steps: the official completes it
    assert ["online_steps" in p["message"] for p in refused.json()["problems"]] == [True]
    data["short_name"] = "Cấp lại sổ đỏ bị mất"
    data["aliases"] = ["cấp lại sổ đỏ bị mất", "mất sổ đỏ"]
    data["online_steps"] = [{"title": "Mở trang thủ tục", "text": "Vào dichvucong.gov.vn, tìm mã 1.012786."}]
    completed = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    published = client.post("/admin/api/publish", json={**publish, "yaml": completed}, headers=official)
    assert published.status_code == 200, published.text
    portal = client.get("/admin/api/procedures?tier=portal", headers=official).json()
    assert LAND not in {i["id"] for i in portal["items"]}  # the curated file replaces the portal entry
    chat = client.post("/api/chat", json={"start": LAND}).json()
    assert any("Cấp lại Giấy chứng nhận do bị mất" in m["text"] for m in chat["messages"])
    again = client.post(f"/admin/api/portal/{LAND}/adopt", headers=official)
    assert again.status_code == 409
