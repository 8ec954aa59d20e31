"""`motcua test [PATH]`: replay the conversation tests (tests/conversations/ by default) on the content.

An official who edits a sentence of flows.yaml, a procedure or a topic runs this before publishing. Each
conversation prints PASS or its failures as FILE:LINE: message; the exit code is 1 when any failed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.config import Settings

EXIT_OK, EXIT_FAILED = 0, 1


def add_test_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    test = sub.add_parser("test", help="replay the conversation tests (tests/conversations/ or PATH)")
    test.add_argument("path", nargs="?", default=None, help="a conversation file or a folder of them")


def default_path(settings: Settings) -> Path:
    """tests/conversations/ next to the flows.yaml in use."""
    return settings.flows_file.parent / "tests" / "conversations"


def run_tests(settings: Settings, path: str | None) -> int:
    """Load the content and every conversation (ContentInvalid lists problems of either), then replay."""
    # Imported here: every `motcua` command defines its arguments through this module.
    from bot.cli.conversation_tests import load_conversations, run
    from bot.content import load_content

    where = Path(path) if path else default_path(settings)
    conversations = load_conversations(where)
    content = load_content(
        settings.catalogue_dir, settings.flows_file, settings.lexicon_file, settings.portal_file
    )
    failed = 0
    for scripted in conversations:
        failures = run(scripted, content.engine)
        if failures:
            failed += 1
            print(f"FAIL {scripted.id}")
            for failure in failures:
                print(f"  {failure}")
        else:
            print(f"PASS {scripted.id}")
    print(f"{len(conversations) - failed} passed, {failed} failed ({len(conversations)} conversations)")
    return EXIT_FAILED if failed else EXIT_OK
