"""Integer ids beyond what a database column holds (2^63 - 1) are 404 or 422, never a 500."""

from __future__ import annotations

import pytest

from tests.admin.conftest import AdminKit
from tests.admin.conftest import kit as kit  # the fixture

HUGE = [2**63, 2**64 + 1, 10**30]


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize(
    ("who", "method", "path"),
    [
        ("admin", "post", "/admin/api/users/{n}/disable"),
        ("admin", "post", "/admin/api/users/{n}/login-link"),
        ("admin", "get", "/admin/api/audit?before={n}"),
        ("volunteer", "post", "/admin/api/inbox/{n}/claim"),
        ("volunteer", "post", "/admin/api/inbox/{n}/release"),
        ("volunteer", "get", "/admin/api/diff?from={n}&to={n}"),
        ("volunteer", "get", "/admin/api/diff?from=1&to={n}"),
    ],
)
def test_a_huge_id_in_a_path_or_query_is_404_or_422(
    kit: AdminKit, who: str, method: str, path: str, number: int
) -> None:
    staff = getattr(kit, who)
    response = getattr(kit.client, method)(path.format(n=number), headers=staff.bearer)
    assert response.status_code in (404, 422), response.text


@pytest.mark.parametrize("number", HUGE)
def test_a_huge_id_in_a_body_is_422(kit: AdminKit, number: int) -> None:
    reply = kit.client.post(
        f"/admin/api/inbox/{number}/reply", json={"text": "x"}, headers=kit.volunteer.bearer
    )
    publish = kit.client.post(
        "/admin/api/publish",
        json={"file": "flows.yaml", "yaml": "a: 1", "comment": "x", "base_revision": number},
        headers=kit.official.bearer,
    )
    rollback = kit.client.post("/admin/api/rollback", json={"revision": number}, headers=kit.official.bearer)
    assert [r.status_code for r in (reply, publish, rollback)] in ([422, 422, 422], [404, 422, 422])
