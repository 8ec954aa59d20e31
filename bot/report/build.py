"""The whole report, in order: records -> figures -> tables -> charts -> HTML; then files on disk.

`make_report` is synchronous and CPU-bound (drawing charts takes a fraction of a second each): the API
runs it in a worker thread, the command line directly.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.catalogue import Catalogue
from bot.domain.flows import Flows
from bot.report.csv_out import write_csv
from bot.report.figures import Figures, compute
from bot.report.flow_map import FlowMap
from bot.report.history import History
from bot.report.html import page
from bot.report.labels import Labels
from bot.report.load import load_history
from bot.report.quarter import Quarter
from bot.report.tables import ReportTables, build_tables
from bot.report.texts import ReportTexts

HTML_NAME = "report.html"
CHARTS_DIR = "charts"


@dataclass(frozen=True)
class ReportContent:
    """What the report reads besides the database: its words, and the names of procedures and flows."""

    texts: ReportTexts
    catalogue: Catalogue
    flows: Flows
    labels: Labels = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", Labels(self.texts, self.catalogue, self.flows))


@dataclass(frozen=True)
class Report:
    figures: Figures
    tables: ReportTables
    charts: dict[str, bytes]  # file stem -> PNG: weeks, procedures, funnel-<flow>
    html: str


def make_report(
    history: History, quarter: Quarter, content: ReportContent, now: dt.datetime | None = None
) -> Report:
    figures = compute(history, quarter, FlowMap(content.flows))
    if now is not None:
        figures = replace(figures, generated_at=now)
    tables = build_tables(figures, content.labels)
    drawn = draw(figures, content.labels)
    return Report(figures, tables, drawn, page(figures, tables, drawn, content.labels))


def draw(figures: Figures, labels: Labels) -> dict[str, bytes]:
    """The charts there is something to draw for."""
    # matplotlib takes most of a second to import: the web server loads it at the first report, not at start.
    from bot.report import charts

    drawn: dict[str, bytes] = {}
    if figures.totals.conversations:
        drawn["weeks"] = charts.weekly_volume(figures, labels)
    if figures.procedures:
        drawn["procedures"] = charts.top_procedures(figures, labels)
    for flow in figures.flows:
        if flow.started:
            drawn[f"funnel-{flow.flow}"] = charts.funnel(flow, labels)
    return drawn


async def report_from_database(engine: AsyncEngine, quarter: Quarter, content: ReportContent) -> Report:
    history = await load_history(engine, quarter)
    return await asyncio.to_thread(make_report, history, quarter, content)


def write_report(report: Report, folder: Path) -> list[Path]:
    """report.html, one CSV per table and charts/*.png in `folder` (created); the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = [write_csv(table, folder) for table in report.tables.all()]
    html = folder / HTML_NAME
    html.write_text(report.html, encoding="utf-8")
    written.append(html)
    if report.charts:
        (folder / CHARTS_DIR).mkdir(exist_ok=True)
    for name, png in report.charts.items():
        path = folder / CHARTS_DIR / f"{name}.png"
        path.write_bytes(png)
        written.append(path)
    return written
