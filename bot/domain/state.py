"""Where one conversation stands, as plain data that survives a JSON round-trip.

The state is saved after every turn and read back on the next one, possibly by a newer version of the bot
with a different flows.yaml. So `from_json` never trusts what it reads: anything missing, mistyped or
unknown falls back to a safe default, and the engine then checks that the flow and step still exist.

A conversation is a stack of frames, one per running flow: `call` pushes a frame, `end` pops it. The top
frame's step is the one waiting for the citizen; a caller's step is where it resumes. `history` holds the
positions the citizen went through (capped), so "quay lại" can put them back exactly where they were.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

STATE_VERSION = 1
HISTORY_LIMIT = 30
MAX_STACK = 8  # calls nest at most this deep; a deeper call replaces the top frame instead


@dataclass
class Frame:
    flow: str
    step: str
    slots: dict[str, str] = field(default_factory=dict)  # this flow's answers (`save:`)
    walk_index: int = 0  # which item of the flow's walk step is shown

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"flow": self.flow, "step": self.step}
        if self.slots:
            out["slots"] = dict(self.slots)
        if self.walk_index:
            out["walk"] = self.walk_index
        return out

    @classmethod
    def from_json(cls, data: object) -> Frame | None:
        if not isinstance(data, dict):
            return None
        flow, step = data.get("flow"), data.get("step")
        if not isinstance(flow, str) or not isinstance(step, str) or not flow or not step:
            return None
        slots = data.get("slots")
        walk = data.get("walk", 0)
        return cls(
            flow=flow,
            step=step,
            slots={k: v for k, v in slots.items() if isinstance(k, str) and isinstance(v, str)}
            if isinstance(slots, dict)
            else {},
            walk_index=walk if isinstance(walk, int) and not isinstance(walk, bool) and walk >= 0 else 0,
        )


@dataclass
class Position:
    """Everything "quay lại" restores: the flows in progress and what the citizen had chosen."""

    stack: list[Frame] = field(default_factory=list)  # bottom first; the last frame is the current one
    procedure: str | None = None
    matches: list[str] = field(default_factory=list)  # procedure ids the last search found, best first
    decision: str | None = None  # the last search's decision: match | choose | none
    walk_help: bool = False  # the current walk step shows its item's help rather than the item

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"stack": [f.to_json() for f in self.stack]}
        if self.procedure:
            out["procedure"] = self.procedure
        if self.matches:
            out["matches"] = list(self.matches)
        if self.decision:
            out["decision"] = self.decision
        if self.walk_help:
            out["walk_help"] = True
        return out

    @classmethod
    def from_json(cls, data: object) -> Position:
        if not isinstance(data, dict):
            return cls()
        raw_stack = data.get("stack")
        frames = [Frame.from_json(item) for item in raw_stack] if isinstance(raw_stack, list) else []
        procedure, decision, matches = data.get("procedure"), data.get("decision"), data.get("matches")
        return cls(
            # a frame that cannot be read breaks the chain of callers: keep none rather than a wrong one
            stack=[f for f in frames if f is not None] if None not in frames else [],
            procedure=procedure if isinstance(procedure, str) and procedure else None,
            matches=[m for m in matches if isinstance(m, str)] if isinstance(matches, list) else [],
            decision=decision if decision in ("match", "choose", "none") else None,
            walk_help=data.get("walk_help") is True,
        )


@dataclass
class ConversationState(Position):
    offered: list[str] = field(default_factory=list)  # button ids the last waiting message offered
    history: list[Position] = field(default_factory=list)  # oldest first, at most HISTORY_LIMIT
    turns: int = 0
    privacy_noted: bool = False  # told once that the bot needs no ID-card or phone number

    @property
    def frame(self) -> Frame | None:
        return self.stack[-1] if self.stack else None

    @property
    def flow(self) -> str:
        return self.stack[-1].flow if self.stack else ""

    @property
    def step(self) -> str:
        return self.stack[-1].step if self.stack else ""

    @property
    def slots(self) -> dict[str, str]:
        return self.stack[-1].slots if self.stack else {}

    def position(self) -> Position:
        """A deep copy of where the conversation stands, for the history."""
        return Position(
            stack=copy.deepcopy(self.stack),
            procedure=self.procedure,
            matches=list(self.matches),
            decision=self.decision,
            walk_help=self.walk_help,
        )

    def restore(self, position: Position) -> None:
        self.stack = copy.deepcopy(position.stack)
        self.procedure = position.procedure
        self.matches = list(position.matches)
        self.decision = position.decision
        self.walk_help = position.walk_help

    def remember(self, position: Position) -> None:
        self.history.append(position)
        del self.history[:-HISTORY_LIMIT]

    def to_json(self) -> dict[str, Any]:
        out = super().to_json()
        out["v"] = STATE_VERSION
        out["offered"] = list(self.offered)
        out["history"] = [p.to_json() for p in self.history]
        out["turns"] = self.turns
        if self.privacy_noted:
            out["privacy_noted"] = True
        return out

    @classmethod
    def from_json(cls, data: object) -> ConversationState:
        """Read a saved state; whatever cannot be read becomes the default (never raises)."""
        state = cls()
        if not isinstance(data, dict):
            return state
        state.restore(Position.from_json(data))
        offered, history, turns = data.get("offered"), data.get("history"), data.get("turns")
        state.offered = [b for b in offered if isinstance(b, str)] if isinstance(offered, list) else []
        if isinstance(history, list):
            state.history = [p for p in map(Position.from_json, history) if p.stack][-HISTORY_LIMIT:]
        state.privacy_noted = data.get("privacy_noted") is True
        state.turns = turns if isinstance(turns, int) and not isinstance(turns, bool) and turns >= 0 else 0
        return state
