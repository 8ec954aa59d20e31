"""The engine's side of a handoff, on small inline flows: a `handoff` step asks for a person (in the
turn's trace, the engine stays pure), "stuck" twice on one walk item offers one, `resume` goes on after
the person, and nothing re-queues a citizen by accident. Then the validation of the `handoff:` section."""

from __future__ import annotations

import pytest

from bot.content.flows_file import check_flows_text
from bot.content.model import Content
from bot.domain.engine.core import Engine
from bot.domain.messages import Incoming
from tests.helpers import Chat, flows_text, make_catalogue, make_index, make_procedure, parse_flows

HANDOFF = """\
handoff:
  ward: Phường Một
  wards: {tỉnh: Trung tâm tỉnh}
  hours:
    mon: ["07:30-11:30"]
  hours_text: sáng thứ Hai
  days: [thứ Hai, thứ Ba, thứ Tư, thứ Năm, thứ Sáu, thứ Bảy, Chủ nhật]
  leave: [menu]
  messages:
    open_now: "Đang làm việc ({hours})."
    closed_now: "Đã nghỉ ({hours}), mở lại {opens}."
    estimate: "Chờ khoảng {wait} ({count} lượt)."
    no_estimate: Chưa đủ số liệu.
    hotline: "Gọi {hotline}."
    no_hotline: Gọi Bộ phận Một cửa.
    waiting_ack: Đã ghi lại.
    claimed: Cán bộ đã nhận.
    person_says: "Cán bộ: {text}"
    released: Cán bộ đã xong.
    left: Đã dừng.
    unavailable: Kênh này không nối được.
    minutes: "{n} phút"
    hours_wait: "{n} giờ"
    opens_today: "{time} hôm nay"
    opens_later: "{time} {day}"
  rating:
    ask: Chấm điểm?
    thanks: Cảm ơn!
    options:
      - {value: 5, label: Tốt}
      - {value: 1, label: Chưa tốt}
"""

GUIDE = """\
  guide:
    title: Hướng dẫn từng bước
    steps:
      - id: steps
        walk: procedure.online_steps
        text: "Bước {list.number}/{list.total}: {item.title}"
        continue_button: Tiếp
        stuck_button: Khó
        help: "Gợi ý: {item.help}"
        no_help: Chưa có gợi ý.
        stuck_again: person
        done: finished
      - id: finished
        ask: Xong rồi.
        buttons:
          - {id: again, label: Làm lại, goto: steps}
  person:
    title: Gặp cán bộ
    steps:
      - id: offer
        ask: Nhắn cán bộ nhé?
        buttons:
          - {id: person, label: Nhắn, goto: queue}
          - {id: decline, label: Thôi, goto: end}
      - id: queue
        handoff: "Đã chuyển câu hỏi về {procedure.short_name} tới cán bộ."
        next: end
"""
TEXT = flows_text(GUIDE, top=HANDOFF).replace(
    '      - id: about\n        say: "{procedure.name}"\n', "      - id: about\n        goto: guide\n"
)


@pytest.fixture
def engine() -> Engine:
    catalogue = make_catalogue(make_procedure(), make_procedure(id="cap-tinh", agency={"level": "tỉnh"}))
    return Engine(catalogue, make_index(catalogue), parse_flows(TEXT))


def stuck_twice(chat: Chat, procedure: str = "thu-tuc-mau") -> None:
    chat.start(procedure)
    assert chat.where == ("guide", "steps")
    assert chat.button_ids == ["guide.steps.next", "guide.steps.stuck", "menu"]
    chat.press("guide.steps.stuck")
    assert chat.text == "Gợi ý: Hỏi Công an xã."
    assert chat.button_ids == ["guide.steps.next", "guide.steps.stuck", "menu"]  # stuck again is offered
    chat.press("guide.steps.stuck")


def test_stuck_twice_on_one_item_offers_a_person(engine: Engine) -> None:
    chat = Chat(engine)
    stuck_twice(chat)
    assert chat.where == ("person", "offer")
    assert chat.last.trace.handoff is None  # offered, not asked for yet
    chat.press("person.offer.decline")
    assert chat.where == ("guide", "steps") and chat.text == "Bước 1/2: Đăng nhập"  # back on the same item


def test_typing_the_stuck_words_twice_counts_too(engine: Engine) -> None:
    chat = Chat(engine)
    chat.start("thu-tuc-mau")
    chat.type("khó")
    chat.type("Khó!")
    assert chat.where == ("person", "offer")


def test_stuck_once_per_item_does_not_offer_a_person(engine: Engine) -> None:
    chat = Chat(engine)
    chat.start("thu-tuc-mau")
    chat.press("guide.steps.stuck")
    chat.press("guide.steps.next")
    chat.press("guide.steps.stuck")
    assert chat.where == ("guide", "steps") and chat.text == "Chưa có gợi ý."


def test_asking_for_a_person_is_in_the_trace_with_ward_procedure_and_origin(engine: Engine) -> None:
    chat = Chat(engine)
    stuck_twice(chat)
    turn = chat.press("person.offer.person")
    request = turn.trace.handoff
    assert request is not None
    assert (request.ward, request.procedure, request.origin) == ("Phường Một", "thu-tuc-mau", "guide.steps")
    assert chat.where == ("person", "queue")
    assert chat.text == "Đã chuyển câu hỏi về Thủ tục mẫu tới cán bộ."
    assert chat.button_ids == ["menu"]  # the way out, never a dead end


def test_the_ward_follows_the_procedures_agency_level(engine: Engine) -> None:
    chat = Chat(engine)
    stuck_twice(chat, "cap-tinh")
    request = chat.press("person.offer.person").trace.handoff
    assert request is not None and request.ward == "Trung tâm tỉnh"


def test_resume_goes_on_after_the_person_back_to_the_same_item(engine: Engine) -> None:
    chat = Chat(engine)
    stuck_twice(chat)
    chat.press("person.offer.person")
    assert chat.state is not None
    turns_before = chat.state.turns
    turn = engine.resume(chat.state)
    assert (turn.state.flow, turn.state.step) == ("guide", "steps")
    assert [r.text for r in turn.replies] == ["Bước 1/2: Đăng nhập"]
    assert turn.trace.handoff is None
    assert turn.state.turns == turns_before  # not a turn of the citizen


def test_resume_elsewhere_shows_the_waiting_step_again(engine: Engine) -> None:
    chat = Chat(engine)
    chat.start("thu-tuc-mau")
    turn = engine.resume(chat.state)
    assert [r.text for r in turn.replies] == [chat.text] and turn.trace.handoff is None


def test_messages_at_a_finished_handoff_never_queue_again(engine: Engine) -> None:
    """Once the bot handles messages at the handoff step, the person is done: it goes on, never re-asks."""
    for incoming in ("sticker", "stale", "text"):
        chat = Chat(engine)
        stuck_twice(chat)
        chat.press("person.offer.person")
        if incoming == "sticker":
            turn = chat.send(Incoming.unsupported("sticker"))
        elif incoming == "stale":
            turn = chat.press("guide.steps.stuck")
        else:
            turn = chat.type("đăng ký khai sinh")
        assert turn.trace.handoff is None, incoming
        assert chat.where != ("person", "queue"), incoming


def test_going_back_over_a_handoff_does_not_queue_twice(engine: Engine) -> None:
    chat = Chat(engine)
    stuck_twice(chat)
    chat.press("person.offer.person")
    engine_turn = engine.resume(chat.state)
    chat.state = engine_turn.state
    chat.type("quay lại")
    assert chat.last.trace.handoff is None


def problems(text: str) -> list[str]:
    return [f"{p.line}: {p.field}: {p.message}" for p in check_flows_text(text, "flows.yaml")]


def test_a_handoff_step_needs_the_handoff_section() -> None:
    found = problems(flows_text(GUIDE))
    assert any("flows.person.steps.1.handoff" in p and "handoff: section" in p for p in found), found


def test_leave_must_name_commands() -> None:
    found = problems(TEXT.replace("leave: [menu]", "leave: [menu, thoat]"))
    assert len(found) == 1 and "handoff.leave.1" in found[0] and "no command named 'thoat'" in found[0]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (('mon: ["07:30-11:30"]', 'mon: ["11:30-07:30"]'), "handoff.hours", "ends before it starts"),
        (('mon: ["07:30-11:30"]', 'mon: ["7h30 sáng"]'), "handoff.hours", "not a period"),
        (('mon: ["07:30-11:30"]', 'mon: ["07:30-11:30", "11:00-12:00"]'), "handoff.hours", "overlap"),
        (('mon: ["07:30-11:30"]', "mon: []"), "handoff.hours", "at least one day"),
        (
            ("hours_text: sáng thứ Hai", "hours_text: sáng thứ Hai\n  timezone: Asia/Hanoi"),
            "handoff.timezone",
            "not a time zone",
        ),
        (
            ('open_now: "Đang làm việc ({hours})."', 'open_now: "Chờ {wait}."'),
            "handoff.messages.open_now",
            "{wait}",
        ),
        (("{value: 1, label: Chưa tốt}", "{value: 5, label: Chưa tốt}"), "handoff.rating", "same value"),
        (("days: [thứ Hai, ", "days: ["), "handoff.days", "7 weekday names"),
    ],
)
def test_the_handoff_section_is_checked_with_line_and_field(
    change: tuple[str, str], field: str, message: str
) -> None:
    old, new = change
    assert old in TEXT
    text = TEXT.replace(old, new)
    found = check_flows_text(text, "flows.yaml")
    assert len(found) == 1, found
    assert found[0].field == field and message in found[0].message, found[0]
    assert found[0].line > 0


def test_in_the_real_flows_stuck_twice_on_a_filing_step_offers_a_person(content: Content) -> None:
    chat = Chat(content.engine)
    chat.start("khai-sinh")
    chat.press("overview.next_steps.online")
    chat.press("online.steps.stuck")
    chat.press("online.steps.stuck")
    assert chat.where == ("handoff", "offer")
    request = chat.press("handoff.offer.person").trace.handoff
    assert request is not None and request.procedure == "khai-sinh" and request.origin == "online.steps"
    assert content.flows.handoff is not None and request.ward == content.flows.handoff.ward
