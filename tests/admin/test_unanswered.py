"""Unanswered questions: grouped from the event log, and gone once the catalogue answers them."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from bot.admin.unanswered import ABANDON_AFTER, group_unanswered
from tests.admin.conftest import AdminKit
from tests.support.web_chat import WebChat

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


def _row(user: str, minute: int, kind: str, text: str, decision: str | None = None) -> Any:
    return SimpleNamespace(
        channel="web",
        user_hash=user,
        at=NOW - dt.timedelta(hours=2) + dt.timedelta(minutes=minute),
        incoming_kind=kind,
        text_masked=text,
        search_decision=decision,
    )


def test_questions_are_grouped_by_their_folded_form_most_asked_first() -> None:
    groups = group_unanswered(
        [
            _row("a", 0, "text", "Giá vàng hôm nay", "none"),
            _row("b", 1, "text", "gia vang  hom nay", "none"),
            _row("c", 2, "text", "nuôi mèo rừng", "none"),
            _row("c", 3, "text", "khai sinh", "match"),
        ],
        NOW,
    )
    assert [(g.text, g.count, g.decision) for g in groups] == [
        ("gia vang  hom nay", 2, "none"),  # shown as most recently asked
        ("nuôi mèo rừng", 1, "none"),
    ]


def test_a_choose_list_counts_only_when_the_citizen_did_not_pick() -> None:
    rows = [
        _row("a", 0, "text", "cấp lại", "choose"),
        _row("a", 1, "button", "p:cap-lai-gplx"),  # picked: answered
        _row("b", 0, "text", "cấp lại", "choose"),
        _row("b", 1, "text", "menu"),  # walked away from the list
        _row("c", 0, "text", "đăng ký", "choose"),  # no later turn, long ago: left
        _row("d", 119, "text", "giấy phép", "choose"),  # a minute ago: may still be choosing
    ]
    groups = group_unanswered(rows, NOW)
    assert [(g.text, g.count, g.decision) for g in groups] == [
        ("cấp lại", 1, "choose"),
        ("đăng ký", 1, "choose"),
    ]
    assert dt.timedelta(minutes=119) > ABANDON_AFTER


def test_the_page_lists_what_citizens_asked_and_drops_it_once_answered(kit: AdminKit) -> None:
    chat = kit.client
    for text in ("xin cấp giấy phép nuôi mèo rừng", "Xin cấp giấy phép nuôi mèo rừng"):
        WebChat(chat).say(text=text)
    third, fourth = WebChat(chat), WebChat(chat)
    third.say(text="cấp lại")
    third.say(text="menu")
    fourth.say(text="cấp lại")
    fourth.say(button="p:cap-lai-gplx")

    items = chat.get("/admin/api/unanswered", headers=kit.volunteer.bearer).json()["items"]
    cats = next(i for i in items if i["text"].lower() == "xin cấp giấy phép nuôi mèo rừng")
    assert cats["count"] == 2 and cats["decision"] == "none" and cats["last_at"]
    assert cats["candidates"], "the closest procedures are offered for 'add as alias of ...'"
    again = next(i for i in items if i["text"] == "cấp lại")
    assert again == {**again, "count": 1, "decision": "choose"}
    assert "cap-lai-gplx" in again["candidates"]

    draft = chat.post(
        "/admin/api/alias-draft",
        json={"id": "an-toan-thuc-pham", "alias": "giấy phép nuôi mèo rừng"},
        headers=kit.official.bearer,
    ).json()
    base = chat.get("/admin/api/procedures/an-toan-thuc-pham", headers=kit.official.bearer).json()["revision"]
    published = chat.post(
        "/admin/api/publish",
        json={
            "file": "procedures/an-toan-thuc-pham.yaml",
            "yaml": draft["yaml"],
            "comment": "Thêm cách gọi",
            "base_revision": base,
        },
        headers=kit.official.bearer,
    )
    assert published.status_code == 200, published.text
    after = chat.get("/admin/api/unanswered", headers=kit.volunteer.bearer).json()["items"]
    assert all(i["text"].lower() != "xin cấp giấy phép nuôi mèo rừng" for i in after)
    assert any(i["text"] == "cấp lại" for i in after)


def test_an_official_attaches_a_question_to_a_topic_and_it_is_answered(kit: AdminKit) -> None:
    chat = kit.client
    question = "đợi cả tiếng chưa thấy tin nhắn gửi về máy"
    WebChat(chat).say(text=question)
    listed = chat.get("/admin/api/unanswered", headers=kit.volunteer.bearer).json()
    assert any(i["text"] == question for i in listed["items"]), listed["items"]
    assert {"id": "otp", "title": "Không nhận được mã OTP"} in listed["topics"]

    draft = chat.post(
        "/admin/api/topic-draft", json={"topic": "otp", "phrasing": question}, headers=kit.official.bearer
    ).json()
    assert draft["added"] is True and f", {question}]" in draft["yaml"]
    unknown = chat.post(
        "/admin/api/topic-draft", json={"topic": "nope", "phrasing": question}, headers=kit.official.bearer
    )
    assert unknown.status_code == 422
    published = chat.post(
        "/admin/api/publish",
        json={
            "file": "flows.yaml",
            "yaml": draft["yaml"],
            "comment": "Cách nói mới",
            "base_revision": draft["revision"],
        },
        headers=kit.official.bearer,
    )
    assert published.status_code == 200, published.text
    after = chat.get("/admin/api/unanswered", headers=kit.volunteer.bearer).json()["items"]
    assert all(i["text"] != question for i in after)
    again = chat.post(
        "/admin/api/topic-draft",
        json={"topic": "otp", "phrasing": question.upper()},
        headers=kit.official.bearer,
    ).json()
    assert again["added"] is False
    reply = WebChat(chat).say(text=question)
    assert "OTP" in reply[0]["text"]
