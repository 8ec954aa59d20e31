"""Where flows.yaml holds templates and conditions, and what each of them may read there.

Validation walks every `Site` (a template or a condition, with its data path for FILE:LINE) instead of
knowing the step kinds itself: a new step kind only has to list its texts here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bot.domain.flows.model import QUESTION_SLOT, AskStep, Flows, Step, YamlPath


@dataclass(frozen=True, slots=True)
class Site:
    """One template or condition in the file, with what it may read."""

    path: YamlPath
    source: str
    flow: str | None  # None for formats:
    item: str | None = None  # the record path `item.` stands for, e.g. "online_steps"
    message: bool = False  # a whole message: subject to the channel's length limit


def all_steps(flows: Flows) -> Iterator[tuple[str, YamlPath, Step]]:
    for flow_id, flow in flows.flows.items():
        for index, step in enumerate(flow.steps):
            yield flow_id, ("flows", flow_id, "steps", index), step


def template_sites(flows: Flows) -> Iterator[Site]:
    for key, source in flows.formats.items():
        yield Site(("formats", key), source, None, key)
    for flow, at, step in all_steps(flows):
        item = step.item()
        for text in step.texts(at):
            yield Site(text.path, text.source, flow, item, message=text.message)


def condition_sites(flows: Flows) -> Iterator[Site]:
    for flow, at, step in all_steps(flows):
        item = step.item()
        for path, source in step.conditions(at):
            yield Site(path, source, flow, item)


def saved_answers(flows: Flows, flow_id: str) -> set[str]:
    names = {QUESTION_SLOT} if flows.settings.question.split(".")[0] == flow_id else set()
    for step in flows.flows[flow_id].steps:
        if isinstance(step, AskStep):
            names.update(n for n in (step.save, step.text.save if step.text else None) if n)
    return names
