"""The dialogue engine: one pure entry point, `Engine.handle(state, incoming) -> Turn`.

How an incoming message is read, in order:
1. a deep link (`/start <procedure id>`) opens that procedure's overview; any other start, or a state
   that cannot be read, begins the conversation;
2. a global command (menu, quay lại, bắt đầu lại, gặp cán bộ, trợ giúp), pressed or typed, at any step;
3. a button of the waiting message; a button from an older message gets a gentle word and the current
   step again;
4. typed text: the step's own answer when it asks for text (a feedback comment), else a button whose
   label or words it spells, else a new question for the search.

A `handoff` step hands the conversation to a person: the turn's trace carries the request (the service
queues it; the engine stays pure) and the conversation rests there. `resume` is the other entry point:
the person handed the conversation back, so the bot goes on after that step.

"Quay lại" needs no undo log: every turn that moves remembers the position it ran from, and going back
re-runs the previous one, so the citizen sees exactly the messages and buttons they saw then.
A saved position that no longer exists in flows.yaml (content changed) restarts its flow, or the menu.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.domain.catalogue import Catalogue
from bot.domain.engine.render import PICK_PREFIX, Offer
from bot.domain.engine.run import ContentLoop, HandoffRequest, Runner, TurnLog
from bot.domain.engine.text import names_a_person, split_message, with_unverified_note
from bot.domain.flows.model import (
    END,
    QUESTION_SLOT,
    WAITING,
    AskStep,
    Command,
    Flows,
    HandoffStep,
    PickStep,
    WalkStep,
)
from bot.domain.messages import Incoming, IncomingKind, Reply
from bot.domain.privacy import mask_pii
from bot.domain.search.procedures import ProcedureIndex
from bot.domain.state import ConversationState, Frame, Position
from bot.domain.text import clip, command_key


@dataclass(frozen=True)
class TurnTrace:
    flow: str
    step: str
    procedure: str | None
    search_decision: str | None
    search_top: str | None
    feedback: tuple[bool, str] | None  # (helpful, comment)
    handoff: HandoffRequest | None = None  # the citizen asked for a person: queue the conversation


@dataclass(frozen=True)
class Turn:
    state: ConversationState
    replies: tuple[Reply, ...]
    trace: TurnTrace


class Engine:
    def __init__(self, catalogue: Catalogue, index: ProcedureIndex, flows: Flows) -> None:
        self.catalogue, self.flows = catalogue, flows
        self.runner = Runner(catalogue, index, flows)
        self.words = {command_key(w): name for name, c in flows.commands.items() for w in c.words}

    def handle(self, state: ConversationState | None, incoming: Incoming) -> Turn:
        state = ConversationState.from_json(state.to_json()) if state is not None else ConversationState()
        state.turns += 1
        log = TurnLog()

        def work() -> None:
            self._privacy_notice(state, incoming, log)
            self._dispatch(state, incoming, log)

        return self._finish(state, log, work)

    def _privacy_notice(self, state: ConversationState, incoming: Incoming, log: TurnLog) -> None:
        """An ID-card or phone number typed in: say once that the bot needs none, then answer as usual."""
        notice = self.flows.messages.personal_data
        if notice is None or state.privacy_noted or incoming.kind != IncomingKind.TEXT:
            return
        if names_a_person(incoming.text):
            state.privacy_noted = True
            log.replies.append(Reply(notice))

    def resume(self, state: ConversationState | None) -> Turn:
        """The person handed the conversation back: go on after the handoff step it rests at.

        Anywhere else (the content changed, or the citizen had already moved on) the waiting step is
        shown again, so the citizen always sees where the bot stands."""
        state = ConversationState.from_json(state.to_json()) if state is not None else ConversationState()
        log = TurnLog()
        return self._finish(state, log, lambda: self._resume(state, log))

    def _resume(self, state: ConversationState, log: TurnLog) -> None:
        if not state.stack:
            self._restart(state, self.flows.settings.home, log)
        elif not self._still_valid(state):
            known = state.flow if state.flow in self.flows.flows else self.flows.settings.home
            self._restart(state, known, log, notice=True)
        else:
            self._again(state, None, log)

    def _finish(self, state: ConversationState, log: TurnLog, work: Callable[[], None]) -> Turn:
        try:
            work()
        except ContentLoop:
            # Only content that failed validation gets here; answer something sensible all the same.
            log = TurnLog()
            try:
                self._restart(state, self.flows.settings.home, log, notice=True)
            except ContentLoop:
                state = ConversationState(turns=state.turns)
                log = TurnLog(replies=[Reply(self.flows.messages.content_changed)])
        messages = self.flows.messages
        noted = with_unverified_note(log.replies, messages.unverified, messages.unverified_note)
        replies = tuple(part for reply in noted for part in _split(reply))
        trace = TurnTrace(
            state.flow,
            state.step,
            state.procedure,
            log.search_decision,
            log.search_top,
            log.feedback,
            log.handoff,
        )
        return Turn(state, replies, trace)

    # --- reading the incoming message ----------------------------------------------------------------
    def _dispatch(self, state: ConversationState, incoming: Incoming, log: TurnLog) -> None:
        if incoming.kind == IncomingKind.START:
            self._start(state, incoming.payload.strip(), log)
            return
        text = incoming.text.strip() if incoming.kind == IncomingKind.TEXT else ""
        command = self.words.get(command_key(text)) if text else None
        if incoming.kind == IncomingKind.BUTTON and incoming.button in self.flows.commands:
            command = incoming.button
        if not state.stack:  # a new conversation, or a saved state that could not be read
            if command is None and text:
                self._question(state, text, log)
            elif command is not None and self.flows.commands[command].action is None:
                self._command(state, command, log)
            else:
                self._restart(state, self.flows.settings.start, log)
            return
        if not self._still_valid(state):
            self._restart(
                state,
                state.flow if state.flow in self.flows.flows else self.flows.settings.home,
                log,
                notice=True,
            )
            return
        if command is not None:
            self._command(state, command, log)
        elif incoming.kind == IncomingKind.BUTTON:
            self._button(state, incoming.button, log)
        elif not text:
            self._again(state, self.flows.messages.not_text, log)
        else:
            self._text(state, text, log)

    def _start(self, state: ConversationState, payload: str, log: TurnLog) -> None:
        procedure = (self.catalogue.get(payload) or self.catalogue.by_code(payload)) if payload else None
        if procedure is None:
            self._restart(state, self.flows.settings.start, log)
            return
        state.restore(Position())
        state.procedure = procedure.id
        self._go(state, self.flows.settings.procedure, log)

    def _command(self, state: ConversationState, name: str, log: TurnLog) -> None:
        command: Command = self.flows.commands[name]
        if command.action == "back":
            self._back(state, log)
        elif command.action == "restart":
            state.restore(Position())
            state.history.clear()
            self._go(state, self.flows.settings.start, log)
        elif command.call is not None and state.stack:
            # come back afterwards to the very step the citizen was at
            self.runner.call(state, command.call, state.step)
            self._run(state, log)
        else:
            self._go(state, command.goto or command.call or self.flows.settings.home, log)

    def _button(self, state: ConversationState, button: str, log: TurnLog) -> None:
        if button not in state.offered:
            self._again(state, self.flows.messages.stale_button, log)
            return
        offer = next((o for o in self._offers(state) if o.id == button), None)
        if offer is None:  # offered, but the catalogue changed under it
            self._again(state, self.flows.messages.stale_button, log)
            return
        self._press(state, offer, log)

    def _text(self, state: ConversationState, text: str, log: TurnLog) -> None:
        key = command_key(text)
        for offer in self._offers(state):
            if key == command_key(offer.label) or key in (command_key(w) for w in offer.words):
                self._press(state, offer, log)
                return
        step = self.flows.step(state.flow, state.step)
        if isinstance(step, AskStep) and step.text is not None:
            state.slots[step.text.save] = mask_pii(clip(text))
            self.runner.move(state, step.text.goto)
            self._run(state, log)
            return
        self._question(state, text, log)

    # --- acting --------------------------------------------------------------------------------------
    def _press(self, state: ConversationState, offer: Offer, log: TurnLog) -> None:
        frame = state.stack[-1]
        step = self.flows.step(frame.flow, frame.step)
        if offer.id.startswith(PICK_PREFIX) and isinstance(step, PickStep):
            state.procedure = offer.id.removeprefix(PICK_PREFIX)
            self.runner.move(state, step.then)
        elif offer.id in self.flows.commands:
            self._command(state, offer.id, log)
            return
        elif isinstance(step, WalkStep) and offer.spec is None:
            if offer.id.endswith(".stuck") and state.walk_help and step.stuck_again is not None:
                self.runner.call(state, step.stuck_again, frame.step)  # stuck twice on this item
            elif offer.id.endswith(".stuck"):
                state.walk_help = True
            else:
                state.walk_help = False
                frame.walk_index += 1
        elif offer.spec is not None:
            spec = offer.spec
            if isinstance(step, AskStep) and step.save is not None:
                frame.slots[step.save] = spec.id
            if spec.call is not None:
                self.runner.call(state, spec.call, spec.then or frame.step)
            else:
                self.runner.move(state, spec.goto or frame.step)
        self._run(state, log)

    def _question(self, state: ConversationState, text: str, log: TurnLog) -> None:
        place = self.flows.resolve(self.flows.settings.question, self.flows.settings.question)
        assert place is not None, "validation requires settings.question to name a step"
        query = mask_pii(clip(text))
        question = Frame(*place, slots={QUESTION_SLOT: query})
        state.restore(Position(stack=[question], procedure=state.procedure))
        self._run(state, log)

    def _go(self, state: ConversationState, target: str, log: TurnLog) -> None:
        """Start over at `target` (a flow, or flow.step), keeping the chosen procedure."""
        place = self.flows.resolve(target, target)
        assert place is not None, "validation refuses `end` in settings and commands"
        state.restore(
            Position(
                stack=[Frame(*place)],
                procedure=state.procedure,
                matches=state.matches,
                decision=state.decision,
            )
        )
        self._run(state, log)

    def _restart(self, state: ConversationState, target: str, log: TurnLog, notice: bool = False) -> None:
        if notice:
            log.replies.append(Reply(self.flows.messages.content_changed))
        if state.procedure not in self.catalogue:
            state.procedure = None
        self._go(state, target, log)

    def _run(self, state: ConversationState, log: TurnLog) -> None:
        """Run from the current position and remember it, so "quay lại" can come back to it."""
        position = state.position()
        self.runner.run(state, log)
        state.remember(position)

    def _again(self, state: ConversationState, notice: str | None, log: TurnLog) -> None:
        """Say `notice`, then show the waiting step again, unchanged.

        A handoff step shows nothing and must not queue the citizen a second time: once the bot handles
        messages there again the person is done, so the bot goes on after it instead."""
        if notice is not None:
            log.replies.append(Reply(notice))
        step = self.flows.step(state.flow, state.step)
        if isinstance(step, HandoffStep):
            self.runner.pass_handoff(state, step)
            self._run(state, log)
            return
        self.runner.run(state, log)

    def _back(self, state: ConversationState, log: TurnLog) -> None:
        if len(state.history) < 2:
            self._again(state, self.flows.messages.at_beginning, log)
            return
        state.history.pop()  # where the citizen is now
        state.restore(state.history[-1])
        if not self._still_valid(state, waiting=False):
            state.history.clear()
            self._restart(state, self.flows.settings.home, log, notice=True)
            return
        log.replay = True
        self.runner.run(state, log)

    # --- checking a saved state ----------------------------------------------------------------------
    def _still_valid(self, state: ConversationState, waiting: bool = True) -> bool:
        """Whether every frame points at a step that exists (the top one at a waiting step)."""
        if state.procedure is not None and state.procedure not in self.catalogue:
            return False
        state.matches = [m for m in state.matches if m in self.catalogue]
        *callers, current = state.stack
        if any(f.flow not in self.flows.flows for f in callers):
            return False
        if any(f.step != END and self.flows.step(f.flow, f.step) is None for f in callers):
            return False
        step = self.flows.step(current.flow, current.step)
        return step is not None and (not waiting or isinstance(step, WAITING))

    def _offers(self, state: ConversationState) -> list[Offer]:
        step = self.flows.step(state.flow, state.step)
        if not isinstance(step, WAITING):
            return []
        if isinstance(step, WalkStep) and not self.runner.walk_items(state, step):
            return []
        return self.runner.waiting_message(state, step)[1]


def _split(reply: Reply) -> list[Reply]:
    """A reply longer than a channel allows, as several; links and buttons stay with the last part."""
    parts = split_message(reply.text)
    if len(parts) == 1:
        return [reply]
    return [Reply(p) for p in parts[:-1]] + [Reply(parts[-1], reply.buttons, reply.links)]
