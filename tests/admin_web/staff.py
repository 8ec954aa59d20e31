"""Staff accounts for the browser tests, made the way an administrator makes them: `motcua user add`
(A1's bot/cli/admin.py), whose one-time login link the test then opens in the browser."""

from __future__ import annotations

import argparse
import io
import re
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stdout
from urllib.parse import urlsplit

from bot.cli.admin import add_admin_commands, run_admin
from bot.config import Settings

LINK = re.compile(r"https?://\S+/admin/login\?token=[A-Za-z0-9_\-]+")


def add_user(settings: Settings, role: str, name: str, ward: str | None = None) -> str:
    """Run `motcua user add` against the test database; return the login link's path and query."""
    parser = argparse.ArgumentParser(prog="motcua")
    add_admin_commands(parser.add_subparsers(dest="command", required=True))
    argv = ["user", "add", "--role", role, "--name", name, *(["--ward", ward] if ward else [])]
    printed = io.StringIO()
    # Its own thread: the CLI runs its own event loop, and sync Playwright keeps one in the test's thread.
    with redirect_stdout(printed), ThreadPoolExecutor(max_workers=1) as pool:
        code = pool.submit(run_admin, parser.parse_args(argv), settings).result(timeout=60)
    assert code == 0, f"motcua user add failed with {code}: {printed.getvalue()}"
    found = LINK.search(printed.getvalue())
    assert found, f"no login link in the output of motcua user add: {printed.getvalue()!r}"
    link = urlsplit(found.group(0))
    return f"{link.path}?{link.query}"
