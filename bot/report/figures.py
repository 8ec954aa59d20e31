"""`History` -> `Figures`: the report's numbers, computed from the event log and nothing else.

Definitions (they are printed in the report, from report.yaml):
- a conversation is a (channel, pseudonymous citizen) with at least one turn in the period; a citizen is
  one pseudonym (channels give different ids, so one person on two channels counts twice);
- a procedure is asked about in a conversation when any turn of it has that procedure as its subject;
- a search is a turn that searched the catalogue; an unanswered question is the text of a search that found
  nothing (already masked: ID and phone numbers never reach the log);
- a leaflet scan is a turn that opened the bot with a deep link (the payload names a procedure).
Pure: no I/O, no labels, no catalogue; `tables.py` puts names and words on these numbers.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from bot.domain.text import command_key
from bot.report.flow_map import FlowMap
from bot.report.funnel import FlowCount, funnels
from bot.report.history import EventRecord, FeedbackRecord, History
from bot.report.people import AssistedFigures, HandoffFigures, assisted_figures, handoff_figures
from bot.report.quarter import Quarter, Week

TOP = 10  # rows in "most asked procedures" and "top unanswered questions"
DECISIONS = ("match", "choose", "none")
START_KIND = "start"


@dataclass(frozen=True, slots=True)
class Totals:
    conversations: int
    citizens: int
    messages: int


@dataclass(frozen=True, slots=True)
class ChannelFigure:
    channel: str
    conversations: int  # also its citizens: one citizen has one conversation per channel and period
    messages: int


@dataclass(frozen=True, slots=True)
class WeekFigure:
    week: Week
    conversations: dict[str, int]  # begun this week, by channel: every channel of the period, 0 if none
    citizens: int  # who wrote this week, whenever their conversation began
    messages: int

    @property
    def total(self) -> int:
        return sum(self.conversations.values())

    @property
    def counts(self) -> tuple[int, int, int]:
        """Conversations begun, citizens, turns: the week's row after its per-channel columns."""
        return self.total, self.citizens, self.messages


@dataclass(frozen=True, slots=True)
class ProcedureFigure:
    procedure: str
    conversations: int


@dataclass(frozen=True, slots=True)
class SearchFigure:
    decision: str
    searches: int
    conversations: int


@dataclass(frozen=True, slots=True)
class QuestionFigure:
    text: str  # the most frequent wording (spellings are grouped without case, accents, punctuation)
    times: int
    conversations: int


@dataclass(frozen=True, slots=True)
class FeedbackFigure:
    procedure: str | None  # None: the whole period
    helpful: int
    not_helpful: int
    comments: int

    @property
    def answers(self) -> int:
        return self.helpful + self.not_helpful


@dataclass(frozen=True, slots=True)
class ScanFigure:
    payload: str  # what the link carried: a procedure id or code
    scans: int
    conversations: int


@dataclass(frozen=True)
class Figures:
    quarter: Quarter
    totals: Totals
    channels: list[ChannelFigure]
    weeks: list[WeekFigure]
    procedures: list[ProcedureFigure]
    flows: list[FlowCount]
    searches: list[SearchFigure]
    questions: list[QuestionFigure]
    feedback: FeedbackFigure
    feedback_by_procedure: list[FeedbackFigure]
    scans: list[ScanFigure]
    handoffs: HandoffFigures | None = None  # None: the database has no handoffs yet
    assisted: AssistedFigures | None = None  # None: no assisted sessions table yet
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def to_json(self) -> dict[str, Any]:
        plain = _plain(self)
        assert isinstance(plain, dict)
        plain["quarter"] = str(self.quarter)
        plain["start"], plain["end"] = self.quarter.first_day.isoformat(), self.quarter.last_day.isoformat()
        return plain


def compute(history: History, quarter: Quarter, flow_map: FlowMap) -> Figures:
    """Every figure of the report, from the records of one quarter (records outside it are ignored)."""
    start, end = quarter.start, quarter.end
    events = [e for e in history.events if start <= e.at < end]
    feedback = [f for f in history.feedback if start <= f.at < end]
    return Figures(
        quarter=quarter,
        totals=Totals(len({e.conversation for e in events}), len({e.user_hash for e in events}), len(events)),
        channels=channel_figures(events),
        weeks=week_figures(events, quarter),
        procedures=procedure_figures(events),
        flows=funnels(flow_map, events),
        searches=search_figures(events),
        questions=unanswered(events),
        feedback=_feedback("", feedback),
        feedback_by_procedure=feedback_figures(feedback),
        scans=scan_figures(events),
        handoffs=None if history.handoffs is None else handoff_figures(history.handoffs, quarter),
        assisted=None if history.assisted is None else assisted_figures(history.assisted, quarter),
    )


def channel_figures(events: list[EventRecord]) -> list[ChannelFigure]:
    by_channel: dict[str, list[EventRecord]] = defaultdict(list)
    for event in events:
        by_channel[event.channel].append(event)
    found = [
        ChannelFigure(c, len({e.user_hash for e in turns}), len(turns)) for c, turns in by_channel.items()
    ]
    return sorted(found, key=lambda f: (-f.conversations, f.channel))


def week_figures(events: list[EventRecord], quarter: Quarter) -> list[WeekFigure]:
    """Per week: conversations begun (so the weeks add up to the period's total), citizens who wrote,
    and turns."""
    channels = sorted({e.channel for e in events})
    first: dict[tuple[str, str], dt.datetime] = {}
    citizens: dict[str, set[str]] = defaultdict(set)
    messages: Counter[str] = Counter()
    for event in events:
        week = quarter.week_of(event.at)
        citizens[week].add(event.user_hash)
        messages[week] += 1
        if event.conversation not in first or event.at < first[event.conversation]:
            first[event.conversation] = event.at
    begun: dict[str, Counter[str]] = defaultdict(Counter)
    for (channel, _), at in first.items():
        begun[quarter.week_of(at)][channel] += 1
    return [
        WeekFigure(w, {c: begun[w.key][c] for c in channels}, len(citizens[w.key]), messages[w.key])
        for w in quarter.weeks()
    ]


def procedure_figures(events: list[EventRecord]) -> list[ProcedureFigure]:
    asked = Counter(
        procedure for _, procedure in {(e.conversation, e.procedure) for e in events if e.procedure}
    )
    ranked = sorted(asked.items(), key=lambda item: (-item[1], item[0]))[:TOP]
    return [ProcedureFigure(procedure, count) for procedure, count in ranked]


def search_figures(events: list[EventRecord]) -> list[SearchFigure]:
    by_decision: dict[str, list[EventRecord]] = defaultdict(list)
    for event in events:
        if event.decision:
            by_decision[event.decision].append(event)
    # The three outcomes always, in their natural order; anything else a later engine writes, after them.
    order = [*DECISIONS, *sorted(set(by_decision) - set(DECISIONS))]
    return [
        SearchFigure(d, len(by_decision[d]), len({e.conversation for e in by_decision[d]})) for d in order
    ]


def unanswered(events: list[EventRecord]) -> list[QuestionFigure]:
    """The questions searches found nothing for, grouped the way citizens' spellings vary."""
    wordings: dict[str, Counter[str]] = defaultdict(Counter)
    asked_in: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for event in events:
        key = command_key(event.text) if event.decision == "none" else ""
        if key:
            wordings[key][" ".join(unicodedata.normalize("NFC", event.text).split())] += 1
            asked_in[key].add(event.conversation)
    ranked = sorted(wordings, key=lambda k: (-wordings[k].total(), -len(asked_in[k]), k))[:TOP]
    return [QuestionFigure(_wording(wordings[k]), wordings[k].total(), len(asked_in[k])) for k in ranked]


def _wording(spellings: Counter[str]) -> str:
    """The spelling most citizens used; among equals the one with more diacritics (easier to read), then
    the first in alphabetical order, so the choice never depends on the order events come in."""
    return max(spellings, key=lambda w: (spellings[w], sum(not c.isascii() for c in w), [-ord(c) for c in w]))


def feedback_figures(feedback: list[FeedbackRecord]) -> list[FeedbackFigure]:
    by_procedure: dict[str | None, list[FeedbackRecord]] = defaultdict(list)
    for answer in feedback:
        by_procedure[answer.procedure].append(answer)
    found = [_feedback(procedure, answers) for procedure, answers in by_procedure.items()]
    return sorted(found, key=lambda f: (-f.answers, f.procedure is None, f.procedure or ""))


def _feedback(procedure: str | None, answers: list[FeedbackRecord]) -> FeedbackFigure:
    helpful = sum(a.helpful for a in answers)
    return FeedbackFigure(
        procedure or None, helpful, len(answers) - helpful, sum(a.commented for a in answers)
    )


def scan_figures(events: list[EventRecord]) -> list[ScanFigure]:
    starts: dict[str, list[EventRecord]] = defaultdict(list)
    for event in events:
        if event.kind == START_KIND and event.text.strip():
            starts[event.text.strip()].append(event)
    found = [
        ScanFigure(payload, len(turns), len({e.conversation for e in turns}))
        for payload, turns in starts.items()
    ]
    return sorted(found, key=lambda f: (-f.scans, f.payload))


def _plain(value: Any) -> Any:
    """A figure as JSON values: dataclasses as objects (properties included), dates as ISO text."""
    if is_dataclass(value) and not isinstance(value, type):
        out = {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
        for name in ("total", "answers", "abandoned", "key"):
            if isinstance(getattr(type(value), name, None), property):
                out[name] = _plain(getattr(value, name))
        return out
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value
