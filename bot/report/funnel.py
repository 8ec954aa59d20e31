"""How far citizens get in each flow, read off flows.yaml and the event log.

The event log records where a conversation waits after each turn (a step that waits: ask, pick, walk, or
a handoff waiting for a person), not the steps run in between. So, per conversation:
- a flow is *started* when the conversation waits at one of its steps, and a step is *reached* when the
  conversation waits at it;
- a flow is *completed* when a turn taken at one of its steps runs it to its end: an `end` (or past its
  last step), or a `goto` that hands over to another flow, as the flow was written to do. Which turns do
  that is read from the definition: from the step waited at and what the citizen did (the pressed
  button's id is in the event; typed text is matched the way the engine matches it), follow the steps
  that do not wait and see whether the flow ends on the way to where the conversation waits next;
- a flow started but never completed is *abandoned* at the last of its steps the conversation waited at:
  the citizen went quiet, or left through a global command (menu, restart...), a deep link, or a new
  question typed where no answer was expected (except in the home menu, which invites questions).
Counts are conversations, so for every flow: started = completed + the sum of abandoned over its steps.
A flow that never waits (a greeting, a thank-you) leaves no trace in the log and has no funnel.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby

from bot.report.flow_map import FlowMap, Place
from bot.report.history import EventRecord


@dataclass(frozen=True, slots=True)
class StepCount:
    step: str
    reached: int
    abandoned: int  # conversations whose last step in the flow was this one, without completing it


@dataclass(frozen=True, slots=True)
class FlowCount:
    flow: str
    started: int
    completed: int
    steps: tuple[StepCount, ...]

    @property
    def abandoned(self) -> int:
        return self.started - self.completed


def funnels(flow_map: FlowMap, events: Iterable[EventRecord]) -> list[FlowCount]:
    """Every flow that has a step which waits, in flows.yaml order; `events` may come in any order."""
    started: Counter[str] = Counter()
    completed: Counter[str] = Counter()
    reached: Counter[Place] = Counter()
    abandoned: Counter[Place] = Counter()
    ordered = sorted(events, key=lambda e: (e.channel, e.user_hash, e.at))
    for _, turns in groupby(ordered, key=lambda e: e.conversation):
        last: dict[str, str] = {}  # flow -> the last of its steps this conversation waited at
        seen: set[Place] = set()
        done: set[str] = set()
        previous: Place | None = None
        for event in turns:
            if previous is not None and flow_map.finished(previous, event):
                done.add(previous[0])
            here = (event.flow, event.step)
            # A place flows.yaml no longer has (the content changed since) is left out of every count.
            previous = here if flow_map.is_waiting(here) else None
            if previous is not None:
                seen.add(here)
                last[event.flow] = event.step
        reached.update(seen)
        for flow, step in last.items():
            started[flow] += 1
            if flow in done:
                completed[flow] += 1
            else:
                abandoned[(flow, step)] += 1
    found: list[FlowCount] = []
    for flow in flow_map.flows.flows:
        steps = [StepCount(s, reached[(flow, s)], abandoned[(flow, s)]) for s in flow_map.waiting_steps(flow)]
        if steps:
            found.append(FlowCount(flow, started[flow], completed[flow], tuple(steps)))
    return found
