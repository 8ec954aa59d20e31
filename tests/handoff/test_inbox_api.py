"""The inbox API through the real app: authentication, the volunteer's ward, claim conflicts, replies
reaching a web citizen through GET /api/chat/updates, handing back, and the audit log."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.admin_deps import CSRF_HEADER
from bot.config import load_settings
from bot.domain.handoff_config import HandoffConfig, fill
from bot.handoff.wording import RATE_PREFIX
from tests.admin.support import Staff, add_staff, sign_in
from tests.handoff.support import handoff_app
from tests.support.web_chat import WebChat

WARD = "Bộ phận Một cửa"  # flows.yaml handoff.ward
_citizens = itertools.count(1)


@dataclass
class Kit:
    client: TestClient
    volunteer: Staff  # of the ward that receives handoffs
    colleague: Staff  # same ward
    elsewhere: Staff  # a volunteer of another ward
    official: Staff  # of another ward: officials see every ward
    admin: Staff


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kit]:
    database = tmp_path_factory.mktemp("inbox") / "motcua.db"
    settings = load_settings(
        database_url=f"sqlite:///{database}", public_base_url="https://motcua.example.vn"
    )
    with TestClient(handoff_app(settings)) as client:
        yield Kit(
            client,
            add_staff(client, "volunteer", "Trần Văn Minh", "bộ phận  một cửa"),  # spelt differently
            add_staff(client, "volunteer", "Lê Thị Hoa", WARD),
            add_staff(client, "volunteer", "Phạm Thu", "Xã Tân Phú"),
            add_staff(client, "official", "Nguyễn Thị Lan", "Xã Tân Phú"),
            add_staff(client, "admin", "Lê Quản Trị"),
        )


@dataclass
class WebCitizen:
    client: TestClient
    name: str
    handoff_id: int = 0
    cursor: int | None = None

    def __post_init__(self) -> None:
        self.chat = WebChat(self.client)

    def send(self, **body: str) -> list[dict[str, Any]]:
        return self.chat.say(**body)

    def updates(self) -> dict[str, Any]:
        response = self.chat.updates(self.cursor)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        self.cursor = data["after"]
        return data


def handoff(kit: Kit) -> WebCitizen:
    """A web citizen who asked for a person; their handoff id found through the admin's inbox."""
    citizen = WebCitizen(kit.client, f"w-test-{next(_citizens)}")
    citizen.send(start="khai-sinh")
    citizen.send(text="gặp cán bộ")
    citizen.send(button="contact.options.person")
    marker = f"tôi là {citizen.name}"
    assert citizen.send(text=marker) != []  # the first message while waiting: kept, and said so
    items = kit.client.get("/admin/api/inbox", headers=kit.admin.bearer).json()["items"]
    [item] = [i for i in items if any(line["text"] == marker for line in i["transcript"])]
    citizen.handoff_id = item["id"]
    citizen.updates()
    return citizen


def act(kit: Kit, staff: Staff, citizen: WebCitizen, action: str, **body: str) -> Any:
    path = f"/admin/api/inbox/{citizen.handoff_id}/{action}"
    return kit.client.post(path, json=body or None, headers=staff.bearer)


def config_of(kit: Kit) -> HandoffConfig:
    config = kit.client.app.state.runtime.service.content.flows.handoff  # type: ignore[attr-defined]
    assert config is not None
    return config


ROUTES = [
    ("GET", "/admin/api/inbox", None),
    ("POST", "/admin/api/inbox/1/claim", None),
    ("POST", "/admin/api/inbox/1/reply", {"text": "Chào bạn"}),
    ("POST", "/admin/api/inbox/1/release", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_every_inbox_route_needs_a_signed_in_staff_member(
    kit: Kit, method: str, path: str, body: dict[str, str] | None
) -> None:
    kit.client.cookies.clear()
    assert kit.client.request(method, path, json=body).status_code == 401
    forged = {"Authorization": "Bearer not-a-token"}
    assert kit.client.request(method, path, json=body, headers=forged).status_code == 401


def test_a_browser_session_must_send_its_csrf_token(kit: Kit) -> None:
    citizen = handoff(kit)
    csrf = sign_in(kit.client, kit.volunteer)
    path = f"/admin/api/inbox/{citizen.handoff_id}/claim"
    assert kit.client.post(path).status_code == 403
    assert kit.client.post(path, headers={CSRF_HEADER: "wrong"}).status_code == 403
    assert kit.client.get("/admin/api/inbox").status_code == 200  # reading needs no token
    assert kit.client.post(path, headers=csrf).status_code == 200
    kit.client.cookies.clear()


def test_volunteers_see_and_take_only_their_wards_conversations(kit: Kit) -> None:
    citizen = handoff(kit)

    def listed(staff: Staff) -> bool:
        items = kit.client.get("/admin/api/inbox", headers=staff.bearer).json()["items"]
        return citizen.handoff_id in [i["id"] for i in items]

    assert listed(kit.volunteer) and listed(kit.colleague)
    assert not listed(kit.elsewhere)
    assert listed(kit.official) and listed(kit.admin)  # every ward
    for action in ("claim", "release"):
        assert act(kit, kit.elsewhere, citizen, action).status_code == 404
    assert act(kit, kit.elsewhere, citizen, "reply", text="Chào bạn").status_code == 404
    assert act(kit, kit.volunteer, citizen, "claim").status_code == 200


def test_an_item_shows_the_conversation_so_far(kit: Kit) -> None:
    citizen = handoff(kit)
    [item] = [
        i
        for i in kit.client.get("/admin/api/inbox", headers=kit.volunteer.bearer).json()["items"]
        if i["id"] == citizen.handoff_id
    ]
    assert set(item) == {
        "id",
        "channel",
        "status",
        "ward",
        "procedure",
        "procedure_name",
        "waiting_since",
        "claimed_by",
        "transcript",
    }
    assert (item["channel"], item["status"], item["ward"], item["procedure"]) == (
        "web",
        "waiting",
        WARD,
        "khai-sinh",
    )
    assert item["procedure_name"] == "Đăng ký khai sinh"
    assert item["claimed_by"] is None
    whos = [line["who"] for line in item["transcript"]]
    assert "citizen" in whos and "bot" in whos
    assert [line["text"] for line in item["transcript"] if line["who"] == "citizen"][:2] == [
        "/start khai-sinh",
        "gặp cán bộ",
    ]


def test_the_second_claimer_is_told_who_was_first(kit: Kit) -> None:
    citizen = handoff(kit)
    first = act(kit, kit.volunteer, citizen, "claim")
    assert first.status_code == 200
    assert (first.json()["status"], first.json()["claimed_by"]) == ("active", "Trần Văn Minh")
    for late in (kit.colleague, kit.official):
        second = act(kit, late, citizen, "claim")
        assert second.status_code == 409
        body = second.json()
        assert body["status"] == "active" and body["claimed_by"] == "Trần Văn Minh"
        assert "Trần Văn Minh" in body["detail"]


def test_only_the_holder_replies_and_the_reply_reaches_the_web_citizen(kit: Kit) -> None:
    citizen = handoff(kit)
    config = config_of(kit)
    assert act(kit, kit.volunteer, citizen, "reply", text="Chào bạn").status_code == 409  # not claimed yet
    assert act(kit, kit.volunteer, citizen, "claim").status_code == 200
    assert act(kit, kit.colleague, citizen, "reply", text="Chào bạn").status_code == 409
    assert act(kit, kit.volunteer, citizen, "reply", text="   ").status_code == 422
    assert act(kit, kit.volunteer, citizen, "reply", text="x" * 1801).status_code == 422
    response = act(kit, kit.volunteer, citizen, "reply", text="Chào bạn, bạn vướng ở đâu?")
    assert response.status_code == 200
    assert response.json()["transcript"][-1] == {
        "who": "person",
        "text": "Chào bạn, bạn vướng ở đâu?",
        "at": response.json()["transcript"][-1]["at"],
    }
    update = citizen.updates()
    assert [m["text"] for m in update["messages"]] == [
        fill(config.messages.claimed, {"person": "Trần Văn Minh"}),
        fill(config.messages.person_says, {"text": "Chào bạn, bạn vướng ở đâu?", "person": "Trần Văn Minh"}),
    ]
    assert update["handoff"] == "active"
    assert citizen.send(text="Mình chưa đăng nhập được") == []  # the bot stays silent
    assert citizen.updates()["messages"] == []


def test_handing_back_then_the_citizen_rates_the_help(kit: Kit) -> None:
    citizen = handoff(kit)
    config = config_of(kit)
    act(kit, kit.volunteer, citizen, "claim")
    act(kit, kit.volunteer, citizen, "reply", text="Bạn thử lại nhé.")
    citizen.updates()
    assert act(kit, kit.colleague, citizen, "release").status_code == 409  # held by someone else
    released = act(kit, kit.volunteer, citizen, "release")
    assert released.status_code == 200 and released.json()["status"] == "closed"
    assert act(kit, kit.volunteer, citizen, "release").status_code == 409  # already closed
    update = citizen.updates()
    assert [m["text"] for m in update["messages"]] == [config.messages.released, config.rating.ask]
    assert update["handoff"] is None
    rating = update["messages"][-1]["buttons"][0]
    assert rating["id"].startswith(RATE_PREFIX)
    assert citizen.send(button=rating["id"])[0]["text"] == config.rating.thanks
    closed = kit.client.get("/admin/api/inbox?status=closed", headers=kit.admin.bearer).json()["items"]
    assert citizen.handoff_id in [i["id"] for i in closed]


def test_an_admin_may_hand_back_a_conversation_someone_else_holds(kit: Kit) -> None:
    citizen = handoff(kit)
    act(kit, kit.volunteer, citizen, "claim")
    assert act(kit, kit.admin, citizen, "release").status_code == 200


def test_every_change_is_in_the_audit_log(kit: Kit) -> None:
    citizen = handoff(kit)
    act(kit, kit.colleague, citizen, "claim")
    act(kit, kit.colleague, citizen, "reply", text="Chào bạn")
    act(kit, kit.colleague, citizen, "release")
    entries = kit.client.get("/admin/api/audit", headers=kit.admin.bearer).json()["items"]
    mine = [(e["who"], e["action"]) for e in entries if e["target"] == f"handoff:{citizen.handoff_id}"]
    assert sorted(mine) == sorted(
        [("Lê Thị Hoa", "handoff.claim"), ("Lê Thị Hoa", "handoff.reply"), ("Lê Thị Hoa", "handoff.release")]
    )


@pytest.mark.parametrize("query", ["?after=-1", "?after=x", f"?after={2**63}"])
def test_updates_refuse_malformed_requests(kit: Kit, query: str) -> None:
    chat = WebChat(kit.client)
    chat.say(start="")
    assert kit.client.get(f"/api/chat/updates{query}", headers=chat.headers).status_code == 422


def test_inbox_status_filter_is_checked(kit: Kit) -> None:
    assert kit.client.get("/admin/api/inbox?status=lost", headers=kit.admin.bearer).status_code == 422
