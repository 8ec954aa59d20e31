"""Engine mechanics on small inline flows: moving, calling, walking, waiting, remembering, recovering."""

from __future__ import annotations

import pytest

from bot.content.yamlsource import parse_yaml
from bot.domain.catalogue import Catalogue, Procedure
from bot.domain.engine.core import Engine
from bot.domain.flows.model import Flows
from bot.domain.messages import MESSAGE_LIMIT, Incoming
from bot.domain.state import MAX_STACK, ConversationState, Frame
from tests.helpers import (
    BASE_FLOWS,
    FLOWS_HEADER,
    Chat,
    flows_text,
    make_catalogue,
    make_index,
    make_procedure,
    parse_flows,
)

MECHANICS = flows_text(
    """\
  guide:
    title: Hướng dẫn từng bước
    steps:
      - id: intro
        say: "Hướng dẫn {procedure.short_name}."
      - id: steps
        walk: procedure.online_steps
        text: "Bước {list.number}/{list.total}: {item.title}"
        continue_button: Tiếp
        stuck_button: Khó
        help: "Gợi ý: {item.help}"
        no_help: Chưa có gợi ý.
        buttons:
          - {id: desk, label: Hỏi cán bộ, call: helpdesk}
        done: finished
      - id: finished
        ask: Xong rồi.
        buttons:
          - {id: rate, label: Đánh giá, call: rating}
          - {id: postal, label: Bưu điện, goto: postal}
  helpdesk:
    title: Hỏi cán bộ
    steps:
      - id: info
        ask: "Gọi {procedure.contact.hotline}."
        buttons:
          - {id: resume, label: Tiếp tục, goto: end}
  rating:
    title: Đánh giá
    steps:
      - id: helpful
        ask: Có ích không?
        save: helpful
        buttons:
          - {id: useful, label: Có, goto: record, words: [ok, "được"]}
          - {id: not_useful, label: Không, goto: comment}
      - id: comment
        ask: Góp ý thêm?
        text: {save: comment, goto: record}
        buttons:
          - {id: skip, label: Bỏ qua, goto: record}
      - id: record
        feedback:
          helpful: answers.helpful == "useful"
          comment: "{answers.comment}"
      - id: thank_you
        say: Cảm ơn!
  chain:
    title: Gọi ở bước cuối cùng
    steps:
      - id: first
        say: Trước khi gọi.
      - id: last_call
        call: helpdesk
  hop:
    title: Gọi rồi sang kịch bản khác
    steps:
      - id: hop_call
        call: helpdesk
        next: rating
  postal:
    title: Bưu điện
    steps:
      - id: result
        branch:
          - when: procedure.postal.return_result
            goto: yes_post
        else: no_post
        unknown: not_known
      - id: yes_post
        ask: Có trả qua bưu điện.
        buttons: [{id: ok, label: Được, goto: end}]
      - id: no_post
        ask: Không trả qua bưu điện.
        buttons: [{id: ok, label: Được, goto: end}]
      - id: not_known
        ask: Chưa rõ.
        buttons: [{id: ok, label: Được, goto: end}]
""",
    header=FLOWS_HEADER.replace("procedure: overview", "procedure: guide").replace(
        "commands:\n", 'commands:\n  desk: {words: ["hỏi cán bộ"], label: Cán bộ, call: helpdesk}\n'
    ),
    base=BASE_FLOWS.replace(
        "          - {id: find, label: Tìm, goto: find}\n",
        "          - {id: find, label: Tìm, goto: find}\n"
        "          - {id: guide, label: Hướng dẫn, goto: guide}\n"
        "          - {id: chain, label: Gọi cuối, goto: chain}\n"
        "          - {id: hop, label: Gọi rồi sang, goto: hop}\n",
    ),
)


@pytest.fixture
def flows() -> Flows:
    return parse_flows(MECHANICS)


def engine(flows: Flows, *procedures: Procedure) -> Engine:
    catalogue = make_catalogue(*procedures)
    return Engine(catalogue, make_index(catalogue), flows)


@pytest.fixture
def chat(flows: Flows) -> Chat:
    return Chat(engine(flows))


def test_a_new_conversation_starts_at_the_start_flow_and_remembers_its_buttons(chat: Chat) -> None:
    chat.start()
    assert chat.where == ("menu", "choose")
    assert chat.button_ids == [
        "menu.choose.find",
        "menu.choose.guide",
        "menu.choose.chain",
        "menu.choose.hop",
    ]
    assert chat.state is not None and chat.state.offered == chat.button_ids
    assert chat.last.trace.flow == "menu" and chat.last.trace.step == "choose"


def test_a_deep_link_opens_the_procedure_flow_by_id_or_code(flows: Flows) -> None:
    for payload in ("thu-tuc-mau", "1.000001"):
        chat = Chat(engine(flows))
        chat.start(payload)
        assert chat.state is not None and chat.state.procedure == "thu-tuc-mau"
        assert [r.text for r in chat.replies] == ["Hướng dẫn Thủ tục mẫu.", "Bước 1/2: Đăng nhập"]
        assert chat.where == ("guide", "steps")


@pytest.mark.parametrize("payload", ["", "khong-co", "../../etc"])
def test_a_deep_link_naming_nothing_shows_the_menu(chat: Chat, payload: str) -> None:
    chat.start(payload)
    assert chat.where == ("menu", "choose")
    assert chat.state is not None and chat.state.procedure is None


def test_a_walk_shows_one_item_at_a_time_then_moves_on(chat: Chat) -> None:
    chat.start("thu-tuc-mau")
    assert chat.button_ids == ["guide.steps.next", "guide.steps.stuck", "menu"]
    chat.press("guide.steps.stuck")
    assert chat.text == "Gợi ý: Hỏi Công an xã."
    assert chat.button_ids == ["guide.steps.next", "guide.steps.desk", "menu"]
    chat.press("guide.steps.next")
    assert chat.text == "Bước 2/2: Nộp hồ sơ"
    chat.press("guide.steps.stuck")
    assert chat.text == "Chưa có gợi ý."  # this item has no help: the fallback, not an empty message
    chat.press("guide.steps.next")
    assert chat.where == ("guide", "finished")
    assert chat.state is not None and chat.state.frame is not None and chat.state.frame.walk_index == 0


def test_a_walk_over_an_empty_list_goes_straight_to_done(flows: Flows) -> None:
    offline = make_procedure(id="offline", level=2, channels={"online": False}, online_steps=[])
    chat = Chat(engine(flows, offline))
    chat.start("offline")
    assert [r.text for r in chat.replies] == ["Hướng dẫn Thủ tục mẫu.", "Xong rồi."]


def test_a_call_comes_back_to_the_same_item(chat: Chat) -> None:
    chat.start("thu-tuc-mau")
    chat.press("guide.steps.next")
    chat.press("guide.steps.stuck")
    chat.press("guide.steps.desk")
    assert chat.where == ("helpdesk", "info")
    assert chat.text == "Gọi 1900 0000."
    assert chat.state is not None and [f.flow for f in chat.state.stack] == ["guide", "helpdesk"]
    chat.press("helpdesk.info.resume")
    assert chat.where == ("guide", "steps")
    assert chat.text == "Bước 2/2: Nộp hồ sơ"


def test_a_call_as_the_last_step_ends_its_flow_when_the_called_one_does(chat: Chat) -> None:
    chat.start("thu-tuc-mau")
    chat.press("menu")
    chat.press("menu.choose.chain")
    assert chat.where == ("helpdesk", "info")
    chat.press("helpdesk.info.resume")
    assert chat.where == ("menu", "choose")


def test_a_call_can_continue_in_another_flow(chat: Chat) -> None:
    chat.start()
    chat.press("menu.choose.hop")
    chat.press("helpdesk.info.resume")
    assert chat.where == ("rating", "helpful")
    assert chat.state is not None and len(chat.state.stack) == 1


def test_the_menu_button_is_offered_everywhere_but_home(chat: Chat) -> None:
    chat.start()
    assert "menu" not in chat.button_ids
    chat.press("menu.choose.guide")
    assert chat.button_ids[-1] == "menu"
    chat.press("menu")
    assert chat.where == ("menu", "choose")


def test_feedback_with_a_typed_comment_is_recorded_once_and_masked(chat: Chat) -> None:
    chat.start("thu-tuc-mau")
    chat.press("guide.steps.next")
    chat.press("guide.steps.next")
    chat.press("guide.finished.rate")
    chat.press("rating.helpful.not_useful")
    assert chat.where == ("rating", "comment")
    chat.type("Số 012345678901 của tôi bị báo sai")
    assert chat.last.trace.feedback == (False, "Số [CCCD] của tôi bị báo sai")
    assert chat.text == "Cảm ơn!\n\nXong rồi."  # the rating flow ended: back where it was called
    assert "012345678901" not in str(chat.state.to_json() if chat.state else "")
    chat.type("quay lại")  # re-showing the comment step records nothing twice
    assert chat.last.trace.feedback is None


def test_a_typed_label_or_word_presses_the_button(chat: Chat) -> None:
    chat.start("thu-tuc-mau")
    chat.type("TIẾP")
    assert chat.text == "Bước 2/2: Nộp hồ sơ"
    chat.type("tiep")
    chat.press("guide.finished.rate")
    chat.type("Được!")
    assert chat.last.trace.feedback == (True, "")


def test_a_stale_button_gets_a_gentle_word_and_the_same_step(chat: Chat, flows: Flows) -> None:
    chat.start()
    before = chat.state.to_json() if chat.state else {}
    chat.press("guide.steps.next")
    assert chat.replies[0].text == flows.messages.stale_button
    assert chat.where == ("menu", "choose")
    assert chat.button_ids[:2] == ["menu.choose.find", "menu.choose.guide"]
    after = chat.state.to_json() if chat.state else {}
    assert (after["history"], after["offered"]) == (before["history"], before["offered"])


def test_an_empty_message_asks_for_text(chat: Chat, flows: Flows) -> None:
    chat.start()
    chat.type("   ")
    assert [r.text for r in chat.replies] == [flows.messages.not_text, "Chọn một mục"]


def test_branch_unknown_has_its_own_target(flows: Flows) -> None:
    cases = {True: "yes_post", False: "no_post", None: "not_known"}
    for value, step in cases.items():
        procedure = make_procedure(postal={"return_result": value})
        chat = Chat(engine(flows, procedure))
        chat.start("thu-tuc-mau")
        chat.press("guide.steps.next")
        chat.press("guide.steps.next")
        chat.press("guide.finished.postal")
        assert chat.where == ("postal", step)


def test_a_long_message_is_split_for_the_channel_and_keeps_buttons_last(flows: Flows) -> None:
    wordy = make_procedure(contact={"hotline": "số " * 1200})
    chat = Chat(engine(flows, wordy))
    chat.start("thu-tuc-mau")
    chat.press("desk")
    assert len(chat.replies) >= 2
    assert all(len(r.text) <= MESSAGE_LIMIT for r in chat.replies)
    assert all(not r.buttons for r in chat.replies[:-1])
    assert chat.replies[-1].buttons


def test_a_typed_question_goes_to_the_search(flows: Flows) -> None:
    procedures = [
        make_procedure(id="khai-sinh", code="1.001193", name="Đăng ký khai sinh", short_name="Khai sinh"),
        make_procedure(id="ket-hon", code="1.000894", name="Đăng ký kết hôn", short_name="Kết hôn"),
    ]
    catalogue = Catalogue(procedures)
    index = make_index(catalogue)
    for query in ("đăng ký khai sinh", "đăng ký", "sửa xe máy"):
        chat = Chat(Engine(catalogue, index, flows))
        chat.start()
        chat.type(query)
        result = index.search(query, limit=5)
        assert chat.last.trace.search_decision == result.decision
        if result.decision == "choose":
            assert chat.where == ("find", "pick")
            assert chat.state is not None and chat.state.slots == {"query": query}
            assert chat.button_ids[: len(result.matches)] == [f"p:{m.id}" for m in result.matches]
            chat.press(f"p:{result.matches[-1].id}")
            assert chat.state is not None and chat.state.procedure == result.matches[-1].id
        elif result.decision == "match":
            assert chat.state is not None and chat.state.procedure == result.matches[0].id
            assert chat.replies[0].text == catalogue[result.matches[0].id].name
        else:  # the find flow says so and ends: back to the menu
            assert [r.text for r in chat.replies] == ["Không thấy", "Chọn một mục"]
    decisions = {index.search(q, limit=5).decision for q in ("đăng ký khai sinh", "đăng ký", "sửa xe máy")}
    assert decisions == {"match", "choose", "none"}, "the queries no longer cover every decision"


def test_back_shows_exactly_what_was_shown_before(chat: Chat, flows: Flows) -> None:
    chat.start("thu-tuc-mau")
    first = chat.replies
    chat.press("guide.steps.next")
    second = chat.replies
    chat.press("guide.steps.stuck")
    chat.type("quay lại")
    assert chat.replies == second
    chat.type("Quay Lai")
    assert chat.replies == first
    chat.press("back")
    assert chat.replies[0].text == flows.messages.at_beginning
    assert chat.replies[1:] == first[-1:]


def test_restart_forgets_everything(chat: Chat) -> None:
    chat.start("thu-tuc-mau")
    chat.type("bắt đầu lại")
    assert chat.where == ("menu", "choose")
    assert chat.state is not None and chat.state.procedure is None and len(chat.state.history) == 1


def test_calls_nest_only_so_deep(chat: Chat) -> None:
    chat.start("thu-tuc-mau")
    for _ in range(MAX_STACK + 3):
        chat.press("desk")
    assert chat.state is not None and len(chat.state.stack) <= MAX_STACK


def test_history_stays_capped(chat: Chat) -> None:
    chat.start()
    for _ in range(40):
        chat.press("menu.choose.guide")
        chat.press("menu")
    assert chat.state is not None and len(chat.state.history) == 30


def test_the_given_state_is_not_changed(flows: Flows) -> None:
    eng = engine(flows)
    state = eng.handle(None, Incoming.started()).state
    saved = state.to_json()
    eng.handle(state, Incoming.pressed("menu.choose.guide"))
    assert state.to_json() == saved


@pytest.mark.parametrize(
    ("stack", "where"),
    [
        ([Frame("gone", "nowhere")], ("menu", "choose")),  # the flow was removed: the menu
        ([Frame("rating", "gone")], ("rating", "helpful")),  # the step was removed: its flow again
        ([Frame("rating", "record")], ("rating", "helpful")),  # no longer a waiting step
    ],
)
def test_a_saved_place_that_no_longer_exists_restarts_gently(
    chat: Chat, flows: Flows, stack: list[Frame], where: tuple[str, str]
) -> None:
    chat.state = ConversationState(stack=stack, offered=["x"])
    chat.press("x")
    assert chat.replies[0].text == flows.messages.content_changed
    assert chat.where == where


def test_a_procedure_removed_from_the_catalogue_is_forgotten(chat: Chat, flows: Flows) -> None:
    chat.state = ConversationState(stack=[Frame("menu", "choose")], procedure="da-bo")
    chat.type("menu")
    assert chat.replies[0].text == flows.messages.content_changed
    assert chat.state is not None and chat.state.procedure is None


def test_content_that_loops_does_not_crash_the_engine() -> None:
    looping = MECHANICS.replace(
        "      - id: choose\n        ask: Chọn một mục\n",
        "      - id: spin\n        goto: choose\n      - id: choose\n        goto: spin\n      - id: never\n"
        "        ask: Chọn một mục\n",
    )
    flows = Flows.model_validate(parse_yaml(looping, "flows.yaml").data)  # skipping validation on purpose
    turn = engine(flows).handle(None, Incoming.started())
    assert [r.text for r in turn.replies] == [flows.messages.content_changed]
