"""The `motcua` command: serve, chat, validate, test, search, telegram --polling."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence

from bot.cli.conversation_check import add_test_command
from bot.config import Settings, load_settings
from bot.errors import ConfigError, ContentInvalid, StorageError

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
# Commands whose arguments main.py defines itself. The other groups (portal, leaflet and poster, the
# admin's user/export/import, report) live in modules that import the admin side, matplotlib and the
# PDF printer: seconds of start-up that `motcua search` or `motcua chat` must not wait for, so their
# parsers are added only when the command line is not one of these (and for `motcua --help`).
OWN_COMMANDS = frozenset({"serve", "chat", "validate", "test", "search", "telegram", "messenger"})


def _command_of(argv: Sequence[str]) -> str | None:
    """The command word: the first argument that is not an option (the top level has none but -h)."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="motcua", description="Motcua: trợ lý thủ tục hành chính trực tuyến"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the API, webhooks and the web chat page")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes (use PostgreSQL for more than 1)"
    )

    chat = sub.add_parser("chat", help="chat with the bot in this terminal")
    chat.add_argument("--jsonl", action="store_true", help="scripted: one JSON object per line in and out")
    chat.add_argument("--user", default="terminal", help="conversation id for the interactive chat")

    validate = sub.add_parser("validate", help="check procedures/ and flows.yaml (or one file or folder)")
    validate.add_argument("path", nargs="?", default=None)
    add_test_command(sub)

    search = sub.add_parser("search", help="search the catalogue; QUERY '-' reads one query per line")
    search.add_argument("query")
    search.add_argument("--json", action="store_true", help="print JSON (one object per query)")

    if command not in OWN_COMMANDS:
        from bot.cli.admin import add_admin_commands
        from bot.cli.outreach import add_outreach_commands
        from bot.cli.portal import add_portal_import
        from bot.cli.report import add_report_commands

        portal = sub.add_parser("portal", help="the national portal's procedures (its portal tier)")
        portal_sub = portal.add_subparsers(dest="portal_command", required=True)
        add_portal_import(portal_sub)

        add_outreach_commands(sub)
        add_admin_commands(sub)
        add_report_commands(sub)

    telegram = sub.add_parser("telegram", help="run the Telegram bot")
    telegram.add_argument(
        "--polling", action="store_true", required=True, help="long polling (local development)"
    )
    messenger = sub.add_parser("messenger", help="Facebook Messenger page set-up")
    messenger.add_argument("action", choices=["setup"], help="set the Get Started button and persistent menu")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser(_command_of(sys.argv[1:] if argv is None else argv)).parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    # Alembic announces each of its plugins at INFO when it is first imported (reading the published
    # revision imports it): noise for an official running `motcua search`; migrations still log.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    try:
        settings = load_settings()
        return _dispatch(args, settings)
    except ConfigError as err:
        print(f"motcua: {err}", file=sys.stderr)
        return EXIT_USAGE
    except ContentInvalid as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        print(
            f"motcua: the content has {len(err.problems)} problem(s); fix them and try again", file=sys.stderr
        )
        return EXIT_INVALID
    except StorageError as err:  # search, leaflet and poster read the published content from the database
        print(f"motcua: {err}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        return EXIT_OK


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "serve":
        from bot.cli.serve import serve

        return serve(settings, args.host, args.port, args.workers)
    if args.command == "chat":
        from bot.cli.chat import chat_interactive, chat_jsonl

        if args.jsonl:
            return asyncio.run(chat_jsonl(settings))
        return asyncio.run(chat_interactive(settings, args.user))
    if args.command == "validate":
        from bot.content import validate_path

        return validate_path(settings, args.path)
    if args.command == "test":
        from bot.cli.conversation_check import run_tests

        return run_tests(settings, args.path)
    if args.command == "search":
        return _search(settings, args.query, args.json)
    if args.command == "portal":
        from bot.cli.portal import run_portal_import

        return run_portal_import(args, settings)
    if args.command in ("user", "export", "import"):
        from bot.cli.admin import run_admin

        return run_admin(args, settings)
    if args.command == "report":
        from bot.cli.report import run_report

        return run_report(args, settings)
    if args.command in ("leaflet", "poster"):
        from bot.cli.outreach import run_outreach

        return run_outreach(args, settings)
    if args.command == "telegram":
        from bot.cli.serve import telegram_polling

        return telegram_polling(settings)
    if args.command == "messenger":
        from bot.cli.messenger import messenger_setup

        return messenger_setup(settings)
    return EXIT_USAGE  # pragma: no cover - argparse requires a command


def _search(settings: Settings, query: str, as_json: bool) -> int:
    from bot.content import published_index

    # The index the bot answers with: the published revision's catalogue, portal tier, lexicon, and the
    # topics of its flows.yaml (so the answer says when a question is about one: its "topic" field).
    index = asyncio.run(published_index(settings))
    queries = (line.rstrip("\n") for line in sys.stdin) if query == "-" else iter([query])
    for text in queries:
        result = index.search(text)
        if as_json:
            print(json.dumps(result.to_json(), ensure_ascii=False), flush=True)
        else:
            print(f"{result.decision}: {text}")
            if result.topic is not None:
                print(f"  topic: {result.topic.id}")
            for match in result.matches:
                print(f"  {match.score:3d}  {match.id:32s} {match.name}")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
