"""Reading, checking and drafting content through the admin API (publishing: test_publish_api.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from api.routes import admin_api
from bot.config import CHECKOUT
from tests.admin.conftest import AdminKit

DISK = CHECKOUT / "procedures"


def _get(kit: AdminKit, path: str) -> dict[str, object]:
    response = kit.client.get(path, headers=kit.volunteer.bearer)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_first_start_imported_the_files_on_disk(kit: AdminKit) -> None:
    first = _get(kit, "/admin/api/revisions")["items"][-1]  # type: ignore[index]
    assert first["id"] == 1 and first["kind"] == "import"
    assert "flows.yaml" in first["files"] and "procedures/khai-sinh.yaml" in first["files"]
    procedure = _get(kit, "/admin/api/procedures/khai-sinh")
    assert procedure["yaml"] == (DISK / "khai-sinh.yaml").read_text(encoding="utf-8")
    assert procedure["fields"]["code"] == "1.001193"  # type: ignore[index]
    assert procedure["revision"] == _get(kit, "/admin/api/revisions")["items"][0]["id"]  # type: ignore[index]
    flows = _get(kit, "/admin/api/file?path=flows.yaml")
    assert flows["yaml"] == (CHECKOUT / "flows.yaml").read_text(encoding="utf-8")


def test_unknown_procedures_and_files_are_404(kit: AdminKit) -> None:
    for path in (
        "/admin/api/procedures/khong-co",
        "/admin/api/file?path=procedures/khong-co.yaml",
        "/admin/api/file?path=../etc/passwd",
    ):
        assert kit.client.get(path, headers=kit.volunteer.bearer).status_code == 404


def test_the_list_searches_without_accents_and_filters(kit: AdminKit) -> None:
    everything = _get(kit, "/admin/api/procedures")
    items = everything["items"]
    assert len(items) == len(list(DISK.glob("*.yaml")))  # type: ignore[arg-type]
    assert "Hộ tịch" in everything["sectors"]  # type: ignore[operator]
    assert set(items[0]) == {"id", "code", "name", "sector", "level", "last_verified", "unverified", "tier"}  # type: ignore[index]

    found = {i["id"] for i in _get(kit, "/admin/api/procedures?q=khai%20sinh")["items"]}  # type: ignore[attr-defined]
    assert {"khai-sinh", "dang-ky-lai-khai-sinh"} <= found and "ho-chieu" not in found
    by_code = _get(kit, "/admin/api/procedures?q=1.001193")["items"]
    assert [i["id"] for i in by_code] == ["khai-sinh"]  # type: ignore[attr-defined]

    civil = _get(kit, "/admin/api/procedures?sector=H%E1%BB%99%20t%E1%BB%8Bch&level=4")["items"]
    assert civil and all(i["sector"] == "Hộ tịch" and i["level"] == 4 for i in civil)  # type: ignore[attr-defined]
    never = {i["id"] for i in _get(kit, "/admin/api/procedures?verified=never")["items"]}  # type: ignore[attr-defined]
    assert never == {i["id"] for i in items if i["last_verified"] is None}  # type: ignore[attr-defined]
    assert len(never) < len(items), "dated procedures are not listed as never verified"  # type: ignore[arg-type]
    with_doubts = _get(kit, "/admin/api/procedures?unverified=yes")["items"]
    without = _get(kit, "/admin/api/procedures?unverified=no")["items"]
    assert all(i["unverified"] for i in with_doubts) and not any(i["unverified"] for i in without)  # type: ignore[attr-defined]
    assert len(with_doubts) + len(without) == len(items)  # type: ignore[arg-type]
    assert kit.client.get("/admin/api/procedures?level=7", headers=kit.volunteer.bearer).status_code == 422


def test_stale_lists_never_verified_first_then_the_oldest(
    kit: AdminKit, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two years on, every dated procedure is due with a one-day threshold, whenever the catalogue was checked.
    listed: list[dict[str, object]] = _get(kit, "/admin/api/procedures")["items"]  # type: ignore[assignment]
    dates = [dt.date.fromisoformat(str(p["last_verified"])) for p in listed if p["last_verified"]]
    later = max(dates) + dt.timedelta(days=730)
    monkeypatch.setattr(admin_api, "today", lambda: later)
    items = _get(kit, "/admin/api/stale?days=1")["items"]
    seen_dated = False
    last_days = None
    for item in items:  # type: ignore[attr-defined]
        if item["last_verified"] is None:
            assert not seen_dated and item["days"] is None
            continue
        seen_dated = True
        assert last_days is None or item["days"] <= last_days
        last_days = item["days"]
    assert seen_dated, "with a one-day threshold every dated procedure is due"
    recent = _get(kit, "/admin/api/stale?days=3650")["items"]
    assert all(i["last_verified"] is None for i in recent)  # type: ignore[attr-defined]


def test_validate_reports_every_problem_in_vietnamese_with_its_line(kit: AdminKit) -> None:
    text = (DISK / "khai-sinh.yaml").read_text(encoding="utf-8")
    ok = kit.client.post(
        "/admin/api/validate",
        json={"file": "procedures/khai-sinh.yaml", "yaml": text},
        headers=kit.volunteer.bearer,
    ).json()
    assert ok == {"ok": True, "problems": []}

    broken = text.replace("level: 4", "level: 9").replace("short_name: Đăng ký khai sinh", "short_nam: x")
    result = kit.client.post(
        "/admin/api/validate",
        json={"file": "procedures/khai-sinh.yaml", "yaml": broken},
        headers=kit.volunteer.bearer,
    ).json()
    assert result["ok"] is False
    by_field = {p["field"]: p for p in result["problems"]}
    lines = broken.splitlines()
    level = by_field["level"]
    assert lines[level["line"] - 1].startswith("level: 9")
    assert level["message"] == "Chỉ được là một trong các giá trị: 2, 3 hoặc 4."
    assert by_field["short_nam"]["message"].startswith("Tên trường này không có trong mẫu")
    assert by_field["short_name"]["message"] == "Thiếu thông tin bắt buộc này."
    # other procedures that name khai-sinh are not flooded with "no such procedure"
    assert {p["file"] for p in result["problems"]} == {"procedures/khai-sinh.yaml"}


def test_validate_checks_yaml_syntax_and_refuses_other_files(kit: AdminKit) -> None:
    result = kit.client.post(
        "/admin/api/validate",
        json={"file": "procedures/moi.yaml", "yaml": "id: moi\nname: [unclosed\n"},
        headers=kit.volunteer.bearer,
    ).json()
    assert result["ok"] is False and result["problems"][0]["message"].startswith("Sai cách viết YAML")
    for name in ("../x.yaml", "procedures/Bad Name.yaml", "README.md"):
        response = kit.client.post(
            "/admin/api/validate", json={"file": name, "yaml": "a: 1"}, headers=kit.volunteer.bearer
        )
        assert response.status_code == 422


def test_the_form_changes_values_in_place_and_keeps_comments(kit: AdminKit) -> None:
    original = _get(kit, "/admin/api/procedures/tam-vang")["yaml"]
    assert isinstance(original, str)
    commented = original.replace("fee:\n", "fee:  # lệ phí theo Thông tư 85/2019\n", 1)
    response = kit.client.post(
        "/admin/api/form",
        json={
            "id": "tam-vang",
            "yaml": commented,
            "changes": {"fee.text": "Miễn lệ phí.", "fee.free": True, "processing_time.working_days": "3"},
        },
        headers=kit.official.bearer,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is True and body["problems"] == []
    edited = body["yaml"]
    assert "fee:  # lệ phí theo Thông tư 85/2019\n  free: true\n" in edited, "the comment stays on its line"
    fee_block = edited[edited.index("fee:") : edited.index("processing_time:")]
    assert "Miễn lệ phí." in fee_block and "  working_days: 3\n" in edited
    before, after = commented.splitlines(), edited.splitlines()
    # Only the fee and time blocks change: every other line is kept as it was, in place.
    start = before.index("fee:  # lệ phí theo Thông tư 85/2019")
    end = next(i for i, line in enumerate(before) if line.startswith("processing_time:"))
    assert before[:start] == after[:start]
    tail = next(i for i, line in enumerate(before) if i > end and not line.startswith(" "))
    assert before[tail:] == after[len(after) - (len(before) - tail) :]


def test_the_form_refuses_unknown_fields_and_returns_new_problems(kit: AdminKit) -> None:
    text = _get(kit, "/admin/api/procedures/tam-vang")["yaml"]
    for field in ("fee.bogus", "fee", "documents.99.note", "../x"):
        response = kit.client.post(
            "/admin/api/form",
            json={"id": "tam-vang", "yaml": text, "changes": {field: "x"}},
            headers=kit.official.bearer,
        )
        assert response.status_code == 422, field
        assert response.json()["detail"]
    bad = kit.client.post(
        "/admin/api/form",
        json={"id": "tam-vang", "yaml": text, "changes": {"fee.amount": "hai mươi nghìn"}},
        headers=kit.official.bearer,
    ).json()
    assert bad["ok"] is False
    assert [p["field"] for p in bad["problems"]] == ["fee.amount"]
    assert bad["problems"][0]["message"].startswith("Phải là số nguyên")


def test_preview_runs_the_draft_without_storing_anything(kit: AdminKit) -> None:
    text = _get(kit, "/admin/api/procedures/ho-chieu")["yaml"]
    assert isinstance(text, str)
    assert "200.000 đ" in text
    draft = text.replace("200.000 đ", "7.777 đ", 1)
    revisions_before = _get(kit, "/admin/api/revisions")["items"]
    first = kit.client.post(
        "/admin/api/preview",
        json={"id": "ho-chieu", "yaml": draft, "state": None, "input": {"start": "ho-chieu"}},
        headers=kit.volunteer.bearer,
    ).json()
    said = "\n".join(m["text"] for m in first["messages"])
    assert "7.777 đ" in said
    button = first["messages"][-1]["buttons"][0]["id"]
    second = kit.client.post(
        "/admin/api/preview",
        json={"id": "ho-chieu", "yaml": draft, "state": first["state"], "input": {"button": button}},
        headers=kit.volunteer.bearer,
    ).json()
    assert second["messages"] and second["state"] != first["state"]
    assert _get(kit, "/admin/api/revisions")["items"] == revisions_before
    live = kit.client.post("/api/chat", json={"start": "ho-chieu"}).json()
    assert "7.777" not in "\n".join(m["text"] for m in live["messages"])


def test_preview_of_a_broken_draft_lists_its_problems(kit: AdminKit) -> None:
    response = kit.client.post(
        "/admin/api/preview",
        json={"id": "ho-chieu", "yaml": "id: ho-chieu\n", "input": {"text": "lệ phí"}},
        headers=kit.volunteer.bearer,
    )
    assert response.status_code == 422
    assert {p["field"] for p in response.json()["problems"]} >= {"name", "fee"}
    two_inputs = kit.client.post(
        "/admin/api/preview",
        json={"id": "ho-chieu", "yaml": "id: x\n", "input": {"text": "a", "button": "b"}},
        headers=kit.volunteer.bearer,
    )
    assert two_inputs.status_code == 422


def test_alias_draft_adds_the_alias_without_publishing(kit: AdminKit) -> None:
    before = _get(kit, "/admin/api/procedures/khai-tu")
    response = kit.client.post(
        "/admin/api/alias-draft",
        json={"id": "khai-tu", "alias": "báo tử cho ông"},
        headers=kit.official.bearer,
    ).json()
    assert response["added"] is True
    assert response["yaml"].count("\n") == before["yaml"].count("\n") + 1  # type: ignore[attr-defined]
    assert "  - báo tử cho ông\n" in response["yaml"]
    assert _get(kit, "/admin/api/procedures/khai-tu") == before  # nothing published
    again = kit.client.post(
        "/admin/api/alias-draft",
        json={"id": "khai-tu", "alias": before["fields"]["aliases"][0]},  # type: ignore[index]
        headers=kit.official.bearer,
    ).json()
    assert again == {"yaml": before["yaml"], "added": False}
