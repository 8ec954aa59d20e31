"""The dialogue as data: pydantic models of flows.yaml.

A flow is a list of steps. What a step does is named by its one *kind key*, so a file reads as a script:

    say      send a message, then go on (`next:`, or the step below)
    ask      a message with buttons; each button goes somewhere (`goto:`), runs a flow and comes back
             (`call:`) or does what a global command does (`command: back`); `save:` keeps the pressed
             button's id as an answer; `text:` takes typed text as the answer instead of a new question
    branch   ordered cases `when: <condition>` -> `goto:`, then a mandatory `else:`; `unknown:` when a
             fact the case reads is not known
    call     run another flow, then go on here
    goto     continue somewhere else
    end      finish this flow: back to the flow that called it, or to the home menu
    search   look up the citizen's words in the catalogue; go to `match:`, `choose:` or `none:`
    pick     offer the procedures the last search found as buttons; `then:` once one is chosen
    walk     go through a procedure list (online_steps) one item per message
    feedback record whether the citizen found the help useful, and their comment
    handoff  hand the conversation to a person with this message (the site's `handoff:` section says who
             and when); the bot goes on at `next:` when the person hands it back

A target (`next`, `goto`, `call`, `else`...) is a step of the same flow, another flow (from its first step),
`flow.step`, or `end`. Texts are templates (bot.domain.templates) and `when:` are conditions
(bot.domain.conditions). Cross-references (unknown targets, unreachable steps, fields no procedure
has...) are checked by `bot.domain.flows.checks` once the shapes here are valid.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from dataclasses import field as _field
from types import MappingProxyType
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bot.domain.flows.topics import Topic
from bot.domain.handoff_config import HandoffConfig
from bot.domain.web_urls import web_url_or_template

Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=20)]
Target = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$", max_length=41)]
Text = Annotated[str, Field(min_length=1)]
VoiceWord = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=20)]

END = "end"  # the target that finishes the current flow
QUESTION_SLOT = "query"  # the answer that holds a typed question in the `settings.question` flow
YamlPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Issue:
    """A cross-reference problem, at a data path of flows.yaml (the loader turns it into FILE:LINE)."""

    path: YamlPath  # e.g. ("flows", "menu", "steps", 2, "goto")
    message: str  # the English sentence (`motcua validate`), `english` of `of` filled with `params`
    lines_below: int = 0  # inside a multi-line text: how many lines below the value's first line
    # the kind of problem and the values it names, so the admin pages can say it in Vietnamese
    # (bot/admin/problems_vi.py) without reading the English; they only restate `message`
    code: str = _field(default="", compare=False)
    params: Mapping[str, str | int] = _field(default_factory=lambda: MappingProxyType({}), compare=False)

    @classmethod
    def of(
        cls, path: YamlPath, code: str, english: str, /, *, lines_below: int = 0, **params: str | int
    ) -> Issue:
        """An issue whose English message is `english` filled with `params` ({name} placeholders)."""
        return cls(path, english.format(**params), lines_below, code, MappingProxyType(params))

    def at(self, path: YamlPath, lines_below: int = 0) -> Issue:
        """The same issue at another place: helpers that judge a fact do not know where it is written."""
        return replace(self, path=path, lines_below=lines_below)


@dataclass(frozen=True, slots=True)
class Exit:
    """Where a step can lead: `target`, or with `callee` set, run callee and resume at `target`."""

    path: YamlPath
    target: str
    callee: str | None = None
    callee_path: YamlPath = ()


@dataclass(frozen=True, slots=True)
class Written:
    """One template a step holds, at its data path; `message` when it is a whole message (subject to the
    channel's length limit)."""

    path: YamlPath
    source: str
    message: bool = False


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, populate_by_name=True)


class LinkSpec(Strict):
    label: Text
    url: Annotated[
        Text, AfterValidator(web_url_or_template)
    ]  # http(s), or a template such as "{procedure.source}"


class ButtonSpec(Strict):
    id: Name
    label: Text  # a template: may name facts, e.g. "Đúng, {procedure.short_name}"
    goto: Target | None = None
    call: Target | None = None  # run this flow, then come back to `then` (default: this same step)
    command: Name | None = None  # do what a global command does (e.g. back)
    then: Target | None = None
    when: Text | None = None  # show the button only when this condition is true
    words: list[Text] = Field(default_factory=list)  # typed words that count as pressing it

    @model_validator(mode="after")
    def _one_action(self) -> ButtonSpec:
        if sum(x is not None for x in (self.goto, self.call, self.command)) != 1:
            raise PydanticCustomError(
                "button_one_target", "a button needs exactly one of goto:, call: or command:"
            )
        if self.then is not None and self.call is None:
            raise PydanticCustomError("then_without_call", "then: only goes with call:")
        return self


class StepBase(Strict):
    """What every step kind answers about itself, so validation, the graph and the report walk steps
    without knowing the kinds: where it can lead, its buttons, its templates and its conditions."""

    kind: ClassVar[str]
    own_buttons: ClassVar[tuple[str, ...]] = ()  # button ids the kind adds by itself (walk: next, stuck)
    id: Name

    def choices(self) -> Sequence[ButtonSpec]:
        """The buttons written in the file for this step."""
        return ()

    def link_specs(self) -> Sequence[LinkSpec]:
        return ()

    def _exits(self, at: YamlPath, below: str) -> Iterator[Exit]:
        """The kind's own exits (`below` is the step under this one, where `next:` defaults to)."""
        return iter(())

    def targets(self, at: YamlPath, below: str) -> Iterator[Exit]:
        """Every exit: the kind's own, then each button's (a `call:` resumes at `then`, or here)."""
        yield from self._exits(at, below)
        for j, button in enumerate(self.choices()):
            if button.call is not None:
                resume = button.then or self.id
                yield Exit((*at, "buttons", j, "then"), resume, button.call, (*at, "buttons", j, "call"))
            elif button.goto is not None:
                yield Exit((*at, "buttons", j, "goto"), button.goto)

    def _texts(self, at: YamlPath) -> Iterator[Written]:
        return iter(())

    def texts(self, at: YamlPath) -> Iterator[Written]:
        """Every template: the kind's own, then button labels, then links (label and URL)."""
        yield from self._texts(at)
        for j, button in enumerate(self.choices()):
            yield Written((*at, "buttons", j, "label"), button.label)
        for j, link in enumerate(self.link_specs()):
            yield Written((*at, "links", j, "label"), link.label)
            yield Written((*at, "links", j, "url"), link.url)

    def _conditions(self, at: YamlPath) -> Iterator[tuple[YamlPath, str]]:
        return iter(())

    def conditions(self, at: YamlPath) -> Iterator[tuple[YamlPath, str]]:
        """Every condition: the kind's own, then each button's `when:`."""
        yield from self._conditions(at)
        for j, button in enumerate(self.choices()):
            if button.when is not None:
                yield (*at, "buttons", j, "when"), button.when

    def _typed(self, at: YamlPath) -> Iterator[tuple[YamlPath, str, str]]:
        return iter(())

    def typed(self, at: YamlPath) -> Iterator[tuple[YamlPath, str, str]]:
        """What a citizen may type to press a button: (data path, label or word, button id)."""
        yield from self._typed(at)
        for j, button in enumerate(self.choices()):
            yield (*at, "buttons", j, "label"), button.label, button.id
            yield from (((*at, "buttons", j, "words", k), w, button.id) for k, w in enumerate(button.words))

    def item(self) -> str | None:
        """The record path `item.` stands for in this step's templates (a walk's list), if any."""
        return None


class SayStep(StepBase):
    kind: ClassVar[str] = "say"
    say: Text
    links: list[LinkSpec] = Field(default_factory=list)
    next: Target | None = None

    def link_specs(self) -> Sequence[LinkSpec]:
        return self.links

    def _exits(self, at: YamlPath, below: str) -> Iterator[Exit]:
        yield Exit((*at, "next"), self.next or below)

    def _texts(self, at: YamlPath) -> Iterator[Written]:
        yield Written((*at, "say"), self.say, message=True)


class TextAnswer(Strict):
    save: Name
    goto: Target


class AskStep(StepBase):
    kind: ClassVar[str] = "ask"
    ask: Text
    buttons: list[ButtonSpec] = Field(min_length=1)
    save: Name | None = None
    text: TextAnswer | None = None  # typed text is this step's answer, not a new question
    links: list[LinkSpec] = Field(default_factory=list)

    def choices(self) -> Sequence[ButtonSpec]:
        return self.buttons

    def link_specs(self) -> Sequence[LinkSpec]:
        return self.links

    def _exits(self, at: YamlPath, below: str) -> Iterator[Exit]:
        if self.text is not None:
            yield Exit((*at, "text", "goto"), self.text.goto)

    def _texts(self, at: YamlPath) -> Iterator[Written]:
        yield Written((*at, "ask"), self.ask, message=True)


class Case(Strict):
    when: Text
    goto: Target


class BranchStep(StepBase):
    kind: ClassVar[str] = "branch"
    branch: list[Case] = Field(min_length=1)
    else_: Target | None = Field(default=None, alias="else")
    unknown: Target | None = None

    def _exits(self, at: YamlPath, below: str) -> Iterator[Exit]:
        yield from (Exit((*at, "branch", j, "goto"), case.goto) for j, case in enumerate(self.branch))
        yield from (Exit((*at, key), t) for key, t in (("else", self.else_), ("unknown", self.unknown)) if t)

    def _conditions(self, at: YamlPath) -> Iterator[tuple[YamlPath, str]]:
        yield from (((*at, "branch", j, "when"), case.when) for j, case in enumerate(self.branch))


class CallStep(StepBase):
    kind: ClassVar[str] = "call"
    call: Target
    next: Target | None = None

    def _exits(self, at: YamlPath, below: str) -> Iterator[Exit]:
        yield Exit((*at, "next"), self.next or below, self.call, (*at, "call"))


class GotoStep(StepBase):
    kind: ClassVar[str] = "goto"
    goto: Target

    def _exits(self, at: YamlPath, below: str) -> Iterator[Exit]:
        yield Exit((*at, "goto"), self.goto)


class EndStep(StepBase):
    kind: ClassVar[str] = "end"
    end: Literal[True]

    def _exits(self, at: YamlPath, below: str) -> Iterator[Exit]:
        yield Exit((*at, "end"), END)


class SearchStep(StepBase):
    kind: ClassVar[str] = "search"
    search: Text  # a template, usually "{answers.query}"
    match: Target
    choose: Target
    none: Target

    def _exits(self, at: YamlPath, below: str) -> Iterator[Exit]:
        yield from (Exit((*at, key), getattr(self, key)) for key in ("match", "choose", "none"))

    def _texts(self, at: YamlPath) -> Iterator[Written]:
        yield Written((*at, "search"), self.search)


class PickStep(StepBase):
    kind: ClassVar[str] = "pick"
    pick: Text
    buttons: list[ButtonSpec] = Field(default_factory=list)
    then: Target

    def choices(self) -> Sequence[ButtonSpec]:
        return self.buttons

    def _exits(self, at: YamlPath, below: str) -> Iterator[Exit]:
        yield Exit((*at, "then"), self.then)

    def _texts(self, at: YamlPath) -> Iterator[Written]:
        yield Written((*at, "pick"), self.pick, message=True)


class WalkStep(StepBase):
    kind: ClassVar[str] = "walk"
    own_buttons: ClassVar[tuple[str, ...]] = ("next", "stuck")  # continue_button, stuck_button
    walk: Annotated[str, Field(pattern=r"^procedure(\.[a-z_][a-z0-9_]*)+$")]
    text: Text  # one item; `{item.number}`, `{item.count}` and the item's own fields
    continue_button: Text
    stuck_button: Text
    continue_words: list[Text] = Field(default_factory=list)  # typed words that count as continuing
    stuck_words: list[Text] = Field(default_factory=list)
    help: Text  # shown on "stuck"; usually "{item.help}"
    no_help: Text  # shown on "stuck" when `help` renders to nothing
    buttons: list[ButtonSpec] = Field(default_factory=list)  # offered with the help
    done: Target
    # Pressing "stuck" again while its help is shown runs this flow (e.g. offer a person), then comes
    # back to the same item; unset, the help has no "stuck" button.
    stuck_again: Target | None = None

    def choices(self) -> Sequence[ButtonSpec]:
        return self.buttons

    def item(self) -> str | None:
        return self.walk.split(".", 1)[1]

    def _exits(self, at: YamlPath, below: str) -> Iterator[Exit]:
        yield Exit((*at, "done"), self.done)
        yield Exit(at, self.id)
        if self.stuck_again is not None:
            yield Exit((*at, "stuck_again"), self.id, self.stuck_again, (*at, "stuck_again"))

    def _texts(self, at: YamlPath) -> Iterator[Written]:
        yield from (
            Written((*at, name), getattr(self, name), message=True) for name in ("text", "help", "no_help")
        )
        yield from (Written((*at, name), getattr(self, name)) for name in ("continue_button", "stuck_button"))

    def _typed(self, at: YamlPath) -> Iterator[tuple[YamlPath, str, str]]:
        yield (*at, "continue_button"), self.continue_button, "next"
        yield from (((*at, "continue_words", j), w, "next") for j, w in enumerate(self.continue_words))
        yield (*at, "stuck_button"), self.stuck_button, "stuck"
        yield from (((*at, "stuck_words", j), w, "stuck") for j, w in enumerate(self.stuck_words))


class FeedbackSpec(Strict):
    helpful: Text  # a condition
    comment: str = ""  # a template


class FeedbackStep(StepBase):
    kind: ClassVar[str] = "feedback"
    feedback: FeedbackSpec
    next: Target | None = None

    def _exits(self, at: YamlPath, below: str) -> Iterator[Exit]:
        yield Exit((*at, "next"), self.next or below)

    def _texts(self, at: YamlPath) -> Iterator[Written]:
        if self.feedback.comment:
            yield Written((*at, "feedback", "comment"), self.feedback.comment)

    def _conditions(self, at: YamlPath) -> Iterator[tuple[YamlPath, str]]:
        yield (*at, "feedback", "helpful"), self.feedback.helpful


class HandoffStep(StepBase):
    """The conversation goes to a person here: the engine says `handoff` (the service adds office hours
    and the waiting time) and waits; it goes on at `next` when the person hands the conversation back."""

    kind: ClassVar[str] = "handoff"
    handoff: Text  # a template, e.g. "Mình đã chuyển câu hỏi tới cán bộ..."
    next: Target | None = None

    def _exits(self, at: YamlPath, below: str) -> Iterator[Exit]:
        yield Exit((*at, "next"), self.next or below)

    def _texts(self, at: YamlPath) -> Iterator[Written]:
        yield Written((*at, "handoff"), self.handoff, message=True)


KINDS = ("say", "ask", "branch", "call", "goto", "end", "search", "pick", "walk", "feedback", "handoff")


def _kind(value: Any) -> str | None:
    """The step's kind: the one kind key it has (None makes pydantic report the step)."""
    if isinstance(value, dict):
        found = [kind for kind in KINDS if kind in value]
        return found[0] if len(found) == 1 else None
    return getattr(value, "kind", None)


Step = Annotated[
    Annotated[SayStep, Tag("say")]
    | Annotated[AskStep, Tag("ask")]
    | Annotated[BranchStep, Tag("branch")]
    | Annotated[CallStep, Tag("call")]
    | Annotated[GotoStep, Tag("goto")]
    | Annotated[EndStep, Tag("end")]
    | Annotated[SearchStep, Tag("search")]
    | Annotated[PickStep, Tag("pick")]
    | Annotated[WalkStep, Tag("walk")]
    | Annotated[FeedbackStep, Tag("feedback")]
    | Annotated[HandoffStep, Tag("handoff")],
    Discriminator(
        _kind,
        custom_error_type="step_kind",
        custom_error_message="a step needs exactly one of: " + ", ".join(KINDS),
    ),
]
WAITING = (AskStep, PickStep, WalkStep, HandoffStep)  # the kinds that stop and wait for the citizen


class Flow(Strict):
    title: Text  # what the flow is for, for the officials who read the file
    steps: list[Step] = Field(min_length=1)


class Command(Strict):
    words: list[Text] = Field(min_length=1)  # typed with or without diacritics, any case
    label: Text  # on the button that offers the command
    goto: Target | None = None
    call: Target | None = None
    action: Literal["back", "restart"] | None = None

    @model_validator(mode="after")
    def _one_action(self) -> Command:
        if sum(x is not None for x in (self.goto, self.call, self.action)) != 1:
            raise PydanticCustomError(
                "command_one_target", "a command needs exactly one of goto:, call: or action:"
            )
        return self


class Settings(Strict):
    start: Target  # a new conversation, "bắt đầu lại", a deep link that names no procedure
    home: Target  # the menu: where a finished flow returns
    question: Target  # where typed text goes when the step does not expect it (as answers.query)
    procedure: Target  # a deep link naming a procedure
    menu_button: Name | None = None  # the command offered on every waiting message outside home


class Messages(Strict):
    stale_button: Text  # a button from an old message was pressed
    at_beginning: Text  # "quay lại" with nothing before
    content_changed: Text  # the saved place no longer exists in flows.yaml
    not_text: Text  # an empty message, a sticker, a photo
    unverified: Text  # after a fact the catalogue marks unverified (short: it may follow several facts)
    unverified_note: Text | None = None  # once per answer that shows the mark: what the mark means
    personal_data: Text | None = None  # once per conversation, when the citizen types an ID or phone number


class Flows(Strict):
    settings: Settings
    commands: dict[Name, Command] = Field(min_length=1)
    messages: Messages
    voice: dict[VoiceWord, Text] = Field(default_factory=dict)  # the register (bot.domain.voice)
    terms: dict[Text, dict[str, str]] = Field(default_factory=dict)  # field path -> value -> label
    # the label of a value the catalogue marks unverified, worded as uncertain (no mark after it)
    uncertain: dict[Text, dict[str, str]] = Field(default_factory=dict)
    formats: dict[Text, Text] = Field(default_factory=dict)  # record field path -> item template
    ui: dict[Name, Text] = Field(default_factory=dict)  # the web chat page's own words (GET /api/ui)
    handoff: HandoffConfig | None = None  # who takes conversations handed to a person, and when
    flows: dict[Name, Flow] = Field(min_length=1)
    topics: dict[Name, Topic] = Field(default_factory=dict)  # what typed questions reach (flows/topics.py)

    _index: dict[tuple[str, str], tuple[int, Step]] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        for flow_id, flow in self.flows.items():
            for position, step in enumerate(flow.steps):
                self._index.setdefault((flow_id, step.id), (position, step))

    def step(self, flow: str, step: str) -> Step | None:
        found = self._index.get((flow, step))
        return found[1] if found else None

    def first_step(self, flow: str) -> str | None:
        found = self.flows.get(flow)
        return found.steps[0].id if found else None

    def resolve(self, flow: str, target: str) -> tuple[str, str] | None:
        """The (flow, step) a target names from inside `flow`; None for END. KeyError when unknown."""
        if target == END:
            return None
        if "." in target:
            other, step = target.split(".", 1)
            if (other, step) in self._index:
                return other, step
        elif (flow, target) in self._index:
            return flow, target
        elif target in self.flows:
            return target, self.flows[target].steps[0].id
        raise KeyError(target)

    def following(self, flow: str, step: str) -> str:
        """The step written below `step`, or END after the last one."""
        position, _ = self._index[(flow, step)]
        steps = self.flows[flow].steps
        return steps[position + 1].id if position + 1 < len(steps) else END
