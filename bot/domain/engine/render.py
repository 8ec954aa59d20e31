"""What the citizen sees of a step: rendered text, links and buttons, from the state's facts.

Button ids on the wire are `flow.step.button` (a step's own buttons, walk `next` / `stuck`), `p:<id>`
(a procedure offered by `pick`) and a command's name (`menu`, `back`...). They name what was pressed,
never its label, and fit Telegram's 64-byte callback data (names are at most 20 characters).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from pydantic import BaseModel

from bot.domain import conditions, templates
from bot.domain.catalogue import Catalogue, Procedure
from bot.domain.flows.model import AskStep, ButtonSpec, Flows, HandoffStep, LinkSpec, PickStep, WalkStep
from bot.domain.messages import Button, Link, Reply
from bot.domain.pick_labels import pick_labels
from bot.domain.state import ConversationState
from bot.domain.templates import Facts, Item, Wording
from bot.domain.web_urls import is_web_url

PICK_LIMIT = 5  # procedures offered by a pick step (Zalo shows at most 5 buttons per message)
PICK_PREFIX = "p:"
Waiting = AskStep | PickStep | WalkStep | HandoffStep


@lru_cache(maxsize=4096)
def template(source: str) -> templates.Template:
    return templates.parse(source)


@lru_cache(maxsize=4096)
def condition(source: str) -> conditions.Expr:
    return conditions.parse(source)


def wording_of(flows: Flows) -> Wording:
    return Wording(
        terms=flows.terms,
        formats={key: template(source) for key, source in flows.formats.items()},
        unverified_mark=flows.messages.unverified,
        uncertain=flows.uncertain,
    )


@dataclass(frozen=True, slots=True)
class Offer:
    """A button on the waiting message, with what it does."""

    id: str
    label: str
    spec: ButtonSpec | None = None  # None for walk next/stuck, picked procedures and commands
    words: tuple[str, ...] = ()


class Renderer:
    def __init__(self, catalogue: Catalogue, flows: Flows) -> None:
        self.catalogue, self.flows = catalogue, flows
        self.wording = wording_of(flows)
        self.plain_wording = replace(self.wording, unverified_mark="")  # a label is a name: never marked
        self.home = flows.resolve(flows.settings.home, flows.settings.home) or ("", "")

    # --- facts -------------------------------------------------------------------------------------
    def procedure(self, state: ConversationState) -> Procedure | None:
        return self.catalogue.get(state.procedure) if state.procedure else None

    def facts(self, state: ConversationState, item: Item | None = None) -> Facts:
        return Facts(
            procedure=self.procedure(state),
            answers=state.slots,
            search={"decision": state.decision, "count": len(state.matches)},
            flow={"called": len(state.stack) > 1},
            item=item,
        )

    def render(self, source: str, facts: Facts) -> str:
        return templates.render(template(source), facts, self.wording)

    def plain(self, source: str, facts: Facts) -> str:
        """Without unverified marks: labels, addresses, search words are names, not claims."""
        return templates.render(template(source), facts, self.plain_wording)

    def holds(self, source: str, facts: Facts) -> bool | None:
        return conditions.evaluate(condition(source), facts.lookup)

    # --- the waiting message -------------------------------------------------------------------------
    def walk_items(self, state: ConversationState, step: WalkStep) -> list[BaseModel]:
        """The walk's records, or [] when there is nothing (left) to show."""
        found = self.facts(state).lookup(tuple(step.walk.split(".")))
        items = [i for i in found if isinstance(i, BaseModel)] if isinstance(found, list | tuple) else []
        return items if state.stack[-1].walk_index < len(items) else []

    def walk_item(self, state: ConversationState, step: WalkStep) -> Item:
        items = self.walk_items(state, step)
        index = state.stack[-1].walk_index
        return Item(step.walk.split(".", 1)[1], items[index], index + 1, len(items))

    def waiting_message(self, state: ConversationState, step: Waiting) -> tuple[Reply, list[Offer]]:
        frame = state.stack[-1]
        prefix = f"{frame.flow}.{step.id}."
        facts = self.facts(state)
        offers: list[Offer] = []
        links: tuple[Link, ...] = ()
        if isinstance(step, WalkStep):
            facts = self.facts(state, self.walk_item(state, step))
            offers.append(
                Offer(
                    prefix + "next",
                    self.plain(step.continue_button, facts),
                    None,
                    tuple(step.continue_words),
                )
            )
            stuck_label = self.plain(step.stuck_button, facts)
            stuck = Offer(prefix + "stuck", stuck_label, None, tuple(step.stuck_words))
            if state.walk_help:
                text = self.render(step.help, facts) or self.render(step.no_help, facts)
                if step.stuck_again is not None:  # stuck twice on one item: offered once the help is shown
                    offers.append(stuck)
                offers += self.buttons(step.buttons, prefix, facts)
            else:
                text = self.render(step.text, facts)
                offers.append(stuck)
        elif isinstance(step, PickStep):
            text = self.render(step.pick, facts)
            found = [(id_, self.catalogue.get(id_)) for id_ in state.matches[:PICK_LIMIT]]
            offered = [(id_, p) for id_, p in found if p is not None]  # the id asked: old portal ids too
            labels = pick_labels([(p.short_name, p.name) for _, p in offered])
            offers += [
                Offer(PICK_PREFIX + id_, label) for (id_, _), label in zip(offered, labels, strict=True)
            ]
            offers += self.buttons(step.buttons, prefix, facts)
        elif isinstance(step, HandoffStep):
            text = self.render(step.handoff, facts)  # a person answers next; the menu is the way out
        else:
            text = self.render(step.ask, facts)
            links = self.links(step.links, facts)
            offers += self.buttons(step.buttons, prefix, facts)
        offers += self.menu_offer(state, offers)
        buttons = tuple(Button(o.id, o.label) for o in offers)
        return Reply(text, buttons, links), offers

    def links(self, specs: list[LinkSpec], facts: Facts) -> tuple[Link, ...]:
        """The links whose label and address are known (a procedure without a `source` has no page)."""
        rendered = [Link(self.plain(k.label, facts), self.plain(k.url, facts)) for k in specs]
        # Only web addresses become links, whatever a template filled in (never javascript: or data:).
        return tuple(link for link in rendered if link.label and is_web_url(link.url))

    def buttons(self, specs: list[ButtonSpec], prefix: str, facts: Facts) -> list[Offer]:
        """The buttons whose `when:` holds; a command button keeps the command's own id."""
        return [
            Offer(spec.command or prefix + spec.id, self.plain(spec.label, facts), spec, tuple(spec.words))
            for spec in specs
            if spec.when is None or self.holds(spec.when, facts) is True
        ]

    def menu_offer(self, state: ConversationState, offers: list[Offer]) -> list[Offer]:
        """The never-dead-end rule: outside the home flow, every waiting message offers the menu."""
        name = self.flows.settings.menu_button
        if name is None or state.stack[-1].flow == self.home[0]:
            return []
        command = self.flows.commands[name]
        home_flow = command.goto
        if any(o.id == name or (o.spec is not None and o.spec.goto == home_flow) for o in offers):
            return []
        return [Offer(name, command.label, None, tuple(command.words))]
