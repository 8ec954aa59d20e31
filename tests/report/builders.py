"""Builders for report tests: a small flows.yaml and catalogue of our own (so the expected figures do not
move when the real content is edited), conversations run through the real engine into event records
exactly as the service logs them, and rows written into a migrated database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.catalogue import Catalogue
from bot.domain.engine.core import Engine
from bot.domain.flows.model import Flows
from bot.domain.messages import Incoming
from bot.domain.privacy import mask_pii, pseudonymise
from bot.report.history import EventRecord, FeedbackRecord
from bot.storage.records import DEFAULT_SALT
from bot.storage.tables import Event, Feedback
from tests.helpers import FLOWS_HEADER, Chat, make_catalogue, make_index, make_procedure, parse_flows

UTC = dt.UTC
PROCEDURE_ID, PROCEDURE_CODE, PROCEDURE_NAME = "thu-tuc-mau", "1.000001", "Thủ tục mẫu"

FLOWS = (
    FLOWS_HEADER
    + """\
flows:
  menu:
    title: Menu chính
    steps:
      - id: choose
        ask: Bạn cần mình giúp gì?
        buttons:
          - {id: find, label: Tìm thủ tục, goto: find}
          - {id: guide, label: Hướng dẫn nộp, goto: guide}
          - {id: online, label: Nộp trực tuyến, goto: online}
  find:
    title: Tìm thủ tục
    steps:
      - id: ask_query
        ask: Bạn cần làm thủ tục gì?
        text: {save: query, goto: search}
        buttons:
          - {id: menu, label: Về menu, goto: menu}
      - id: search
        search: "{answers.query}"
        match: overview
        choose: pick
        none: not_found
      - id: pick
        pick: Bạn chọn đúng thủ tục nhé.
        then: overview
      - id: not_found
        say: Xin lỗi, mình chưa tìm thấy thủ tục nào.
  overview:
    title: Thông tin thủ tục
    steps:
      - id: about
        say: "{procedure.name}"
  guide:
    title: Hướng dẫn nộp hồ sơ
    steps:
      - id: first
        ask: Bước một là chuẩn bị giấy tờ.
        buttons:
          - {id: next, label: Tiếp, goto: second}
      - id: second
        ask: Bước hai là nộp hồ sơ trên Cổng Dịch vụ công.
        buttons:
          - {id: done, label: Xong, goto: rate}
          - {id: again, label: Xem lại, goto: first}
      - id: rate
        call: feedback
      - id: bye
        end: true
  online:
    title: Nộp hồ sơ trực tuyến
    steps:
      - id: steps
        walk: procedure.online_steps
        text: "Bước {list.number}/{list.total}: {item.title}"
        continue_button: Xong, tiếp tục
        stuck_button: Gặp khó khăn
        help: "{item.help}"
        no_help: Bước này chưa có ghi chú.
        done: finished
      - id: finished
        say: Bạn đã nộp xong hồ sơ.
  feedback:
    title: Hỏi ý kiến
    steps:
      - id: helpful
        ask: Hướng dẫn có giúp ích cho bạn không?
        save: helpful
        buttons:
          - {id: useful, label: Có, goto: record, words: [có]}
          - {id: not_useful, label: Chưa, goto: record}
      - id: record
        feedback:
          helpful: answers.helpful == "useful"
      - id: done
        end: true
"""
)


def small_flows() -> Flows:
    return parse_flows(FLOWS)


def small_catalogue() -> Catalogue:
    return make_catalogue(make_procedure(id=PROCEDURE_ID, code=PROCEDURE_CODE, name=PROCEDURE_NAME))


def write_content(folder: Path) -> tuple[Path, Path]:
    """The test flows and catalogue as files, for the command line: (catalogue dir, flows file)."""
    procedures = folder / "procedures"
    procedures.mkdir()
    data = make_procedure(id=PROCEDURE_ID, code=PROCEDURE_CODE, name=PROCEDURE_NAME).model_dump(
        mode="json", exclude_none=True, exclude_defaults=True
    )
    (procedures / f"{PROCEDURE_ID}.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    flows = folder / "flows.yaml"
    flows.write_text(FLOWS, encoding="utf-8")
    return procedures, flows


Step = tuple[str, str]  # ("start" | "type" | "press", what)
MAKE_INCOMING: dict[str, Callable[[str], Incoming]] = {
    "start": Incoming.started,
    "type": Incoming.typed,
    "press": Incoming.pressed,
}


@dataclass
class Conversation:
    """A citizen's turns, one minute apart from `at`, on `channel`."""

    channel: str
    user: str
    at: dt.datetime
    turns: list[Step]
    events: list[EventRecord] = field(default_factory=list)
    feedback: list[FeedbackRecord] = field(default_factory=list)


def play(engine: Engine, conversation: Conversation) -> Conversation:
    """Run the turns through the engine and record them as `ChatService._event` does."""
    chat = Chat(engine)
    user_hash = pseudonymise(conversation.user, DEFAULT_SALT)
    for minute, (kind, what) in enumerate(conversation.turns):
        incoming = MAKE_INCOMING[kind](what)
        turn = chat.send(incoming)
        at = conversation.at + dt.timedelta(minutes=minute)
        trace = turn.trace
        conversation.events.append(
            EventRecord(
                at,
                conversation.channel,
                user_hash,
                trace.flow,
                trace.step,
                trace.procedure,
                incoming.kind.value,
                mask_pii(what),
                trace.search_decision,
                trace.search_top,
            )
        )
        if trace.feedback is not None:
            helpful, comment = trace.feedback
            conversation.feedback.append(
                FeedbackRecord(
                    at, conversation.channel, user_hash, trace.procedure, helpful, bool(comment.strip())
                )
            )
    return conversation


def small_engine() -> Engine:
    catalogue = small_catalogue()
    return Engine(catalogue, make_index(catalogue), small_flows())


def event_row(event: EventRecord) -> dict[str, Any]:
    return {
        "at": event.at,
        "channel": event.channel,
        "user_hash": event.user_hash,
        "flow": event.flow,
        "step": event.step,
        "procedure": event.procedure,
        "incoming_kind": event.kind,
        "text_masked": event.text,
        "search_decision": event.decision,
        "search_top": event.top,
        "extra": {},
    }


def feedback_row(answer: FeedbackRecord) -> dict[str, Any]:
    return {
        "at": answer.at,
        "channel": answer.channel,
        "user_hash": answer.user_hash,
        "procedure": answer.procedure,
        "helpful": answer.helpful,
        "comment_masked": "chưa rõ phí" if answer.commented else "",
    }


async def insert_history(engine: AsyncEngine, conversations: list[Conversation]) -> None:
    async with engine.begin() as conn:
        for conversation in conversations:
            if conversation.events:
                await conn.execute(insert(Event), [event_row(e) for e in conversation.events])
            if conversation.feedback:
                await conn.execute(insert(Feedback), [feedback_row(f) for f in conversation.feedback])


def at(text: str) -> dt.datetime:
    """An aware UTC moment from "2026-01-02 03:04" (UTC)."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- the known quarter the end-to-end tests check (figures worked out by hand in test_cli_report.py) ------
GUIDE_TO_THE_END: list[Step] = [
    ("start", ""),
    ("press", "menu.choose.guide"),
    ("press", "guide.first.next"),
    ("press", "guide.second.done"),
    ("press", "feedback.helpful.useful"),
]


def known_conversations() -> list[Conversation]:
    engine = small_engine()
    return [
        play(engine, c)
        for c in (
            Conversation("web", "u-a", at("2026-01-02 03:00"), GUIDE_TO_THE_END),
            # a leaflet's link, then a question found and one not found
            Conversation(
                "zalo",
                "u-b",
                at("2026-01-06 02:00"),
                [("start", PROCEDURE_ID), ("type", "thủ tục mẫu"), ("type", "Xin giấy phép bay!")],
            ),
            # 23:00 on 31 March in Hà Nội: still the first quarter
            Conversation(
                "telegram", "u-c", at("2026-03-31 16:00"), [("start", ""), ("type", "xin giay phep bay")]
            ),
            # 00:30 on 1 April in Hà Nội: the second quarter
            Conversation("web", "u-d", at("2026-03-31 17:30"), [("start", "")]),
            # midnight on 1 January in Hà Nội, from a leaflet that printed the national code
            Conversation("zalo", "u-e", at("2025-12-31 17:00"), [("start", PROCEDURE_CODE)]),
        )
    ]


BEN_NGHE, TAN_PHU = "Phường Bến Nghé", "Xã Tân Phú"


def handoff(
    created: str,
    ward: str,
    status: str,
    in_hours: bool,
    claimed: str | None = None,
    closed: str | None = None,
    closed_by: str | None = None,
    rating: int | None = None,
) -> dict[str, Any]:
    return {
        "channel": "zalo",
        "user_id": f"someone-{created}",
        "ward": ward,
        "procedure": None,
        "origin": None,
        "status": status,
        "created_at": at(created),
        "in_hours": in_hours,
        "acked": True,
        "claimed_at": at(claimed) if claimed else None,
        "claimed_by": "Cán bộ" if claimed else None,
        "closed_at": at(closed) if closed else None,
        "closed_by": closed_by,
        "rating_pending": False,
        "rating": rating,
        "rated_at": at(closed) if rating and closed else None,
    }


KNOWN_HANDOFFS = [
    handoff(
        "2026-01-05 02:00", BEN_NGHE, "closed", True, "2026-01-05 02:10", "2026-01-05 02:30", "person", 5
    ),
    # asked at night: waited 13 h 30 for the office to open
    handoff("2026-02-01 12:00", BEN_NGHE, "closed", False, "2026-02-02 01:30", "2026-02-02 02:00", "citizen"),
    handoff("2026-03-03 03:00", TAN_PHU, "active", True, "2026-03-03 03:04"),
    handoff("2026-03-20 04:00", TAN_PHU, "waiting", True),
    handoff("2026-04-02 04:00", TAN_PHU, "waiting", True),  # the next quarter
]


async def build_database(url: str) -> None:
    """A migrated database holding the known quarter: conversations, feedback and handoffs."""
    from bot.storage.sql.store import SqlStore
    from bot.storage.tables_handoff import Handoff

    store = await SqlStore.open(url, migrate=True)
    try:
        await insert_history(store.engine, known_conversations())
        async with store.engine.begin() as conn:
            await conn.execute(insert(Handoff), KNOWN_HANDOFFS)
    finally:
        await store.close()
