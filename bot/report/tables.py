"""`Figures` -> the report's tables, labelled with report.yaml, the catalogue and flows.yaml."""

from __future__ import annotations

from dataclasses import dataclass, fields

from bot.report.figures import FeedbackFigure, Figures
from bot.report.labels import Labels
from bot.report.table import Column, Row, Table, columns, share


@dataclass(frozen=True)
class ReportTables:
    summary: Table
    channels: Table
    weeks: Table
    procedures: Table
    flows: Table
    steps: Table
    searches: Table
    questions: Table
    feedback: Table
    scans: Table
    handoffs: Table | None  # None: no data yet (the feature's table is not in the database)
    handoff_wards: Table | None
    assisted: Table | None

    def all(self) -> list[Table]:
        found = [getattr(self, f.name) for f in fields(self)]
        return [t for t in found if t is not None]


def build_tables(figures: Figures, labels: Labels) -> ReportTables:
    return ReportTables(
        summary=summary(figures, labels),
        channels=channels(figures, labels),
        weeks=weeks(figures, labels),
        procedures=procedures(figures, labels),
        flows=flows(figures, labels),
        steps=steps(figures, labels),
        searches=searches(figures, labels),
        questions=questions(figures, labels),
        feedback=feedback(figures, labels),
        scans=scans(figures, labels),
        handoffs=handoffs(figures, labels),
        handoff_wards=handoff_wards(figures, labels),
        assisted=assisted(figures, labels),
    )


def summary(figures: Figures, labels: Labels) -> Table:
    words = labels.texts.summary
    found = sum(s.searches for s in figures.searches if s.decision == "match")
    rows: tuple[Row, ...] = (
        (words.conversations, figures.totals.conversations),
        (words.citizens, figures.totals.citizens),
        (words.messages, figures.totals.messages),
        (words.searches_found, share(found, sum(s.searches for s in figures.searches))),
        (words.helpful_share, share(figures.feedback.helpful, figures.feedback.answers)),
        (words.scans, sum(s.scans for s in figures.scans)),
    )
    return Table("summary", columns(labels.texts, "figure:text value"), rows)


def channels(figures: Figures, labels: Labels) -> Table:
    total = figures.totals.conversations
    rows = tuple(
        (c.channel, labels.channel(c.channel), c.conversations, share(c.conversations, total), c.messages)
        for c in figures.channels
    )
    footer = ("", labels.texts.total, total, share(total, total), figures.totals.messages)
    spec = "channel:id channel_name:text conversations share messages"
    return Table("channels", columns(labels.texts, spec), rows, footer)


def weeks(figures: Figures, labels: Labels) -> Table:
    """One column per channel: conversations begun that week; the whole quarter as the last row."""
    names = sorted(c.channel for c in figures.channels)
    per_channel = tuple(Column(f"channel_{c}", labels.channel(c)) for c in names)
    rows: tuple[Row, ...] = tuple(
        (w.week.key, w.week.first, w.week.last, *[w.conversations.get(c, 0) for c in names], *w.counts)
        for w in figures.weeks
    )
    quarter, totals = figures.quarter, figures.totals
    footer: Row = (labels.texts.whole_period, quarter.first_day, quarter.last_day)
    footer += tuple(sum(w.conversations.get(c, 0) for w in figures.weeks) for c in names)
    footer += (totals.conversations, totals.citizens, totals.messages)
    head = columns(labels.texts, "week:text first_day:date last_day:date")
    tail = columns(labels.texts, "conversations citizens messages")
    return Table("weeks", (*head, *per_channel, *tail), rows, footer)


def procedures(figures: Figures, labels: Labels) -> Table:
    total = figures.totals.conversations
    rows = tuple(
        (rank, p.procedure, labels.procedure(p.procedure), p.conversations, share(p.conversations, total))
        for rank, p in enumerate(figures.procedures, start=1)
    )
    spec = "rank procedure:id procedure_name:text conversations share"
    return Table("procedures", columns(labels.texts, spec), rows)


def flows(figures: Figures, labels: Labels) -> Table:
    rows = tuple(
        (f.flow, labels.flow(f.flow), f.started, f.completed, share(f.completed, f.started), f.abandoned)
        for f in figures.flows
    )
    spec = "flow:id flow_name:text started completed completion abandoned"
    return Table("flows", columns(labels.texts, spec), rows)


def steps(figures: Figures, labels: Labels) -> Table:
    rows = tuple(
        (f.flow, s.step, labels.step(f.flow, s.step), s.reached, share(s.reached, f.started), s.abandoned)
        for f in figures.flows
        for s in f.steps
    )
    spec = "flow:id step:id step_text:text reached reached_share abandoned"
    return Table("flow_steps", columns(labels.texts, spec), rows)


def searches(figures: Figures, labels: Labels) -> Table:
    total = sum(s.searches for s in figures.searches)
    rows = tuple(
        (s.decision, labels.decision(s.decision), s.searches, share(s.searches, total), s.conversations)
        for s in figures.searches
    )
    footer = ("", labels.texts.total, total, share(total, total), None)
    spec = "decision:id decision_name:text searches share conversations"
    return Table("searches", columns(labels.texts, spec), rows, footer)


def questions(figures: Figures, labels: Labels) -> Table:
    rows = tuple(
        (rank, q.text, q.times, q.conversations) for rank, q in enumerate(figures.questions, start=1)
    )
    return Table("questions", columns(labels.texts, "rank question:text times conversations"), rows)


def feedback(figures: Figures, labels: Labels) -> Table:
    def row(f: FeedbackFigure, name: str) -> Row:
        return (
            f.procedure or "",
            name,
            f.answers,
            f.helpful,
            f.not_helpful,
            share(f.helpful, f.answers),
            f.comments,
        )

    no_procedure = labels.texts.no_procedure
    rows = tuple(
        row(f, labels.procedure(f.procedure) if f.procedure else no_procedure)
        for f in figures.feedback_by_procedure
    )
    spec = "procedure:id procedure_name:text answers helpful not_helpful helpful_share comments"
    return Table(
        "feedback", columns(labels.texts, spec), rows, row(figures.feedback, labels.texts.all_procedures)
    )


def scans(figures: Figures, labels: Labels) -> Table:
    """By the code the link carried; a code that names no procedure (a misprint) is shown as unknown."""
    rows = []
    for s in figures.scans:
        linked = labels.linked(s.payload)
        name = linked.name if linked else labels.texts.unknown
        rows.append((s.payload, linked.id if linked else "", name, s.scans, s.conversations))
    footer = ("", "", labels.texts.total, sum(s.scans for s in figures.scans), None)
    spec = "payload:text procedure:id procedure_name:text scans conversations"
    return Table("scans", columns(labels.texts, spec), tuple(rows), footer)


def handoffs(figures: Figures, labels: Labels) -> Table | None:
    h = figures.handoffs
    if h is None:
        return None
    words = labels.texts.handoffs
    rows: list[Row] = [
        (words.requested, h.waits.requested),
        (words.claimed, h.waits.claimed),
        (words.unclaimed, h.waits.requested - h.waits.claimed),
        (words.median_wait, h.waits.median_wait_minutes),
        (words.p90_wait, h.waits.p90_wait_minutes),
        (words.in_hours, h.in_hours.requested),
        (words.in_hours_median_wait, h.in_hours.median_wait_minutes),
        (words.rated, h.rated),
        (words.mean_rating, h.mean_rating),
    ]
    rows += [(f"{words.outcome}: {labels.outcome(outcome)}", count) for outcome, count in h.outcomes.items()]
    return Table("handoffs", columns(labels.texts, "figure:text value"), tuple(rows))


def handoff_wards(figures: Figures, labels: Labels) -> Table | None:
    h = figures.handoffs
    if h is None:
        return None
    rows: tuple[Row, ...] = tuple(
        (w.ward, w.waits.requested, w.waits.claimed, w.waits.median_wait_minutes, w.waits.p90_wait_minutes)
        for w in h.wards
    )
    spec = "ward:text requested claimed median_wait p90_wait"
    return Table("handoff_wards", columns(labels.texts, spec), rows)


def assisted(figures: Figures, labels: Labels) -> Table | None:
    a = figures.assisted
    if a is None:
        return None
    rows: tuple[Row, ...] = tuple((w.ward or labels.texts.unknown, w.sessions, w.volunteers) for w in a.wards)
    footer: Row = (labels.texts.total, a.sessions, a.volunteers)
    return Table("assisted", columns(labels.texts, "ward:text sessions volunteers"), rows, footer)
