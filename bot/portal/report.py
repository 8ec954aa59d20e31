"""The import's per-field report: what was read, what the page left empty, what stays "see the page"."""

from __future__ import annotations

from bot.portal.page import PARSERS, ParseReport


def format_report(report: ParseReport) -> str:
    lines = [
        f"records: {report.records} imported, {len(report.unreadable)} unreadable",
        "",
        "| field | record field | parsed | empty on the page | see the portal page | parsed % |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, (source, _parser, _target) in PARSERS.items():
        counts = report.fields[name]
        share = 100 * (counts.parsed + counts.empty) / report.records if report.records else 0.0
        lines.append(
            f"| {name} | `{source}` | {counts.parsed} | {counts.empty} | {counts.unparsed} | {share:.1f} |"
        )
    lines += [
        "",
        f"channel rows: {report.channel_rows}; with a time: {report.channel_times}; "
        f"with a fee: {report.channel_fees}",
        f"documents: {report.documents}; with a form file told apart: {report.documents_with_form}",
    ]
    reasons = [
        f"  {name}: {reason} ({count})"
        for name, counts in report.fields.items()
        for reason, count in counts.reasons.most_common()
    ]
    if reasons:
        lines += ["", "left to the portal page, why:", *reasons]
    lines += [f"unreadable: {line}" for line in report.unreadable]
    return "\n".join(lines)
