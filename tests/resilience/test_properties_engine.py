"""Properties of the engine over any sequence of messages, on the real content.

A conversation here is what the service does with it: each turn's state is saved as JSON and read back
for the next (ConversationState.to_json / from_json), and citizens type anything, press buttons from any
message (also old ones, or ids that never existed), and follow deep links. Whatever they do:

- every turn answers, and leaves a state whose current step is one flows.yaml has, that offers exactly
  the buttons of its last message, and that survives the JSON round trip unchanged;
- a state read back from storage behaves like the one that was saved;
- typing any word of the "menu" command, however it is spelled, or pressing its button, reaches the menu;
- a saved state that is garbage (a bot upgrade, a hand-edited row) is read without an error.
"""

from __future__ import annotations

import json
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.content.model import Content
from bot.domain.flows.model import END
from bot.domain.messages import Incoming
from bot.domain.state import HISTORY_LIMIT, MAX_STACK, ConversationState
from bot.domain.text import strip_marks
from tests.resilience.support import content

PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
MAX_MESSAGE_CHARS = 2000  # the engine keeps each message within what every channel takes


def _typed_commands() -> list[str]:
    return [word for command in content().flows.commands.values() for word in command.words]


PROCEDURE_IDS = sorted(content().catalogue)[:12]
moves = st.one_of(
    st.tuples(st.just("offered"), st.integers(0, 9)),
    st.tuples(
        st.just("press"), st.sampled_from(["menu", "back", "restart", "p:khai-sinh", "nope", "x" * 64, ""])
    ),
    st.tuples(st.just("type"), st.sampled_from(_typed_commands())),
    st.tuples(
        st.just("type"), st.sampled_from(["khai sinh", "lam cccd", "ket hon", "xong", "có", "ko", "1", ""])
    ),
    st.tuples(st.just("type"), st.text(max_size=60)),
    st.tuples(st.just("start"), st.sampled_from(["", *PROCEDURE_IDS, "1.001193", "không-có"])),
    st.tuples(st.just("other"), st.sampled_from(["image", "sticker", ""])),
)


def _incoming(kind: str, value: object, state: ConversationState | None) -> Incoming:
    if kind == "offered":
        offered = state.offered if state is not None else []
        return Incoming.pressed(offered[int(str(value)) % len(offered)]) if offered else Incoming.started()
    if kind == "press":
        return Incoming.pressed(str(value))
    if kind == "type":
        return Incoming.typed(str(value))
    if kind == "start":
        return Incoming.started(str(value))
    return Incoming.unsupported(str(value))


def assert_valid(real: Content, state: ConversationState, last_buttons: list[str]) -> None:
    assert state.stack and len(state.stack) <= MAX_STACK
    *callers, top = state.stack
    assert real.flows.step(top.flow, top.step) is not None, (top.flow, top.step)
    for frame in callers:  # where a caller resumes: one of its steps, or its end once the call returns
        assert frame.step == END or real.flows.step(frame.flow, frame.step) is not None, frame
    assert state.offered == last_buttons
    assert state.procedure is None or state.procedure in real.catalogue
    assert len(state.history) <= HISTORY_LIMIT
    saved = json.loads(json.dumps(state.to_json(), ensure_ascii=False))  # as a JSON column returns it
    assert ConversationState.from_json(saved) == state


@PROPERTY_SETTINGS
@given(st.lists(moves, min_size=1, max_size=30))
def test_any_conversation_keeps_a_valid_state(script: list[tuple[str, object]]) -> None:
    real = content()
    saved: dict[str, object] | None = None
    for kind, value in script:
        state = ConversationState.from_json(saved) if saved is not None else None
        turn = real.engine.handle(state, _incoming(kind, value, state))

        assert turn.replies, "every message gets an answer"
        assert all(0 < len(reply.text) <= MAX_MESSAGE_CHARS for reply in turn.replies)
        assert_valid(real, turn.state, [button.id for button in turn.replies[-1].buttons])
        saved = json.loads(json.dumps(turn.state.to_json()))


@PROPERTY_SETTINGS
@given(st.lists(moves, min_size=1, max_size=20), moves)
def test_a_state_read_back_from_storage_answers_like_the_one_saved(
    script: list[tuple[str, object]], last: tuple[str, object]
) -> None:
    real = content()
    state: ConversationState | None = None
    for kind, value in script:
        state = real.engine.handle(state, _incoming(kind, value, state)).state
    assert state is not None
    incoming = _incoming(*last, state)
    stored = ConversationState.from_json(json.loads(json.dumps(state.to_json())))

    kept, reloaded = real.engine.handle(state, incoming), real.engine.handle(stored, incoming)

    assert kept.replies == reloaded.replies
    assert kept.state.to_json() == reloaded.state.to_json()


@PROPERTY_SETTINGS
@given(st.lists(moves, max_size=25), st.sampled_from(content().flows.commands["menu"].words), st.randoms())
def test_menu_always_reaches_the_menu(
    script: list[tuple[str, object]], word: str, rng: random.Random
) -> None:
    real = content()
    state: ConversationState | None = None
    for kind, value in script:
        state = real.engine.handle(state, _incoming(kind, value, state)).state
    spelled = rng.choice([word, word.upper(), strip_marks(word), f"  {word.title()} "])
    home = real.flows.resolve("", real.flows.settings.home)

    typed = real.engine.handle(state, Incoming.typed(spelled))
    pressed = real.engine.handle(state, Incoming.pressed("menu"))

    assert (typed.state.flow, typed.state.step) == home, spelled
    assert (pressed.state.flow, pressed.state.step) == home


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
state_like = st.fixed_dictionaries(
    {},
    optional={
        "v": json_values,
        "stack": st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "flow": st.sampled_from([*content().flows.flows, "gone", ""]) | json_values,
                    "step": st.text(max_size=12) | json_values,
                    "slots": json_values,
                    "walk": st.integers(-5, 50) | json_values,
                },
            ),
            max_size=12,
        )
        | json_values,
        "procedure": st.sampled_from([*PROCEDURE_IDS, "gone"]) | json_values,
        "matches": json_values,
        "offered": json_values,
        "history": json_values,
        "turns": json_values,
    },
)


@PROPERTY_SETTINGS
@given(st.one_of(state_like, json_values), moves)
def test_a_garbled_saved_state_is_read_without_an_error(saved: object, move: tuple[str, object]) -> None:
    real = content()
    state = ConversationState.from_json(saved)

    turn = real.engine.handle(state, _incoming(*move, state))

    assert turn.replies
    assert_valid(real, turn.state, [button.id for button in turn.replies[-1].buttons])
