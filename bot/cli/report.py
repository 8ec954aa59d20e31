"""`motcua report`: the quarterly report as files, from the database in MOTCUA_DATABASE_URL.

    motcua report --quarter 2026-Q1 --out bao-cao-2026-q1 [--pdf]

writes report.html (self-contained, printable), one CSV per table and charts/*.png into the folder, and
with --pdf also report.pdf, printed by Debian's chromium. Quarters are in Vietnam's time.
Procedures and flows are named as the bot serves them: from the published content revision in the same
database, or the files on disk before the first start (bot/content/published.py). Invalid content
(report.yaml,
flows.yaml, procedures/) raises ContentInvalid, which `motcua` prints as FILE:LINE.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.config import Settings
from bot.content import published_content
from bot.errors import StorageError
from bot.outreach.pdf import PdfRenderer, PdfUnavailable
from bot.report.build import Report, ReportContent, report_from_database, write_report
from bot.report.quarter import BadQuarter, Quarter
from bot.report.texts import REPORT_FILE, load_report_texts
from bot.storage.database import create_engine_for

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
PDF_NAME = "report.pdf"


def add_report_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    report = sub.add_parser(
        "report", help="write the quarterly report (HTML, CSV files, charts) into a folder"
    )
    report.add_argument("--quarter", required=True, help="the quarter, e.g. 2026-Q1 (Vietnam time)")
    report.add_argument(
        "--out", required=True, type=Path, help="the folder to write into (created if missing)"
    )
    report.add_argument("--pdf", action="store_true", help="also print report.pdf (needs Debian's chromium)")


def run_report(args: argparse.Namespace, settings: Settings) -> int:
    """Run `report`; returns the exit status."""
    try:
        quarter = Quarter.parse(args.quarter)
    except BadQuarter as err:
        print(f"motcua: {err}", file=sys.stderr)
        return EXIT_USAGE
    texts = load_report_texts(REPORT_FILE)
    try:
        served = asyncio.run(published_content(settings))
        content = ReportContent(texts, served.catalogue, served.flows)
        report = asyncio.run(_from_database(settings.database_url, quarter, content))
    except StorageError as err:
        print(f"motcua: {err}", file=sys.stderr)
        return EXIT_FAILED
    out: Path = args.out
    try:
        written = write_report(report, out)
        if args.pdf:
            written.append(_print(report, out))
    except OSError as err:
        print(f"motcua: cannot write into {out}: {err.strerror}", file=sys.stderr)
        return EXIT_FAILED
    except PdfUnavailable as err:
        print(f"motcua: {err} (the HTML and CSV files are written)", file=sys.stderr)
        return EXIT_FAILED
    totals = report.figures.totals
    print(
        f"motcua: {quarter}: {totals.conversations} conversations, {totals.messages} messages; "
        f"wrote {len(written)} files into {out}",
        file=sys.stderr,
    )
    return EXIT_OK


async def _from_database(url: str, quarter: Quarter, content: ReportContent) -> Report:
    engine = create_engine_for(url)
    try:
        return await report_from_database(engine, quarter, content)
    finally:
        await engine.dispose()


def _print(report: Report, out: Path) -> Path:
    path = out / PDF_NAME
    path.write_bytes(asyncio.run(PdfRenderer().pdf(report.html)))
    return path
