"""ConversationState: a faithful JSON round-trip, and a safe reading of anything else."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.domain.state import HISTORY_LIMIT, ConversationState, Frame, Position


def full_state() -> ConversationState:
    state = ConversationState(
        stack=[Frame("online", "choose", {}), Frame("find", "pick", {"query": "khai sinh"}, walk_index=2)],
        procedure="khai-sinh",
        matches=["khai-sinh", "ket-hon"],
        decision="choose",
        walk_help=True,
        offered=["p:khai-sinh", "find.pick.none_fit", "menu"],
        turns=7,
    )
    state.history = [Position(stack=[Frame("menu", "choose")]), state.position()]
    return state


def test_round_trip_through_json_text() -> None:
    state = full_state()
    again = ConversationState.from_json(json.loads(json.dumps(state.to_json())))
    assert again == state
    assert (again.flow, again.step, again.slots) == ("find", "pick", {"query": "khai sinh"})


def test_a_new_state_round_trips_too() -> None:
    assert ConversationState.from_json(ConversationState().to_json()) == ConversationState()


@pytest.mark.parametrize("data", [None, [], "state", 42, {}, {"v": 99}, {"stack": "menu"}])
def test_unreadable_data_gives_a_new_conversation(data: Any) -> None:
    state = ConversationState.from_json(data)
    assert state.stack == [] and state.flow == "" and state.history == []


def test_unknown_and_mistyped_content_falls_back_field_by_field() -> None:
    data = full_state().to_json()
    data.update(
        {
            "future_field": {"x": 1},
            "procedure": 12,
            "matches": ["ket-hon", 3, None],
            "decision": "maybe",
            "walk_help": "yes",
            "offered": "menu",
            "turns": True,
        }
    )
    data["stack"][1]["slots"] = {"query": "khai sinh", "n": 4}
    data["stack"][1]["walk"] = -1
    state = ConversationState.from_json(data)
    assert state.stack == [Frame("online", "choose"), Frame("find", "pick", {"query": "khai sinh"})]
    assert (state.procedure, state.matches, state.decision) == (None, ["ket-hon"], None)
    assert (state.walk_help, state.offered, state.turns) == (False, [], 0)


def test_a_broken_frame_drops_the_whole_stack_rather_than_keep_wrong_callers() -> None:
    data = full_state().to_json()
    data["stack"][0] = {"flow": "online"}  # no step: where would the call return to?
    state = ConversationState.from_json(data)
    assert state.stack == []
    assert state.procedure == "khai-sinh"  # what is still readable is kept


def test_history_is_capped_when_remembering_and_when_reading() -> None:
    state = ConversationState(stack=[Frame("menu", "choose")])
    for n in range(HISTORY_LIMIT + 5):
        state.remember(Position(stack=[Frame("menu", f"s{n}")]))
    assert len(state.history) == HISTORY_LIMIT
    assert state.history[0].stack[0].step == "s5"
    data = state.to_json()
    data["history"] = data["history"] * 2 + [{"stack": []}, "junk"]
    assert len(ConversationState.from_json(data).history) == HISTORY_LIMIT


def test_a_remembered_position_does_not_change_with_the_state() -> None:
    state = full_state()
    remembered = state.position()
    state.stack[-1].slots["query"] = "kết hôn"
    state.stack[-1].step = "search"
    state.matches.append("ly-hon")
    assert remembered.stack[-1].slots == {"query": "khai sinh"}
    assert remembered.stack[-1].step == "pick"
    assert remembered.matches == ["khai-sinh", "ket-hon"]
    state.restore(remembered)
    assert (state.step, state.matches) == ("pick", ["khai-sinh", "ket-hon"])


def test_the_saved_form_is_small_and_plain() -> None:
    data = ConversationState(stack=[Frame("menu", "choose")], offered=["menu.choose.find"]).to_json()
    assert data == {
        "stack": [{"flow": "menu", "step": "choose"}],
        "v": 1,
        "offered": ["menu.choose.find"],
        "history": [],
        "turns": 0,
    }
