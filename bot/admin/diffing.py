"""Line diffs between two texts, as the history page shows them: every line, marked " ", "+" or "-".

Whole files rather than hunks with context: the page folds long runs of unchanged lines itself, and an
official can unfold them to see where in the file a change sits.
"""

from __future__ import annotations

import difflib
from typing import Any


def line_diff(before: str, after: str) -> list[dict[str, str]]:
    old, new = before.splitlines(), after.splitlines()
    lines: list[dict[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            lines.extend({"op": " ", "text": text} for text in old[i1:i2])
            continue
        lines.extend({"op": "-", "text": text} for text in old[i1:i2])
        lines.extend({"op": "+", "text": text} for text in new[j1:j2])
    return lines


def files_diff(
    before: dict[str, str], after: dict[str, str], only: str | None = None
) -> list[dict[str, Any]]:
    """The files that differ (added, changed or removed), each with its line diff; sorted by path."""
    paths = sorted(set(before) | set(after))
    if only is not None:
        paths = [p for p in paths if p == only]
    return [
        {"file": path, "lines": line_diff(before.get(path, ""), after.get(path, ""))}
        for path in paths
        if before.get(path) != after.get(path)
    ]
