"""The second validation pass of flows.yaml: cross-references between steps, flows and facts.

The shapes are already valid (pydantic, first pass); here we check what only the whole file can tell:
duplicate ids, a branch without `else:`, command words, then the graph of steps (flows/graph.py: unknown
targets, unreachable steps, unused flows, loops that never wait, calls that never return) and every
fact a template or condition reads (flows/fields.py). Each problem is an `Issue` at a data path, so
the loader reports it as FILE:LINE with the field an official has to fix.

Button ids need no length check here: names are at most 20 characters, so `flow.step.button` stays
within Telegram's 64 bytes by construction.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.domain.catalogue import Catalogue
from bot.domain.flows.fields import FieldChecker, rendered_lengths
from bot.domain.flows.graph import GraphChecker
from bot.domain.flows.model import END, BranchStep, Flows, HandoffStep, Issue, YamlPath
from bot.domain.flows.sites import condition_sites, template_sites
from bot.domain.flows.topics import topic_issues
from bot.domain.text import command_key


def duplicates(flows: Flows) -> Iterator[Issue]:
    for flow_id, flow in flows.flows.items():
        seen: set[str] = set()
        for i, step in enumerate(flow.steps):
            at: YamlPath = ("flows", flow_id, "steps", i)
            if step.id in seen:
                yield Issue.of(
                    (*at, "id"),
                    "step_name_twice",
                    "another step of '{flow}' is already called '{step}'",
                    flow=flow_id,
                    step=step.id,
                )
            seen.add(step.id)
            if step.id in flows.flows:
                yield Issue.of(
                    (*at, "id"),
                    "step_is_flow_name",
                    "'{step}' is also a flow's name; rename the step so targets are clear",
                    step=step.id,
                )
            if step.id == END:
                yield Issue.of(
                    (*at, "id"), "step_named_end", "'end' is reserved for finishing a flow; rename the step"
                )
            if isinstance(step, BranchStep) and step.else_ is None:
                yield Issue.of(
                    (*at, "else"),
                    "branch_needs_else",
                    "a branch needs else: (where to go when no case holds)",
                )
            buttons: set[str] = set(step.own_buttons)
            for j, button in enumerate(step.choices()):
                if button.id in buttons:
                    yield Issue.of(
                        (*at, "buttons", j, "id"),
                        "button_id_twice",
                        "the button id '{button}' is used twice in this step",
                        button=button.id,
                    )
                buttons.add(button.id)


def typed_words(flows: Flows) -> Iterator[Issue]:
    """Within one step, a typed word may press only one button, and never shadow a global command
    (commands are read first, so the button would never be pressed by typing)."""
    commands = {command_key(w): name for name, c in flows.commands.items() for w in c.words}
    for flow_id, flow in flows.flows.items():
        for i, step in enumerate(flow.steps):
            at: YamlPath = ("flows", flow_id, "steps", i)
            owner: dict[str, str] = {}
            for path, word, button in step.typed(at):
                key = command_key(word)
                if "{" in word or not key:
                    continue  # a label naming facts is only known once rendered
                if isinstance(path[-1], int) and key in commands:  # a word, not a label
                    yield Issue.of(
                        path,
                        "word_of_command",
                        "'{word}' is a word of the command '{command}', which comes first",
                        word=word,
                        command=commands[key],
                    )
                elif owner.setdefault(key, button) != button:
                    yield Issue.of(
                        path,
                        "word_presses_button",
                        "typing '{word}' would also press the button '{button}'",
                        word=word,
                        button=owner[key],
                    )


def commands(flows: Flows) -> Iterator[Issue]:
    owner: dict[str, str] = {}
    for name, command in flows.commands.items():
        for j, word in enumerate(command.words):
            key = command_key(word)
            if not key:
                yield Issue.of(
                    ("commands", name, "words", j),
                    "command_word_empty",
                    "a command word needs letters or digits",
                )
            elif owner.setdefault(key, name) != name:
                yield Issue.of(
                    ("commands", name, "words", j),
                    "command_word_twice",
                    "'{word}' is also a word of command '{command}'",
                    word=word,
                    command=owner[key],
                )
    menu = flows.settings.menu_button
    if menu is not None and (menu not in flows.commands or flows.commands[menu].goto is None):
        yield Issue.of(
            ("settings", "menu_button"),
            "menu_button_not_goto",
            "menu_button must name a command with goto: (not '{menu}')",
            menu=menu,
        )


def handoff(flows: Flows) -> Iterator[Issue]:
    """A handoff step needs the site's `handoff:` section; the commands that leave a handoff must exist."""
    if flows.handoff is None:
        for flow_id, flow in flows.flows.items():
            for i, step in enumerate(flow.steps):
                if isinstance(step, HandoffStep):
                    yield Issue.of(
                        ("flows", flow_id, "steps", i, "handoff"),
                        "handoff_needs_section",
                        "a handoff step needs the handoff: section (who receives it, office hours, texts)",
                    )
        return
    for j, name in enumerate(flows.handoff.leave):
        if name not in flows.commands:
            yield Issue.of(
                ("handoff", "leave", j),
                "no_such_command",
                "no command named '{command}' ({commands})",
                command=name,
                commands=", ".join(flows.commands),
            )


def check_flows(flows: Flows, catalogue: Catalogue | None = None) -> list[Issue]:
    """Every cross-reference problem of a shape-valid flows.yaml; with a catalogue, rendered lengths too."""
    graph = GraphChecker(flows)
    fields = FieldChecker(flows)
    unresolved = list(graph.targets())
    issues = [*duplicates(flows), *commands(flows), *typed_words(flows), *handoff(flows), *unresolved]
    issues += topic_issues(flows)
    if not unresolved:  # the graph checks below assume every target resolves
        issues += [*graph.reachability(), *graph.loops(), *graph.returns()]
    for site in template_sites(flows):
        issues += fields.template(site)
    for site in condition_sites(flows):
        issues += fields.condition(site)
    issues += [*fields.terms(), *fields.formats(), *fields.unknown_cases()]
    if catalogue is not None:
        issues += rendered_lengths(flows, catalogue)
    return issues
