"""report.yaml -> `ReportTexts`: every word of the quarterly report, for officials to correct themselves.

Some texts carry placeholders in braces ("Quý {quarter}"); each field declares the ones it accepts, so a
misspelt placeholder is a validation error with its line rather than a report printed with "{qaurter}".
Labels of open sets (channels, search outcomes, handoff statuses) are maps: a value the file does not name
is shown as it is stored, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from bot.config import CHECKOUT
from bot.content import load_model

REPORT_FILE = CHECKOUT / "report.yaml"
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _placeholders(*names: str) -> Callable[[str], str]:
    """A validator: the text uses every one of `names` and no other placeholder."""

    def check(value: str) -> str:
        if "{" in _PLACEHOLDER.sub("", value) or "}" in _PLACEHOLDER.sub("", value):
            raise ValueError("has an unmatched brace: placeholders are written {name}")
        used = set(_PLACEHOLDER.findall(value))
        if used - set(names):
            allowed = ", ".join("{" + n + "}" for n in names) or "none"
            raise ValueError(
                f"unknown placeholder {{{sorted(used - set(names))[0]}}} (allowed here: {allowed})"
            )
        if set(names) - used:
            raise ValueError(f"must contain the placeholder {{{sorted(set(names) - used)[0]}}}")
        return value

    return check


def fill(text: str, **values: str) -> str:
    """Put values into a validated text's placeholders (plain replacement: values are never parsed)."""
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


Text = Annotated[str, Field(min_length=1), AfterValidator(_placeholders())]
QuarterText = Annotated[str, Field(min_length=1), AfterValidator(_placeholders("quarter"))]
PeriodText = Annotated[str, Field(min_length=1), AfterValidator(_placeholders("first", "last"))]
TimeText = Annotated[str, Field(min_length=1), AfterValidator(_placeholders("time"))]
GivenText = Annotated[str, Field(min_length=1), AfterValidator(_placeholders("given"))]
FlowText = Annotated[str, Field(min_length=1), AfterValidator(_placeholders("flow"))]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Section(_Strict):
    title: Text
    intro: Text


class Sections(_Strict):
    channels: Section
    weeks: Section
    procedures: Section
    funnel: Section
    searches: Section
    questions: Section
    feedback: Section
    handoffs: Section
    assisted: Section
    scans: Section
    definitions: Section


class Columns(_Strict):
    """A heading for every column of every table (also the CSV files' header row)."""

    rank: Text
    channel: Text
    channel_name: Text
    conversations: Text
    share: Text
    messages: Text
    citizens: Text
    week: Text
    first_day: Text
    last_day: Text
    procedure: Text
    procedure_name: Text
    flow: Text
    flow_name: Text
    step: Text
    step_text: Text
    started: Text
    completed: Text
    completion: Text
    abandoned: Text
    reached: Text
    reached_share: Text
    decision: Text
    decision_name: Text
    searches: Text
    question: Text
    times: Text
    answers: Text
    helpful: Text
    not_helpful: Text
    helpful_share: Text
    comments: Text
    figure: Text
    value: Text
    ward: Text
    sessions: Text
    volunteers: Text
    payload: Text
    scans: Text
    requested: Text
    claimed: Text
    median_wait: Text
    p90_wait: Text


class Summary(_Strict):
    """The key figures shown first (their values are also in summary.csv)."""

    conversations: Text
    citizens: Text
    messages: Text
    searches_found: Text
    helpful_share: Text
    scans: Text


class Handoffs(_Strict):
    requested: Text
    claimed: Text
    unclaimed: Text
    median_wait: Text
    p90_wait: Text
    in_hours: Text
    in_hours_median_wait: Text
    rated: Text
    mean_rating: Text
    outcome: Text  # a row per outcome follows, "<outcome>: <label from outcomes>"


class Charts(_Strict):
    weeks_title: Text
    weeks_axis: Text
    weeks_dates: Text  # under the bars, which are labelled with the first day of their week
    funnel_title: FlowText
    funnel_axis: Text
    procedures_title: Text
    procedures_axis: Text


class ReportTexts(_Strict):
    """The whole of report.yaml."""

    heading: Text
    title: QuarterText
    bad_quarter: GivenText  # /admin/report answers this when the quarter is not written YYYY-QN
    period: PeriodText
    generated: TimeText
    contents: Text
    key_figures: Text  # names the row of key figures for screen readers
    no_data_yet: Text  # a feature whose table is not in the database yet
    no_rows: Text  # a table with nothing to show for the period
    total: Text
    whole_period: Text  # the row of a weekly table that covers the whole quarter
    all_procedures: Text
    no_procedure: Text  # feedback given outside any procedure
    unknown: Text  # a procedure or ward the data names but the catalogue does not
    walk_step: Text  # the step-by-step walk of a procedure, in the funnel (its text is all placeholders)
    no_assisted: Text  # the volunteer section before any session was recorded
    definitions: list[Text] = Field(min_length=1)
    sections: Sections
    columns: Columns
    summary: Summary
    handoffs: Handoffs
    charts: Charts
    channels: dict[str, Text]
    decisions: dict[str, Text]
    outcomes: dict[str, Text]  # how a handoff request stands: waiting, active, closed_person...


def load_report_texts(path: Path = REPORT_FILE) -> ReportTexts:
    """Read and validate report.yaml; raise ContentInvalid listing every problem as FILE:LINE."""
    return load_model(path, ReportTexts)
