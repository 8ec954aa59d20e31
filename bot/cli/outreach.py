"""`motcua leaflet` and `motcua poster`: print outreach PDFs from the command line.

    motcua leaflet khai-sinh --out khai-sinh.pdf
    motcua poster --procedures khai-sinh,thuong-tru,can-cuoc --out bang-tin.pdf [--title "..."]

The QR codes use MOTCUA_PUBLIC_BASE_URL, MOTCUA_TELEGRAM_BOT_USERNAME and MOTCUA_ZALO_OA_LINK; a code
whose setting is unset (or not reachable from a phone) is left out, and a note on stderr says which.
The procedures are those the bot serves: the published content revision, or the files on disk before
the first start (bot/content/published.py). The words come from outreach.yaml, as for the leaflets the
server prints.
Invalid content raises ContentInvalid, which `motcua` prints as FILE:LINE.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.config import Settings
from bot.content import load_outreach, published_content
from bot.domain.catalogue import Catalogue, Procedure
from bot.outreach.links import BotLinks
from bot.outreach.pdf import PdfUnavailable
from bot.outreach.printer import OutreachPrinter

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
COMMANDS = ("leaflet", "poster")


def add_outreach_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    leaflet = sub.add_parser("leaflet", help="print an A5 leaflet (PDF) for one procedure")
    leaflet.add_argument("procedure_id", help="the procedure's id, e.g. khai-sinh")
    leaflet.add_argument("--out", required=True, type=Path, help="the PDF file to write")

    poster = sub.add_parser("poster", help="print an A4 notice-board poster (PDF) for several procedures")
    poster.add_argument("--procedures", required=True, help="procedure ids separated by commas")
    poster.add_argument("--out", required=True, type=Path, help="the PDF file to write")
    poster.add_argument("--title", default=None, help="the poster's heading (default: from outreach.yaml)")


def _pick(catalogue: Catalogue, ids: list[str]) -> list[Procedure] | None:
    unknown = [pid for pid in ids if pid not in catalogue]
    if unknown:
        print(f"motcua: no procedure has the id(s): {', '.join(unknown)}", file=sys.stderr)
        print("motcua: `motcua search WORDS` finds a procedure's id", file=sys.stderr)
        return None
    return [catalogue[pid] for pid in ids]


def run_outreach(args: argparse.Namespace, settings: Settings) -> int:
    """Run `leaflet` or `poster` (args.command); returns the exit status."""
    if args.command == "leaflet":
        ids = [args.procedure_id.strip()]
    else:
        ids = list(dict.fromkeys(part.strip() for part in args.procedures.split(",") if part.strip()))
        if not ids:
            print("motcua: --procedures needs at least one procedure id", file=sys.stderr)
            return EXIT_USAGE
    procedures = _pick(asyncio.run(published_content(settings)).catalogue, ids)
    if procedures is None:
        return EXIT_USAGE
    links = BotLinks.from_settings(settings)
    for reason in links.skipped:
        print(f"motcua: note: {reason}", file=sys.stderr)
    printer = OutreachPrinter(load_outreach(settings.outreach_file), links)
    try:
        if args.command == "leaflet":
            pdf = asyncio.run(printer.leaflet(procedures[0]))
        else:
            pdf = asyncio.run(printer.poster(procedures, args.title))
    except PdfUnavailable as err:
        print(f"motcua: {err}", file=sys.stderr)
        return EXIT_FAILED
    out: Path = args.out
    try:
        out.write_bytes(pdf)
    except OSError as err:
        print(f"motcua: cannot write {out}: {err.strerror}", file=sys.stderr)
        return EXIT_FAILED
    print(f"motcua: wrote {out} ({len(pdf) // 1024} KB)", file=sys.stderr)
    return EXIT_OK
