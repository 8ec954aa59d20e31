"""Running steps: from where the state points, execute steps until one waits for the citizen.

`Runner.run` is the only place that moves through flows. Moves follow three rules:
- a step of the same flow keeps the flow's answers;
- another flow (`goto`, or a command's `goto`) starts over there: the flows that called this one are
  dropped, because the citizen has moved on; only `call` comes back;
- `end` returns to the calling flow, which resumes at the step after its `call`, or goes home.

What the waiting step shows is `engine/render.Renderer`'s business.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain.catalogue import Catalogue
from bot.domain.engine.render import PICK_LIMIT, Offer, Renderer, Waiting
from bot.domain.engine.topics import route_topic
from bot.domain.flows.model import (
    END,
    AskStep,
    BranchStep,
    CallStep,
    EndStep,
    FeedbackStep,
    Flows,
    GotoStep,
    HandoffStep,
    PickStep,
    SayStep,
    SearchStep,
    Step,
    WalkStep,
)
from bot.domain.messages import Reply
from bot.domain.search.procedures import ProcedureIndex
from bot.domain.state import MAX_STACK, ConversationState, Frame
from bot.domain.templates import Facts

MAX_STEPS_PER_TURN = 200  # validated content never comes close; this only stops a content bug


@dataclass(frozen=True, slots=True)
class HandoffRequest:
    """The citizen asked for a person: the service puts the conversation in `ward`'s queue."""

    ward: str
    procedure: str | None  # the procedure the conversation is about, if any
    origin: str | None  # "flow.step" the citizen was at when the handoff flow was called, if it was


@dataclass
class TurnLog:
    """What a turn produced besides the state: replies and what analytics record."""

    replies: list[Reply] = field(default_factory=list)
    offers: list[Offer] = field(default_factory=list)
    search_decision: str | None = None
    search_top: str | None = None
    feedback: tuple[bool, str] | None = None
    handoff: HandoffRequest | None = None
    replay: bool = False  # re-running a past position for "quay lại": record nothing twice


class ContentLoop(RuntimeError):
    """The steps went round without waiting for the citizen (validation reports this for flows.yaml)."""


class Runner(Renderer):
    def __init__(self, catalogue: Catalogue, index: ProcedureIndex, flows: Flows) -> None:
        super().__init__(catalogue, flows)
        self.index = index

    # --- moving ------------------------------------------------------------------------------------
    def move(self, state: ConversationState, target: str) -> None:
        """Point the state at `target`, seen from the current flow."""
        frame = state.stack[-1]
        place = self.flows.resolve(frame.flow, target)
        state.walk_help = False
        if place is None:  # END: back to the caller, which resumes at its own step
            state.stack.pop()
            if not state.stack:
                state.stack.append(Frame(*self.home))
        elif place[0] == frame.flow:
            frame.step = place[1]
        else:
            state.stack[:] = [Frame(*place)]

    def call(self, state: ConversationState, target: str, resume: str) -> None:
        """Run `target`; when it ends, continue at `resume` (seen from the calling flow)."""
        frame = state.stack[-1]
        place = self.flows.resolve(frame.flow, target)
        assert place is not None, "validation refuses `call: end`"
        state.walk_help = False
        if len(state.stack) >= MAX_STACK:
            state.stack[-1] = Frame(*place)
            return
        after = self.flows.resolve(frame.flow, resume)
        if after is None:
            frame.step = END  # the caller ends as soon as the called flow does
        elif after[0] == frame.flow:
            frame.step = after[1]
        else:
            state.stack[-1] = Frame(*after)
        state.stack.append(Frame(*place))

    # --- running -----------------------------------------------------------------------------------
    def run(self, state: ConversationState, log: TurnLog) -> None:
        for _ in range(MAX_STEPS_PER_TURN):
            frame = state.stack[-1]
            if frame.step == END:  # a caller whose call was its last step
                self.move(state, END)
                continue
            step = self.flows.step(frame.flow, frame.step)
            if step is None:
                raise ContentLoop(f"no step {frame.flow}.{frame.step}")
            if isinstance(step, AskStep | PickStep):
                self.wait(state, step, log)
                return
            if isinstance(step, HandoffStep):
                if log.replay:  # "quay lại" never queues twice: it goes on as after the person
                    self.pass_handoff(state, step)
                    continue
                log.handoff = self.handoff_request(state)
                self.wait(state, step, log)
                return
            if isinstance(step, WalkStep):
                if self.walk_items(state, step):
                    self.wait(state, step, log)
                    return
                frame.walk_index = 0
                self.move(state, step.done)
                continue
            self.execute(state, step, log)
        raise ContentLoop("the steps loop without waiting for the citizen")

    def execute(self, state: ConversationState, step: Step, log: TurnLog) -> None:
        frame = state.stack[-1]
        facts = self.facts(state)
        if isinstance(step, SayStep):
            links = self.links(step.links, facts)
            text = self.render(step.say, facts)
            if text:
                log.replies.append(Reply(text, links=links))
            self.move(state, step.next or self.flows.following(frame.flow, frame.step))
        elif isinstance(step, BranchStep):
            self.move(state, self.choose(step, facts))
        elif isinstance(step, CallStep):
            self.call(state, step.call, step.next or self.flows.following(frame.flow, frame.step))
        elif isinstance(step, GotoStep):
            self.move(state, step.goto)
        elif isinstance(step, EndStep):
            self.move(state, END)
        elif isinstance(step, SearchStep):
            target = self.search(state, self.plain(step.search, facts), step, log)
            if target is not None:  # None: a topic's route already placed the state (engine/topics.py)
                self.move(state, target)
        elif isinstance(step, FeedbackStep):
            if not log.replay:
                helpful = self.holds(step.feedback.helpful, facts) is True
                log.feedback = (helpful, self.plain(step.feedback.comment, facts))
            self.move(state, step.next or self.flows.following(frame.flow, frame.step))

    def choose(self, step: BranchStep, facts: Facts) -> str:
        for case in step.branch:
            outcome = self.holds(case.when, facts)
            if outcome is True:
                return case.goto
            if outcome is None and step.unknown is not None:
                return step.unknown
        assert step.else_ is not None, "validation requires else:"
        return step.else_

    def search(self, state: ConversationState, query: str, step: SearchStep, log: TurnLog) -> str | None:
        result = self.index.search(query, limit=PICK_LIMIT) if query else None
        found = [m.id for m in result.matches if m.id in self.catalogue] if result else []
        if result is not None and result.topic is not None and result.topic.id in self.flows.topics:
            return route_topic(self, state, result, found, step, log)
        decision = result.decision if result and found else "none"
        if not log.replay:  # analytics count what citizens asked, not what "quay lại" re-ran
            log.search_decision, log.search_top = decision, (found[0] if found else None)
        # a new search is a new subject: what was chosen before no longer applies unless found again
        state.matches = found if decision != "none" else []
        state.decision = decision
        state.procedure = found[0] if decision == "match" else None
        if decision == "match":
            return step.match
        return step.choose if decision == "choose" else step.none

    def pass_handoff(self, state: ConversationState, step: HandoffStep) -> None:
        """Leave a handoff step: the person is done, the bot goes on at its `next`."""
        frame = state.stack[-1]
        self.move(state, step.next or self.flows.following(frame.flow, frame.step))

    def handoff_request(self, state: ConversationState) -> HandoffRequest:
        procedure = self.procedure(state)
        config = self.flows.handoff
        ward = config.ward_for(procedure.agency.level if procedure else None) if config else ""
        # the nearest caller still waiting to resume (one that ends with its callee says nothing)
        caller = next((f for f in reversed(state.stack[:-1]) if f.step != END), None)
        origin = f"{caller.flow}.{caller.step}" if caller is not None else None
        return HandoffRequest(ward, procedure.id if procedure else None, origin)

    def wait(self, state: ConversationState, step: Waiting, log: TurnLog) -> None:
        reply, offers = self.waiting_message(state, step)
        log.replies.append(reply)
        log.offers = offers
        state.offered = [o.id for o in offers]
