"""Global commands, "quay lại", stale buttons, deep links, questions mid-flow and the never-dead-end rule,
on the real flows.yaml. Command words are taken from the file and typed the ways citizens type them."""

from __future__ import annotations

from collections import deque

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.content.model import Content
from bot.domain.flows.model import Flows
from bot.domain.messages import Incoming
from bot.domain.state import ConversationState
from bot.domain.text import strip_marks
from tests.helpers import Chat


def typings(word: str) -> list[str]:
    """How citizens type a command: as written, without diacritics, in capitals, with a slash or a '!'."""
    return [word, strip_marks(word), word.upper(), f"/{strip_marks(word)}", f"{word.capitalize()}!"]


def words_of(flows: Flows, name: str) -> list[str]:
    return [typed for word in flows.commands[name].words for typed in typings(word)]


def in_the_middle(chat: Chat) -> None:
    """A citizen halfway through the online steps of khai-sinh."""
    chat.start("khai-sinh")
    chat.press("overview.next_steps.online")
    chat.press("online.steps.next")
    assert chat.where == ("online", "steps")


def test_menu_in_every_typing(real_content: Content) -> None:
    for typed in words_of(real_content.flows, "menu"):
        chat = Chat(real_content.engine)
        in_the_middle(chat)
        chat.type(typed)
        assert chat.where == ("menu", "choose"), typed
        assert chat.state is not None and len(chat.state.stack) == 1


def test_back_in_every_typing(real_content: Content) -> None:
    for typed in words_of(real_content.flows, "back"):
        chat = Chat(real_content.engine)
        in_the_middle(chat)
        before = chat.turns[-2].replies
        chat.type(typed)
        assert chat.replies == before, typed


def test_restart_in_every_typing(real_content: Content) -> None:
    welcome = Chat(real_content.engine).start().replies
    for typed in words_of(real_content.flows, "restart"):
        chat = Chat(real_content.engine)
        in_the_middle(chat)
        chat.type(typed)
        assert chat.replies == welcome, typed
        assert chat.state is not None and chat.state.procedure is None and len(chat.state.history) == 1


def test_official_in_every_typing_keeps_the_place(real_content: Content) -> None:
    for typed in words_of(real_content.flows, "official"):
        chat = Chat(real_content.engine)
        in_the_middle(chat)
        chat.type(typed)
        assert chat.where == ("contact", "options"), typed
        assert real_content.catalogue["khai-sinh"].contact.office in chat.text
        chat.press("contact.options.resume")
        assert chat.where == ("online", "steps")
        assert chat.replies[-1].text.startswith("Bước 2/")


def test_help_in_every_typing(real_content: Content) -> None:
    for typed in words_of(real_content.flows, "help"):
        chat = Chat(real_content.engine)
        in_the_middle(chat)
        chat.type(typed)
        assert chat.where == ("help", "about"), typed


def test_commands_work_as_buttons_too(chat: Chat, real_content: Content) -> None:
    in_the_middle(chat)
    chat.press("help")
    assert chat.where == ("help", "about")
    chat.press("menu")
    assert chat.where == ("menu", "choose")
    chat.press("restart")
    assert chat.where == ("menu", "choose") and chat.state is not None and len(chat.state.history) == 1


def test_back_goes_exactly_where_the_citizen_was_step_by_step(chat: Chat) -> None:
    chat.start("khai-sinh")
    chat.press("overview.next_steps.online")
    chat.press("online.steps.next")
    chat.press("online.steps.stuck")
    shown = [turn.replies for turn in chat.turns]
    for expected in reversed(shown[:-1]):
        chat.type("quay lại")
        assert chat.replies == expected
        assert chat.state is not None and chat.state.offered == [b.id for b in expected[-1].buttons]


def test_back_at_the_very_beginning(chat: Chat, real_content: Content) -> None:
    chat.start()
    chat.type("quay lại")
    assert chat.replies[0].text == real_content.flows.messages.at_beginning
    assert chat.where == ("menu", "choose")


def test_an_old_button_gets_a_gentle_reply_and_the_current_step(chat: Chat, real_content: Content) -> None:
    in_the_middle(chat)
    current = chat.replies[-1]
    chat.press("menu.choose.track")  # from the first message of the conversation
    assert [r.text for r in chat.replies] == [real_content.flows.messages.stale_button, current.text]
    assert chat.replies[-1].buttons == current.buttons
    chat.press("some-other-conversation:42")
    assert chat.replies[0].text == real_content.flows.messages.stale_button


def test_a_deep_link_opens_the_overview_even_mid_conversation(chat: Chat, real_content: Content) -> None:
    in_the_middle(chat)
    chat.start("ket-hon")
    assert chat.where == ("overview", "next_steps")
    assert chat.state is not None and chat.state.procedure == "ket-hon"
    assert real_content.catalogue["ket-hon"].name in chat.text


@pytest.mark.parametrize("payload", ["", "khong-ton-tai"])
def test_a_deep_link_without_a_known_procedure_shows_the_welcome(chat: Chat, payload: str) -> None:
    chat.start(payload)
    assert chat.where == ("menu", "choose")
    assert chat.state is not None and chat.state.procedure is None


def test_a_question_mid_flow_is_answered(chat: Chat, real_content: Content) -> None:
    chat.start()
    chat.press("menu.choose.account")
    chat.press("account.choose.trouble")
    result = real_content.index.search("đăng ký kết hôn")
    assert result.decision == "match"
    chat.type("đăng ký kết hôn")
    assert chat.last.trace.search_decision == "match"
    assert chat.state is not None and chat.state.procedure == result.matches[0].id
    assert chat.where == ("overview", "next_steps")
    chat.type("quay lại")
    assert chat.where == ("account", "trouble")


def test_the_first_message_of_a_conversation_can_be_a_question(chat: Chat, real_content: Content) -> None:
    chat.type("làm lý lịch tư pháp")
    assert chat.last.trace.search_decision == "match"
    assert chat.where == ("overview", "next_steps")


def test_text_where_text_is_expected_is_an_answer_not_a_question(chat: Chat) -> None:
    chat.start()
    chat.press("menu.choose.track")
    chat.press("track.more.done")
    chat.press("feedback.helpful.not_useful")
    chat.type("đăng ký kết hôn")  # a comment that happens to name a procedure
    assert chat.last.trace.search_decision is None
    assert chat.last.trace.feedback == (False, "đăng ký kết hôn")


def test_phone_and_id_numbers_never_reach_the_state(chat: Chat) -> None:
    chat.start()
    chat.type("số cccd của tôi là 079123456789, sđt 0912345678, làm khai sinh")
    saved = str(chat.state.to_json() if chat.state else "")
    assert "079123456789" not in saved and "0912345678" not in saved


def test_every_waiting_message_offers_a_way_on(real_content: Content) -> None:
    """Press every button of every message reachable from a few starts; no message may be a dead end."""
    engine = real_content.engine
    starts = [Incoming.started(), Incoming.started("khai-sinh"), Incoming.started("tro-cap-xa-hoi")]
    starts += [Incoming.typed("khai sinh"), Incoming.started("can-cuoc")]
    queue: deque[tuple[ConversationState | None, Incoming]] = deque((None, s) for s in starts)
    seen: set[str] = set()
    turns = 0
    while queue and turns < 1500:
        state, incoming = queue.popleft()
        turn = engine.handle(state, incoming)
        turns += 1
        last = turn.replies[-1]
        assert last.buttons, f"dead end at {turn.trace.flow}.{turn.trace.step}"
        if turn.trace.flow != real_content.flows.settings.home:
            assert "menu" in [b.id for b in last.buttons], f"no menu at {turn.trace.flow}.{turn.trace.step}"
        for button in last.buttons:
            assert button.id.isascii() and len(button.id.encode()) <= 64
            key = f"{turn.trace.flow}.{turn.trace.step}.{turn.state.procedure}.{button.id}"
            if key not in seen and button.id not in ("back", "restart"):
                seen.add(key)
                queue.append((turn.state, Incoming.pressed(button.id)))
    assert turns > 100  # the walk really went through the flows


ACTIONS = st.one_of(
    st.tuples(st.just("press_offered"), st.integers(min_value=0, max_value=9)),
    st.tuples(
        st.just("press"), st.sampled_from(["menu.choose.find", "p:khai-sinh", "online.steps.next", "x" * 64])
    ),
    st.tuples(
        st.just("type"), st.sampled_from(["quay lại", "menu", "bắt đầu lại", "trợ giúp", "gặp cán bộ", ""])
    ),
    st.tuples(st.just("type"), st.text(max_size=40)),
    st.tuples(st.just("type"), st.sampled_from(["khai sinh", "kết hôn", "cccd 012345678901", "xong", "có"])),
    st.tuples(st.just("start"), st.sampled_from(["", "khai-sinh", "tro-cap-xa-hoi", "1.001193", "nope"])),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=st.lists(ACTIONS, min_size=1, max_size=25))
def test_any_sequence_of_messages_gets_an_answer_with_a_way_on(
    real_content: Content, actions: list[tuple[str, object]]
) -> None:
    chat = Chat(real_content.engine)
    for kind, value in actions:
        if kind == "press_offered":
            ids = chat.button_ids if chat.turns else []
            chat.press(ids[int(str(value)) % len(ids)] if ids else "menu")
        elif kind == "press":
            chat.press(str(value))
        elif kind == "type":
            chat.type(str(value))
        else:
            chat.start(str(value))
        assert chat.replies and chat.replies[-1].buttons
        assert chat.state is not None
        assert ConversationState.from_json(chat.state.to_json()) == chat.state
        assert "012345678901" not in str(chat.state.to_json())
