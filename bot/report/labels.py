"""Names for what the figures hold as ids: channels, outcomes and statuses from report.yaml, procedures
from the catalogue, flows and steps from flows.yaml. An id nobody names is shown as it is."""

from __future__ import annotations

import re

from bot.domain.catalogue import Catalogue, Procedure
from bot.domain.flows import Flows, WalkStep
from bot.report.texts import ReportTexts

STEP_TEXT_CHARS = 70  # a step is named by the start of what it says, enough to recognise it
MIN_LETTERS = 12
_SLOT = re.compile(r"\{[^{}]*\}")
_SPACES = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<=[.?!:])\s")


class Labels:
    def __init__(self, texts: ReportTexts, catalogue: Catalogue, flows: Flows) -> None:
        self.texts, self.catalogue, self.flows = texts, catalogue, flows

    def channel(self, channel: str) -> str:
        return self.texts.channels.get(channel, channel)

    def decision(self, decision: str) -> str:
        return self.texts.decisions.get(decision, decision)

    def outcome(self, outcome: str) -> str:
        return self.texts.outcomes.get(outcome, outcome)

    def procedure(self, procedure_id: str | None) -> str:
        found = self.catalogue.get(procedure_id) if procedure_id else None
        return found.name if found else self._unknown(procedure_id)

    def short_procedure(self, procedure_id: str) -> str:
        found = self.catalogue.get(procedure_id)
        return found.short_name if found else self._unknown(procedure_id)

    def linked(self, payload: str) -> Procedure | None:
        """The procedure a deep link names, by id or by national code (leaflets print either)."""
        return (
            self.catalogue.get(payload)
            or self.catalogue.get(payload.lower())
            or self.catalogue.by_code(payload)
        )

    def flow(self, flow: str) -> str:
        found = self.flows.flows.get(flow)
        return found.title if found else flow

    def step(self, flow: str, step_id: str) -> str:
        """What the step says first, its placeholders shown as "…"; the step's id when that says little
        (a walk's "Bước {list.number}/{list.total}: {item.title}" is all placeholders)."""
        step = self.flows.step(flow, step_id)
        if isinstance(step, WalkStep):  # "Bước {item.number}/{item.count}: {item.title}" names nothing
            return self.texts.walk_step
        said = getattr(step, getattr(step, "kind", ""), None)
        if not isinstance(said, str):
            return step_id
        plain = _SPACES.sub(" ", _SLOT.sub("…", said)).strip()
        first = _SENTENCE_END.split(plain, maxsplit=1)[0]
        if _letters(first) < MIN_LETTERS:  # e.g. a card that starts "{procedure.name}": say more of it
            first = plain.lstrip("… ")
        if _letters(first) < MIN_LETTERS:
            # Mostly facts ("Lệ phí “…”: …"): the flow's title says where it stands.
            title = self.flows.flows[flow].title
            if not title:
                return step_id
            first = f"{title}: {first}" if _letters(first) else title
        return first if len(first) <= STEP_TEXT_CHARS else first[: STEP_TEXT_CHARS - 1].rstrip() + "…"

    def _unknown(self, value: str | None) -> str:
        return f"{value} {self.texts.unknown}" if value else self.texts.unknown


def _letters(text: str) -> int:
    return sum(c.isalpha() for c in text)
