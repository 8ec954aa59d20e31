"""`motcua portal import DIR`: national-portal records -> the catalogue's portal tier (portal.json).

    motcua portal import ../shared/portal [--out portal.json] [--captured 06–07/2026]

Reads every `<ministry>/<code>.json` record under DIR, parses the flattened fields (bot/portal/), writes
the tier file and prints, per field, how many records were read, showed nothing, or were left to the
portal page. Progress goes to stderr every few hundred records. The output is the same bytes for the
same records, so the committed portal.json can be checked against its source.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config import CHECKOUT, Settings
from bot.portal.page import ParseReport, build_page
from bot.portal.records import RecordError, captured_from_readme, read_records, record_paths
from bot.portal.report import format_report
from bot.portal.tier import dump_tier

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
PROGRESS_EVERY = 250


def add_portal_import(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    command = sub.add_parser(
        "import", help="turn portal records (DIR/<ministry>/<code>.json) into portal.json"
    )
    command.add_argument("folder", type=Path, metavar="DIR")
    command.add_argument(
        "--out", type=Path, default=None, help="the tier file to write (default: MOTCUA_PORTAL_FILE)"
    )
    command.add_argument(
        "--captured", default=None, help="when the pages were read, e.g. 06–07/2026 (default: DIR/README.md)"
    )


def run_portal_import(args: argparse.Namespace, settings: Settings) -> int:
    folder: Path = args.folder
    if not folder.is_dir():
        print(f"motcua: {folder}: no such folder", file=sys.stderr)
        return EXIT_USAGE
    captured = args.captured or captured_from_readme(folder)
    if not captured:
        print(
            f"motcua: {folder}/README.md does not say when the records were captured: give --captured",
            file=sys.stderr,
        )
        return EXIT_USAGE
    out: Path = args.out or settings.portal_file or CHECKOUT / "portal.json"
    text, report = import_folder(folder, captured)
    if report.records == 0:
        print(f"motcua: no records (<ministry>/<code>.json) under {folder}", file=sys.stderr)
        return EXIT_FAILED
    out.write_text(text, encoding="utf-8", newline="\n")
    print(format_report(report))
    print(f"wrote {out} ({report.records} procedures, captured {captured})")
    return EXIT_OK


def import_folder(folder: Path, captured: str, progress: bool = True) -> tuple[str, ParseReport]:
    """The tier file's text and the parse report for every record under `folder`."""
    report = ParseReport()
    total = len(record_paths(folder))
    entries = []
    for number, record in enumerate(read_records(folder), start=1):
        if isinstance(record, RecordError):
            report.unreadable.append(str(record))
        else:
            page = build_page(record, captured, report)
            entries.append((record.get("ma_thu_tuc"), " ".join(record.get("ten_thu_tuc").split()), page))
        if progress and (number % PROGRESS_EVERY == 0 or number == total):
            print(f"read {number}/{total} records", file=sys.stderr, flush=True)
    return dump_tier(captured, entries), report
