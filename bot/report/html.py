"""The report as one self-contained HTML page: inline CSS, charts as data: PNG, nothing fetched.

Printable as it is (A4, print CSS): open it in a browser and print to PDF, or let `motcua report --pdf`
do that with headless Chromium. Every value is escaped on the way in; words come from report.yaml and
numbers from the same tables the CSV files are written from.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from importlib import resources

from bot.outreach.render import Html, join, render_in
from bot.report.figures import Figures
from bot.report.labels import Labels
from bot.report.quarter import VIETNAM
from bot.report.table import Row, Table, page_text
from bot.report.tables import ReportTables
from bot.report.texts import Section, fill


def render(name: str, /, **values: object) -> Html:
    """Fill templates/`name`; a slot without a value is an error, never an empty hole."""
    return render_in("bot.report", name, **values)


def table_html(table: Table) -> Html:
    """The table without its id columns (the page shows the name beside each id)."""
    shown = [i for i, c in enumerate(table.columns) if c.kind != "id"]

    def cells(row: Row) -> list[str]:
        return [page_text(row[i]) for i in shown]

    return render(
        "table.html",
        css="figures pairs" if len(shown) == 2 else "figures",  # a list of values: no need for full width
        name=table.name,
        numeric=[table.columns[i].kind == "number" for i in shown],
        head=cells(tuple(c.label for c in table.columns)),
        rows=[cells(row) for row in table.rows],
        foot=cells(table.total) if table.total else None,
    )


def chart_html(png: bytes | None, alt: str) -> Html:
    if png is None:
        return Html("")
    return render("chart.html", png=base64.b64encode(png).decode("ascii"), alt=alt)


def page(figures: Figures, tables: ReportTables, charts: Mapping[str, bytes], labels: Labels) -> str:
    texts = labels.texts
    quarter = figures.quarter
    no_rows = render("note.html", text=texts.no_rows)

    def body(
        table: Table | None, chart: str | None = None, alt: str = "", empty: str | None = None
    ) -> tuple[Html, Html]:
        """The part kept with the heading (a chart, or else the table), and the rest. `empty` is what an
        empty section says instead of the general notes (a plain "nothing yet" for its feature)."""
        if empty is not None and (table is None or not table.rows):
            return render("note.html", text=empty), Html("")
        if table is None:
            return render("note.html", text=texts.no_data_yet), Html("")
        if not table.rows:
            return no_rows, Html("")
        png = charts.get(chart or "")
        return (chart_html(png, alt), table_html(table)) if png else (table_html(table), Html(""))

    s = texts.sections
    funnel = (
        (table_html(tables.flows), _flows(figures, tables, charts, labels))
        if figures.flows
        else (no_rows, Html(""))
    )
    sections: list[tuple[str, Section, tuple[Html, Html]]] = [
        ("channels", s.channels, body(tables.channels)),
        ("weeks", s.weeks, body(tables.weeks, "weeks", texts.charts.weeks_title)),
        ("procedures", s.procedures, body(tables.procedures, "procedures", texts.charts.procedures_title)),
        ("funnel", s.funnel, funnel),
        ("searches", s.searches, body(tables.searches)),
        ("questions", s.questions, body(tables.questions)),
        ("feedback", s.feedback, body(tables.feedback)),
        ("handoffs", s.handoffs, _with(body(tables.handoffs), tables.handoff_wards)),
        ("assisted", s.assisted, body(tables.assisted, empty=texts.no_assisted)),
        ("scans", s.scans, body(tables.scans)),
        ("definitions", s.definitions, (_definitions(texts.definitions), Html(""))),
    ]
    generated = figures.generated_at.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")
    keys = join(render("key.html", value=page_text(v), label=str(k)) for k, v in tables.summary.rows)
    return render(
        "report.html",
        css=Html(
            resources.files("bot.report").joinpath("templates", "report.css").read_text(encoding="utf-8")
        ),
        heading=texts.heading,
        title=fill(texts.title, quarter=str(quarter)),
        period=fill(texts.period, first=page_text(quarter.first_day), last=page_text(quarter.last_day)),
        generated=fill(texts.generated, time=generated),
        summary_label=texts.key_figures,
        keys=keys,
        contents=texts.contents,
        toc=join(render("toc.html", id=key, title=section.title) for key, section, _ in sections),
        sections=join(
            render("section.html", id=key, title=section.title, intro=section.intro, lead=lead, rest=rest)
            for key, section, (lead, rest) in sections
        ),
    )


def _flows(figures: Figures, tables: ReportTables, charts: Mapping[str, bytes], labels: Labels) -> Html:
    """Each flow someone started: its chart, then its steps."""
    parts = []
    for flow in figures.flows:
        if not flow.started:
            continue
        steps = tables.steps.where("flow", flow.flow, f"flow_steps-{flow.flow}")
        title = labels.flow(flow.flow)
        chart = chart_html(charts.get(f"funnel-{flow.flow}"), title)
        parts.append(
            render("flow.html", id=f"flow-{flow.flow}", title=title, chart=chart, table=table_html(steps))
        )
    return join(parts)


def _with(parts: tuple[Html, Html], table: Table | None) -> tuple[Html, Html]:
    """A section's parts with one more table after them, when it has rows."""
    lead, rest = parts
    return (lead, join([rest, table_html(table)])) if table is not None and table.rows else parts


def _definitions(items: list[str]) -> Html:
    return render("definitions.html", items=items)
