"""The report's charts as PNG images (matplotlib, Agg: no display, no pyplot state).

Sized for an A4 page with 15 mm margins (17 cm wide), drawn at 170 dpi, which is what the page prints
them at. Labels are Vietnamese, so the font must have every diacritic: Noto Sans (Debian:
fonts-noto-core), else DejaVu Sans, which matplotlib ships and which also covers Vietnamese.
Matplotlib's text layout shares font caches between figures and is not thread-safe; the API renders
the report in a worker thread, so one lock serialises the drawing.
"""

from __future__ import annotations

import io
import textwrap
import threading
from collections.abc import Sequence
from contextlib import AbstractContextManager
from functools import cache

from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ticker import MaxNLocator

from bot.report.figures import Figures
from bot.report.funnel import FlowCount
from bot.report.labels import Labels

WIDTH_INCHES = 6.7  # 17 cm
DPI = 170
PALETTE = ("#1f5f8b", "#e07b39", "#3a9d5d", "#8a5aa8", "#c94c4c", "#6b7a8f")
STARTED, STEP, COMPLETED = "#1f5f8b", "#7fa7c9", "#3a9d5d"
LABEL_WIDTH, LABEL_LINES = 30, 2  # bar labels wrap rather than squeeze the bars
TITLE_WIDTH = 90
_drawing = threading.Lock()


@cache
def font_family() -> str:
    """Noto Sans when the system has it, else matplotlib's own DejaVu Sans."""
    try:
        findfont(FontProperties(family="Noto Sans"), fallback_to_default=False)
    except ValueError:
        return "DejaVu Sans"
    return "Noto Sans"


def _figure(height: float) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure, axes


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


def _style() -> AbstractContextManager[None]:
    return rc_context({"font.family": font_family(), "font.size": 8.5})


def weekly_volume(figures: Figures, labels: Labels) -> bytes:
    """Conversations begun each week, stacked by channel, with the week's total above its bar."""
    channels = sorted(c.channel for c in figures.channels)
    ticks = [w.week.first.strftime("%d/%m") for w in figures.weeks]
    with _drawing, _style():
        figure, axes = _figure(2.9)
        bottom = [0] * len(figures.weeks)
        for i, channel in enumerate(channels):
            values = [w.conversations.get(channel, 0) for w in figures.weeks]
            axes.bar(
                ticks, values, bottom=bottom, color=PALETTE[i % len(PALETTE)], label=labels.channel(channel)
            )
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        for x, total in enumerate(bottom):
            if total:
                axes.annotate(
                    str(total),
                    (x, total),
                    ha="center",
                    va="bottom",
                    fontsize=7,
                    xytext=(0, 2),
                    textcoords="offset points",
                )
        _title(figure, labels.texts.charts.weeks_title)
        axes.set_ylabel(labels.texts.charts.weeks_axis)
        axes.set_xlabel(labels.texts.charts.weeks_dates)
        axes.tick_params(axis="x", labelsize=7)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.margins(y=0.12)
        if channels:  # outside the bars, so a tall week never hides behind it
            figure.legend(frameon=False, ncols=len(channels), loc="outside lower center")
        return _png(figure)


def funnel(flow: FlowCount, labels: Labels) -> bytes:
    """Started, each step reached, completed: one horizontal bar each, top to bottom."""
    words = labels.texts.columns
    names = [words.started, *(labels.step(flow.flow, s.step) for s in flow.steps), words.completed]
    values = [flow.started, *(s.reached for s in flow.steps), flow.completed]
    colours = [STARTED, *([STEP] * len(flow.steps)), COMPLETED]
    title = labels.texts.charts.funnel_title.replace("{flow}", labels.flow(flow.flow))
    with _drawing, _style():
        return _horizontal(names, values, colours, title, labels.texts.charts.funnel_axis)


def top_procedures(figures: Figures, labels: Labels) -> bytes:
    names = [labels.short_procedure(p.procedure) for p in figures.procedures]
    values = [p.conversations for p in figures.procedures]
    charts = labels.texts.charts
    with _drawing, _style():
        return _horizontal(
            names, values, [PALETTE[0]] * len(values), charts.procedures_title, charts.procedures_axis
        )


def _horizontal(
    names: Sequence[str], values: Sequence[int], colours: Sequence[str], title: str, axis: str
) -> bytes:
    wrapped = [_wrap(name) for name in names]
    lines = sum(1 + name.count("\n") for name in wrapped)
    figure, axes = _figure(1.0 + 0.2 * lines + 0.1 * len(names))
    positions = list(range(len(names)))
    axes.barh(positions, values, color=colours, height=0.65)
    axes.set_yticks(positions, wrapped)
    axes.invert_yaxis()  # the first bar on top, as the table reads
    for y, value in zip(positions, values, strict=True):
        axes.annotate(
            str(value), (value, y), va="center", fontsize=7.5, xytext=(3, 0), textcoords="offset points"
        )
    _title(figure, title)
    axes.set_xlabel(axis)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.margins(x=0.1)
    return _png(figure)


def _title(figure: Figure, title: str) -> None:
    """Across the whole width, from the left edge: long flow titles need the room the bar labels take."""
    figure.suptitle(textwrap.fill(title, TITLE_WIDTH), x=0.01, ha="left", fontsize=10, fontweight="bold")


def _wrap(label: str) -> str:
    return textwrap.fill(label, LABEL_WIDTH, max_lines=LABEL_LINES, placeholder="…")
