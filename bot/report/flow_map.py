"""`FlowMap`: flows.yaml read as a graph, to tell whether a turn taken at a waiting step finished its flow.

The event log records where a conversation waits after each turn, and what the citizen did (the pressed
button's id, or the masked typed text). From the step waited at and that input, the map follows the steps
that do not wait — the same exits `bot.domain.flows.graph` validates — to the places where the citizen can
wait next, noting on each path whether the flow ended (`end`, or past its last step) or handed over to
another flow by a `goto`. The place the next event shows picks the path actually taken. Typed text is
read in the engine's order: a command, a button's words, the step's own text answer, a new question.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.engine import PICK_PREFIX
from bot.domain.flows import END, WAITING, AskStep, Exit, Flows, PickStep, Step, WalkStep, exits
from bot.domain.text import command_key
from bot.report.history import EventRecord

Place = tuple[str, str]
WALK_NEXT, WALK_STUCK = WalkStep.own_buttons  # the walk's own button names on the wire (engine/render.py)


@dataclass(frozen=True, slots=True)
class Outcome:
    """Where the citizen waits after a turn (None: back to a caller or home, not known from the
    definition alone), and whether the flow the turn started in has finished on the way."""

    place: Place | None
    finished: bool


class FlowMap:
    """The flows' definitions, asked the one question the funnel needs: did this turn finish the flow?"""

    def __init__(self, flows: Flows) -> None:
        self.flows = flows
        self._position = {(f, s.id): i for f, flow in flows.flows.items() for i, s in enumerate(flow.steps)}
        self._commands = {command_key(w) for c in flows.commands.values() for w in c.words}
        self._commands |= {command_key(c.label) for c in flows.commands.values()}
        self._runs: dict[tuple[str, str], frozenset[Outcome]] = {}
        self._words: dict[Place, dict[str, str]] = {}

    def waiting_steps(self, flow: str) -> list[str]:
        return [s.id for s in self.flows.flows[flow].steps if isinstance(s, WAITING)]

    def is_waiting(self, place: Place) -> bool:
        return isinstance(self.flows.step(*place), WAITING)

    def finished(self, place: Place, event: EventRecord) -> bool:
        """Whether `event`, a turn taken while waiting at `place`, ran `place`'s flow to its end."""
        outcomes = self.turn(place, event)
        now = (event.flow, event.step)
        matching = [o for o in outcomes if o.place == now]
        if matching:
            return any(o.finished for o in matching)
        return any(o.finished and o.place is None for o in outcomes)

    # --- what a turn can do --------------------------------------------------------------------------
    def turn(self, place: Place, event: EventRecord) -> frozenset[Outcome]:
        """The possible outcomes of `event` at `place`; empty when the turn left the flow unfinished."""
        step = self.flows.step(*place)
        if step is None or event.kind == "start":  # a deep link or a new start begins afresh
            return frozenset()
        if not isinstance(step, AskStep | PickStep | WalkStep):
            return self._moved_on(place, step, event)
        if event.kind == "button":
            return self._pressed(place, step, event.text)
        if event.kind == "text":
            return self._typed(place, step, event.text)
        return frozenset({Outcome(place, False)})  # a sticker or photo: the step is asked again

    def _moved_on(self, place: Place, step: Step, event: EventRecord) -> frozenset[Outcome]:
        """A step that waits on something other than the citizen's answer (a person, in a handoff):
        the turn leaves it by its own exits, or through a command, or not at all."""
        if event.kind == "button" and event.text in self.flows.commands:
            return frozenset()
        if event.kind == "text" and command_key(event.text) in self._commands:
            return frozenset()
        found = {Outcome(place, False)}
        for exit_ in exits(self.flows, place[0], self._position[place], step):
            found |= self._follow(place[0], exit_)
        return frozenset(found)

    def _pressed(self, place: Place, step: Step, button: str) -> frozenset[Outcome]:
        flow, step_id = place
        stay = frozenset({Outcome(place, False)})
        if button in self.flows.commands:
            return frozenset()
        if button.startswith(PICK_PREFIX):
            return self.run(flow, step.then) if isinstance(step, PickStep) else stay
        name = button.removeprefix(f"{flow}.{step_id}.")
        if name == button:  # a button of an older message: the engine repeats the step
            return stay
        if isinstance(step, WalkStep) and name in (WALK_NEXT, WALK_STUCK):
            # "next" on the last item leaves the walk; on any other it shows the next item here.
            return stay | self.run(flow, step.done) if name == WALK_NEXT else stay
        return self._button_exit(place, step, name, stay)

    def _button_exit(
        self, place: Place, step: Step, name: str, stay: frozenset[Outcome]
    ) -> frozenset[Outcome]:
        for j, button in enumerate(step.choices()):
            if button.id != name:
                continue
            if button.command is not None:
                return frozenset()
            at = ("flows", place[0], "steps", self._position[place], "buttons", j)
            if button.call is not None:
                return frozenset(self._follow(place[0], Exit(at, button.then or place[1], button.call)))
            return self.run(place[0], button.goto or END)
        return stay

    def _typed(self, place: Place, step: Step, text: str) -> frozenset[Outcome]:
        """Typed text, read in the engine's order: a command, a button's words, the step's own text
        answer, else a new question (and at a pick step, perhaps a procedure's name)."""
        key = command_key(text)
        if key in self._commands:
            return frozenset()
        pressed = self._button_words(place, step).get(key)
        if pressed is not None:
            return self._pressed(place, step, f"{place[0]}.{place[1]}.{pressed}")
        if isinstance(step, AskStep) and step.text is not None:
            return self.run(place[0], step.text.goto)
        found = self._question(place[0])
        return found | self.run(place[0], step.then) if isinstance(step, PickStep) else found

    def _button_words(self, place: Place, step: Step) -> dict[str, str]:
        """What can be typed for each button of a waiting step (folded) -> the button's name on the wire.
        Labels that name facts ("Đúng, {procedure.short_name}") cannot be matched without the facts."""
        if place not in self._words:
            found: dict[str, str] = {}
            if isinstance(step, WalkStep):
                found = {
                    command_key(step.continue_button): WALK_NEXT,
                    command_key(step.stuck_button): WALK_STUCK,
                }
            for button in reversed(step.choices()):  # the first button wins, as in the engine
                typed = [*button.words, *([button.label] if "{" not in button.label else [])]
                found.update((command_key(word), button.id) for word in typed)
            self._words[place] = found
        return self._words[place]

    def _question(self, flow: str) -> frozenset[Outcome]:
        target = self.flows.settings.question
        question = self.flows.resolve(target, target)
        if question is None:
            return frozenset()
        if question[0] == flow:
            return self.run(flow, question[1])
        home = self.flows.resolve(self.flows.settings.home, self.flows.settings.home)
        if home is not None and flow == home[0]:
            # The home menu invites a typed question: asking one is using it, not leaving it half done.
            return frozenset(Outcome(o.place, True) for o in self.run(question[0], question[1]))
        return frozenset()  # elsewhere a new question takes the citizen out of the flow unfinished

    # --- walking the definition ----------------------------------------------------------------------
    def run(self, flow: str, target: str) -> frozenset[Outcome]:
        """Where the citizen next waits when `flow` goes on at `target`, and whether `flow` finished."""
        key = (flow, target)
        if key not in self._runs:
            self._runs[key] = frozenset()  # a loop that never waits (validation refuses it) adds nothing
            self._runs[key] = self._run(flow, target)
        return self._runs[key]

    def _run(self, flow: str, target: str) -> frozenset[Outcome]:
        if target == END:
            return frozenset({Outcome(None, True)})
        try:
            place = self.flows.resolve(flow, target)
        except KeyError:
            return frozenset()
        if place is None:
            return frozenset({Outcome(None, True)})
        if place[0] != flow:  # a goto into another flow: this one has done its part
            return frozenset(Outcome(o.place, True) for o in self.run(place[0], place[1]))
        step = self.flows.step(*place)
        if step is None:
            return frozenset()
        if isinstance(step, WAITING):
            return frozenset({Outcome(place, False)})
        found: set[Outcome] = set()
        for exit_ in exits(self.flows, flow, self._position[place], step):
            found |= self._follow(flow, exit_)
        return frozenset(found)

    def _follow(self, flow: str, exit_: Exit) -> set[Outcome]:
        after = self.run(flow, exit_.target)
        if exit_.callee is None:
            return set(after)
        try:
            callee = self.flows.resolve(flow, exit_.callee)
        except KeyError:
            return set()
        if callee is None:
            return set()
        # The citizen waits inside the called flow; this flow finishes once it returns, if the steps after
        # the call can end it without waiting here again.
        ends_after = any(o.finished for o in after)
        found: set[Outcome] = set()
        for inner in self.run(callee[0], callee[1]):
            if inner.place is None:
                found |= after  # the called flow ended without waiting: on with the caller at once
            else:
                found.add(Outcome(inner.place, ends_after))
        return found
