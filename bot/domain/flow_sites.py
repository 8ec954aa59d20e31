"""Where flows.yaml holds templates and conditions, and what each of them may read there.

Validation walks every `Site` (a template or a condition, with its data path for FILE:LINE) instead of
knowing the step kinds itself: a new step kind only has to list its texts here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bot.domain.flows import (
    QUESTION_SLOT,
    AskStep,
    BranchStep,
    FeedbackStep,
    Flows,
    HandoffStep,
    PickStep,
    SayStep,
    SearchStep,
    WalkStep,
    YamlPath,
)


@dataclass(frozen=True, slots=True)
class Site:
    """One template or condition in the file, with what it may read."""

    path: YamlPath
    source: str
    flow: str | None  # None for formats:
    item: str | None = None  # the record path `item.` stands for, e.g. "online_steps"
    message: bool = False  # a whole message: subject to the channel's length limit


def all_steps(flows: Flows) -> Iterator[tuple[str, YamlPath, object]]:
    for flow_id, flow in flows.flows.items():
        for index, step in enumerate(flow.steps):
            yield flow_id, ("flows", flow_id, "steps", index), step


def template_sites(flows: Flows) -> Iterator[Site]:
    for key, source in flows.formats.items():
        yield Site(("formats", key), source, None, key)
    for flow, at, step in all_steps(flows):
        item = step.walk.split(".", 1)[1] if isinstance(step, WalkStep) else None
        if isinstance(step, SayStep):
            yield Site((*at, "say"), step.say, flow, message=True)
        elif isinstance(step, AskStep):
            yield Site((*at, "ask"), step.ask, flow, message=True)
        elif isinstance(step, PickStep):
            yield Site((*at, "pick"), step.pick, flow, message=True)
        elif isinstance(step, WalkStep):
            for name in ("text", "help", "no_help"):
                yield Site((*at, name), getattr(step, name), flow, item, message=True)
            for name in ("continue_button", "stuck_button"):
                yield Site((*at, name), getattr(step, name), flow, item)
        elif isinstance(step, HandoffStep):
            yield Site((*at, "handoff"), step.handoff, flow, message=True)
        elif isinstance(step, SearchStep):
            yield Site((*at, "search"), step.search, flow)
        elif isinstance(step, FeedbackStep) and step.feedback.comment:
            yield Site((*at, "feedback", "comment"), step.feedback.comment, flow)
        for j, button in enumerate(getattr(step, "buttons", [])):
            yield Site((*at, "buttons", j, "label"), button.label, flow, item)
        for j, link in enumerate(getattr(step, "links", [])):
            yield Site((*at, "links", j, "label"), link.label, flow)
            yield Site((*at, "links", j, "url"), link.url, flow)


def condition_sites(flows: Flows) -> Iterator[Site]:
    for flow, at, step in all_steps(flows):
        item = step.walk.split(".", 1)[1] if isinstance(step, WalkStep) else None
        if isinstance(step, BranchStep):
            for j, case in enumerate(step.branch):
                yield Site((*at, "branch", j, "when"), case.when, flow)
        if isinstance(step, FeedbackStep):
            yield Site((*at, "feedback", "helpful"), step.feedback.helpful, flow)
        for j, button in enumerate(getattr(step, "buttons", [])):
            if button.when is not None:
                yield Site((*at, "buttons", j, "when"), button.when, flow, item)


def saved_answers(flows: Flows, flow_id: str) -> set[str]:
    names = {QUESTION_SLOT} if flows.settings.question.split(".")[0] == flow_id else set()
    for step in flows.flows[flow_id].steps:
        if isinstance(step, AskStep):
            names.update(n for n in (step.save, step.text.save if step.text else None) if n)
    return names
