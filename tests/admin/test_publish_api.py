"""Publishing, concurrent edits, history, diff and rollback through the admin API, and the live bot."""

from __future__ import annotations

import threading
from typing import Any

from tests.admin.conftest import AdminKit
from tests.admin.support import Staff, add_staff

OLD_FEE = "200.000 đ"


def _procedure(kit: AdminKit, procedure_id: str) -> dict[str, Any]:
    body: dict[str, Any] = kit.client.get(
        f"/admin/api/procedures/{procedure_id}", headers=kit.official.bearer
    ).json()
    return body


def _publish(
    kit: AdminKit, file: str, text: str, base: int, staff: Staff | None = None, comment: str = "sửa"
) -> Any:
    body = {"file": file, "yaml": text, "comment": comment, "base_revision": base}
    return kit.client.post("/admin/api/publish", json=body, headers=(staff or kit.official).bearer)


def _bot_says(kit: AdminKit, procedure_id: str, user: str) -> str:
    """The short card of a procedure, then its full fee and time (one button behind the card)."""
    reply = kit.client.post("/api/chat", json={"start": procedure_id}).json()
    said = [m["text"] for m in reply["messages"]]
    headers = {"X-Motcua-Conversation": reply["token"]} if "token" in reply else {}
    for button in ("overview.next_steps.details", "overview.details.fee"):
        reply = kit.client.post("/api/chat", json={"button": button}, headers=headers).json()
        said += [m["text"] for m in reply.get("messages", [])]
    return "\n".join(said)


def _latest(kit: AdminKit) -> int:
    latest: int = kit.client.get("/admin/api/revisions", headers=kit.volunteer.bearer).json()["items"][0][
        "id"
    ]
    return latest


def test_a_published_fee_reaches_the_bot_at_once(kit: AdminKit) -> None:
    current = _procedure(kit, "ho-chieu")
    assert OLD_FEE in _bot_says(kit, "ho-chieu", "before-publish")
    assert OLD_FEE in current["yaml"]
    text = current["yaml"].replace(OLD_FEE, "250.000 đ", 1)
    response = _publish(
        kit, "procedures/ho-chieu.yaml", text, current["revision"], comment="Sửa lệ phí hộ chiếu"
    )
    assert response.status_code == 200, response.text
    revision = response.json()["revision"]
    assert revision == current["revision"] + 1
    assert "250.000 đ" in _bot_says(kit, "ho-chieu", "after-publish")

    newest = kit.client.get("/admin/api/revisions", headers=kit.volunteer.bearer).json()["items"][0]
    assert newest["id"] == revision and newest["files"] == ["procedures/ho-chieu.yaml"]
    assert newest["author"] == "Nguyễn Thị Lan" and newest["comment"] == "Sửa lệ phí hộ chiếu"
    assert _procedure(kit, "ho-chieu")["revision"] == revision

    diff = kit.client.get(
        f"/admin/api/diff?from={current['revision']}&to={revision}", headers=kit.volunteer.bearer
    ).json()
    assert [f["file"] for f in diff["files"]] == ["procedures/ho-chieu.yaml"]
    changed = [line for line in diff["files"][0]["lines"] if line["op"] != " "]
    assert [line["op"] for line in changed] == ["-", "+"]
    assert OLD_FEE in changed[0]["text"] and "250.000" in changed[1]["text"]
    unchanged_file = kit.client.get(
        f"/admin/api/diff?from={current['revision']}&to={revision}&file=flows.yaml",
        headers=kit.volunteer.bearer,
    ).json()
    assert unchanged_file == {"files": []}

    audit = kit.client.get("/admin/api/audit", headers=kit.admin.bearer).json()["items"]
    assert any(
        a["action"] == "content.publish"
        and a["target"] == f"revision:{revision}"
        and "Sửa lệ phí hộ chiếu" in a["detail"]
        for a in audit
    )


def test_an_invalid_draft_is_never_published(kit: AdminKit) -> None:
    current = _procedure(kit, "khai-tu")
    latest = _latest(kit)
    broken = current["yaml"].replace("level: ", "level: 9 #", 1)
    response = _publish(kit, "procedures/khai-tu.yaml", broken, current["revision"])
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] and body["problems"][0]["field"] == "level"
    assert _latest(kit) == latest
    blank = _publish(
        kit, "procedures/khai-tu.yaml", current["yaml"] + "# x\n", current["revision"], comment="  "
    )
    assert blank.status_code == 422
    assert _latest(kit) == latest


def test_a_change_that_breaks_another_file_is_refused_with_that_file_named(kit: AdminKit) -> None:
    current = _procedure(kit, "khai-sinh")
    renamed = current["yaml"].replace("id: khai-sinh", "id: khai-sinh-moi")
    response = _publish(kit, "procedures/khai-sinh.yaml", renamed, current["revision"])
    assert response.status_code == 422
    assert any(
        p["field"] == "id" and p["file"] == "procedures/khai-sinh.yaml" for p in response.json()["problems"]
    )


def test_the_second_publisher_of_the_same_file_is_told_and_nothing_is_overwritten(kit: AdminKit) -> None:
    base = _procedure(kit, "tam-tru")
    second_official = add_staff(kit.client, "official", "Đỗ Văn Hùng")
    first = _publish(kit, "procedures/tam-tru.yaml", base["yaml"] + "# bản của Lan\n", base["revision"])
    assert first.status_code == 200
    second = _publish(
        kit,
        "procedures/tam-tru.yaml",
        base["yaml"] + "# bản của Hùng\n",
        base["revision"],
        staff=second_official,
    )
    assert second.status_code == 409
    conflict = second.json()
    assert conflict["current_revision"] == first.json()["revision"]
    assert conflict["changed_by"] == "Nguyễn Thị Lan" and conflict["changed_at"]
    assert "Nguyễn Thị Lan" in conflict["detail"]
    assert _procedure(kit, "tam-tru")["yaml"].endswith("# bản của Lan\n")


def test_edits_of_different_files_from_the_same_base_both_land(kit: AdminKit) -> None:
    one, other = _procedure(kit, "ket-hon"), _procedure(kit, "khai-tu")
    assert one["revision"] == other["revision"]
    first = _publish(kit, "procedures/ket-hon.yaml", one["yaml"] + "# a\n", one["revision"])
    second = _publish(kit, "procedures/khai-tu.yaml", other["yaml"] + "# b\n", other["revision"])
    assert first.status_code == second.status_code == 200
    assert second.json()["revision"] == first.json()["revision"] + 1
    assert _procedure(kit, "ket-hon")["yaml"].endswith("# a\n")
    assert _procedure(kit, "khai-tu")["yaml"].endswith("# b\n")


def test_publishing_the_same_text_makes_no_revision(kit: AdminKit) -> None:
    current = _procedure(kit, "tam-vang")
    response = _publish(kit, "procedures/tam-vang.yaml", current["yaml"], current["revision"])
    assert response.json() == {"revision": current["revision"], "unchanged": True}
    crlf = _publish(
        kit, "procedures/tam-vang.yaml", current["yaml"].replace("\n", "\r\n"), current["revision"]
    )
    assert crlf.json()["unchanged"] is True  # a browser's line ends are not a change


def test_concurrent_publishes_of_one_file_let_exactly_one_win(kit: AdminKit) -> None:
    base = _procedure(kit, "thuong-tru")
    results: list[int] = []

    def attempt(mark: str) -> None:
        results.append(
            _publish(
                kit, "procedures/thuong-tru.yaml", base["yaml"] + f"# {mark}\n", base["revision"]
            ).status_code
        )

    threads = [threading.Thread(target=attempt, args=(mark,)) for mark in ("một", "hai", "ba")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 409, 409]


def test_a_new_procedure_can_be_published(kit: AdminKit) -> None:
    source = _procedure(kit, "khai-tu")
    text = (
        source["yaml"]
        .replace("id: khai-tu", "id: khai-tu-thu")
        .replace(f'code: "{source["fields"]["code"]}"', 'code: "9.999999"')
        .replace(f"\nname: {source['fields']['name']}\n", "\nname: Thủ tục thử nghiệm mới\n")
        .replace("\nshort_name: Đăng ký ", "\nshort_name: Mới, ", 1)  # the short card shows the short name
    )
    response = _publish(kit, "procedures/khai-tu-thu.yaml", text, source["revision"])
    assert response.status_code == 200, response.text
    assert "Mới, khai tử" in _bot_says(kit, "khai-tu-thu", "new-procedure")


def test_rollback_brings_back_an_earlier_revision_as_a_new_one(kit: AdminKit) -> None:
    current = _procedure(kit, "xac-nhan-cu-tru")
    marker = "Lệ phí đã sửa để thử quay lại."
    text = current["yaml"].replace("fee:\n", f"fee:\n  # {marker}\n", 1)
    edited = current["yaml"]
    published = _publish(kit, "procedures/xac-nhan-cu-tru.yaml", text, current["revision"]).json()["revision"]
    assert _procedure(kit, "xac-nhan-cu-tru")["yaml"] != edited

    response = kit.client.post(
        "/admin/api/rollback",
        json={"revision": current["revision"], "comment": "Quay lại"},
        headers=kit.official.bearer,
    )
    assert response.status_code == 200
    restored = response.json()["revision"]
    assert restored == published + 1
    assert _procedure(kit, "xac-nhan-cu-tru")["yaml"] == edited
    item = kit.client.get("/admin/api/revisions", headers=kit.volunteer.bearer).json()["items"][0]
    assert item["kind"] == "rollback" and item["restores"] == current["revision"]
    assert "procedures/xac-nhan-cu-tru.yaml" in item["files"]
    unknown = kit.client.post("/admin/api/rollback", json={"revision": 99999}, headers=kit.official.bearer)
    assert unknown.status_code == 404


def test_rollback_restores_what_the_bot_says(kit: AdminKit) -> None:
    current = _procedure(kit, "cap-lai-gplx")
    assert "    135.000 đ." in current["yaml"]
    text = current["yaml"].replace("    135.000 đ.", "    999.000 đ.", 1)
    _publish(kit, "procedures/cap-lai-gplx.yaml", text, current["revision"])
    assert "999.000 đ" in _bot_says(kit, "cap-lai-gplx", "rollback-1")
    kit.client.post(
        "/admin/api/rollback", json={"revision": current["revision"]}, headers=kit.official.bearer
    )
    said = _bot_says(kit, "cap-lai-gplx", "rollback-2")
    assert "999.000 đ" not in said and "135.000 đ" in said


def test_history_of_one_file(kit: AdminKit) -> None:
    current = _procedure(kit, "ly-lich-tu-phap")
    _publish(kit, "procedures/ly-lich-tu-phap.yaml", current["yaml"] + "# 1\n", current["revision"])
    items = kit.client.get(
        "/admin/api/revisions?file=procedures/ly-lich-tu-phap.yaml", headers=kit.volunteer.bearer
    ).json()["items"]
    assert [i["kind"] for i in items] == ["publish", "import"]
    assert all("procedures/ly-lich-tu-phap.yaml" in i["files"] for i in items)
    missing = kit.client.get("/admin/api/diff?from=1&to=99999", headers=kit.volunteer.bearer)
    assert missing.status_code == 404


def test_flows_yaml_is_published_like_a_procedure(kit: AdminKit) -> None:
    flows = kit.client.get("/admin/api/file?path=flows.yaml", headers=kit.official.bearer).json()
    line = next(line for line in flows["yaml"].splitlines() if line.startswith("  stale_button: "))
    text = flows["yaml"].replace(line, "  stale_button: Nút này cũ rồi (đã sửa qua trang quản trị).")
    response = _publish(kit, "flows.yaml", text, flows["revision"])
    assert response.status_code == 200, response.text
    served = kit.client.get("/admin/api/file?path=flows.yaml", headers=kit.official.bearer).json()
    assert "đã sửa qua trang quản trị" in served["yaml"]
