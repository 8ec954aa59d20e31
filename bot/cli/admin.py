"""`motcua user ...`, `motcua export DIR`, `motcua import DIR`: accounts and content from the terminal.

    motcua user add --role official --name "Nguyễn Văn A" [--ward "Phường Bến Nghé"] [--base-url URL]
        prints the one-time login link ({public_base_url or --base-url}/admin/login?token=...); a
        volunteer's --ward must be a queue of flows.yaml's handoff section (bot/admin/wards.py)
    motcua user list | user disable ID | user link ID [--base-url URL] | user token ID [--label L]
    motcua export DIR              the published content as files (procedures/, flows.yaml, ...)
    motcua import DIR [--comment]  those files as a new revision, after validation

bot/cli/main.py adds these with `add_admin_commands(sub)` and hands them to `run_admin(args, settings)`
when `args.command in ADMIN_COMMANDS`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.admin import users
from bot.admin.auth import Role
from bot.admin.wards import known_wards, volunteer_ward
from bot.config import Settings
from bot.content import INITIAL_COMMENT, Revisions, folder_files, settings_files, write_folder
from bot.errors import ContentInvalid, Problem
from bot.runtime import open_store
from bot.storage.audit import SYSTEM
from bot.storage.sql import SqlStore

ADMIN_COMMANDS = ("user", "export", "import")
EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
IMPORT_COMMENT = "Nhập bằng lệnh motcua import"  # officials read it in the history
BASE_URL_HELP = (
    "the address the server answers on, e.g. http://127.0.0.1:8080 (default MOTCUA_PUBLIC_BASE_URL)"
)
UNSET_BASE = (
    "MOTCUA_PUBLIC_BASE_URL is not set, so this link assumes the server at {base} "
    "(`motcua serve`'s default); if it runs on another address or port, "
    "set MOTCUA_PUBLIC_BASE_URL or pass --base-url"
)


def add_admin_commands(sub: Any) -> None:
    user = sub.add_parser("user", help="staff accounts for the admin pages")
    actions = user.add_subparsers(dest="user_command", required=True)
    add = actions.add_parser("add", help="add an account and print its one-time login link")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--name", required=True)
    add.add_argument("--ward", default=None, help="the ward or agency whose handoffs a volunteer takes")
    add.add_argument("--base-url", default=None, help=BASE_URL_HELP)
    actions.add_parser("list", help="list the accounts")
    for name, text in (
        ("disable", "disable an account and end its sessions and tokens"),
        ("link", "print a new one-time login link for an account"),
        ("token", "print a new API token for scripts (Authorization: Bearer ...)"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("id", type=int)
        if name == "token":
            action.add_argument("--label", default="script", help="what the token is for")
        if name == "link":
            action.add_argument("--base-url", default=None, help=BASE_URL_HELP)

    export = sub.add_parser("export", help="write the published content to DIR as YAML files")
    export.add_argument("dir")
    imported = sub.add_parser("import", help="publish the YAML files in DIR as a new revision")
    imported.add_argument("dir")
    imported.add_argument("--comment", default=IMPORT_COMMENT)


def run_admin(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_run(args, settings))


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    store = await open_store(settings)
    try:
        if args.command == "user":
            return await _user(args, settings, store)
        revisions = Revisions(store.units)
        if args.command == "export":
            return await _export(Path(args.dir), settings, revisions)
        return await _import(Path(args.dir), args.comment, revisions)
    except users.UserError as err:
        print(f"motcua: {err}", file=sys.stderr)
        return EXIT_INVALID
    finally:
        await store.close()


async def _user(args: argparse.Namespace, settings: Settings, store: SqlStore) -> int:
    units = store.units
    if args.user_command == "add":
        ward = args.ward
        if args.role == Role.VOLUNTEER.value:
            ward = volunteer_ward(ward, await known_wards(units, settings.flows_file))
        account, token = await users.add_user(units, args.name, args.role, ward, SYSTEM)
        print(users.login_link(_base(args, settings), token))
        print(
            f"account {account.id} ({account.role.value}); the link works once, within 72 hours",
            file=sys.stderr,
        )
    elif args.user_command == "list":
        for row in await users.list_users(units):
            state = "disabled" if row["disabled"] else "active"
            columns = [row["id"], row["role"], state, row["name"], row["ward"], row["last_login"]]
            print("\t".join("-" if c is None else str(c) for c in columns))
    elif args.user_command == "disable":
        await users.disable_user(units, args.id, SYSTEM)
        print(f"account {args.id} is disabled", file=sys.stderr)
    elif args.user_command == "link":
        print(users.login_link(_base(args, settings), await users.issue_login_link(units, args.id, SYSTEM)))
    else:
        print(await users.issue_api_token(units, args.id, args.label, SYSTEM))
        print("keep this token secret; it is shown only now", file=sys.stderr)
    return EXIT_OK


def _base(args: argparse.Namespace, settings: Settings) -> str:
    """Where the login link points: --base-url, else the configured public address (said when unset)."""
    if args.base_url:
        return str(args.base_url)
    if "public_base_url" not in settings.model_fields_set:
        print(UNSET_BASE.format(base=settings.public_base_url), file=sys.stderr)
    return settings.public_base_url


async def _export(folder: Path, settings: Settings, revisions: Revisions) -> int:
    if await revisions.latest_id() is None:  # a fresh database: what the first start would import
        await revisions.import_initial(settings_files(settings), SYSTEM, INITIAL_COMMENT)
    latest = await revisions.latest_id()
    assert latest is not None
    written = write_folder(folder, await revisions.files(latest))
    print(f"revision {latest}: {len(written)} files written to {folder}", file=sys.stderr)
    return EXIT_OK


async def _import(folder: Path, comment: str, revisions: Revisions) -> int:
    try:
        files = folder_files(folder)
        if await revisions.latest_id() is None:
            published = await revisions.import_initial(files, SYSTEM, comment)
        else:
            published = await revisions.replace_all(files, SYSTEM, "import", comment)
    except ContentInvalid as err:
        for problem in err.problems:
            print(_in_folder(folder, problem), file=sys.stderr)
        print(f"motcua: {len(err.problems)} problem(s); nothing was imported", file=sys.stderr)
        return EXIT_INVALID
    if published is None or published.built is None:
        print("the files are the same as the published content; nothing to import", file=sys.stderr)
        return EXIT_OK
    print(f"published revision {published.revision}", file=sys.stderr)
    return EXIT_OK


def _in_folder(folder: Path, problem: Problem) -> Problem:
    """The problem with the file named as on disk (DIR/procedures/x.yaml), so editors can jump to it."""
    path = problem.file if Path(problem.file).is_absolute() else str(folder / problem.file)
    return replace(problem, file=path)
