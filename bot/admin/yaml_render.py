"""One value written as YAML the way our content files write it, and proven to read back the same.

Plain when that is safe (`text: Miễn lệ phí`), a folded block (`>-`) for long sentences or where the
file already used one, a literal block (`|-`) for several lines, and a double-quoted string otherwise
(a JSON string is a valid YAML double-quoted scalar). Every candidate is parsed back; the first that
reads as exactly the value wins, so no spelling of a value can turn it into another value or type.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

import yaml

LINE_WIDTH = 110  # the files' line length (as the code's)
BLOCK_STYLES = (">", "|")


def _reads_back(rendered: str, want: Any, flow: bool) -> bool:
    source = f"[{rendered}]" if flow else f"k: {rendered}\n"
    try:
        loaded = yaml.safe_load(source)
    except yaml.YAMLError:
        return False
    got = loaded[0] if flow else loaded.get("k") if isinstance(loaded, dict) else None
    return type(got) is type(want) and got == want


def _folded(value: str, indent: int) -> str | None:
    """`>-` then the sentence wrapped at spaces; folding joins the lines with single spaces again."""
    if "\n" in value or "  " in value or "\t" in value or value != value.strip():
        return None
    lines = textwrap.wrap(value, max(40, LINE_WIDTH - indent), break_long_words=False, break_on_hyphens=False)
    pad = " " * indent
    return ">-\n" + "\n".join(pad + line for line in lines)


def _literal(value: str, indent: int) -> str | None:
    if (
        "\n" not in value
        or value != value.strip()
        or any(line != line.rstrip() for line in value.split("\n"))
    ):
        return None
    pad = " " * indent
    return "|-\n" + "\n".join(pad + line if line else "" for line in value.split("\n"))


def render(
    value: Any,
    *,
    want: Any = None,
    indent: int = 2,
    key_width: int = 0,
    style: str | None = None,
    flow: bool = False,
) -> str:
    """`value` as the text after "key: " (or as a flow-list item when `flow`).

    `want` is what the loader must read back (a date field: the date), `indent` the column of a
    block's lines, `key_width` the columns the key takes, and `style` the block style the file used."""
    want = value if want is None else want
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value)
    if value is None:
        return "null"
    text = str(value)
    candidates: list[str | None] = []
    if not flow:
        long = key_width + len(text) > LINE_WIDTH
        if "\n" in text:
            candidates.append(_literal(text, indent))
        elif style == ">" or (style is None and long):
            candidates.append(_folded(text, indent))
    candidates += [text, json.dumps(text, ensure_ascii=False)]
    for candidate in candidates:
        if candidate is not None and _reads_back(candidate, want, flow):
            return candidate
    raise ValueError(f"cannot write {value!r} as YAML")
