"""The register of flows.yaml: how the bot names itself and the citizen, defined once in `voice:`.

A public service speaks to elderly citizens with one consistent pair of words ("tôi" and "Ông/Bà", or
"Trợ lý" and "anh/chị"). Every sentence writes `{voice.you}`, `{voice.You}` (at the start of a sentence),
`{voice.me}`, `{voice.Me}`..., so a province changes the register in one place:

    voice:
      me: tôi
      Me: Tôi
      you: Ông/Bà
      You: Ông/Bà

The words are put in when the file is read, before anything else checks it, so they reach every text
of the file (steps, messages, the web page, the handoff section) with one rule. A `{voice.x}` that the
block does not define is an error at its line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.domain.flows.model import Issue, YamlPath

VOICE_KEY = "voice"
_PLACEHOLDER = re.compile(r"\{voice\.([^{}]*)\}")


def apply_voice(data: Any) -> tuple[Any, list[Issue]]:
    """`data` (the parsed flows.yaml) with every `{voice.x}` replaced, and the unknown ones as issues."""
    if not isinstance(data, dict):
        return data, []
    block = data.get(VOICE_KEY)
    words: Mapping[str, str] = (
        {str(k): v for k, v in block.items() if isinstance(v, str)} if isinstance(block, dict) else {}
    )
    issues: list[Issue] = []

    def visit(value: Any, path: YamlPath) -> Any:
        if isinstance(value, str):
            return _replace(value, words, path, issues)
        if isinstance(value, dict):
            return {k: visit(v, (*path, k)) if k != VOICE_KEY or path else v for k, v in value.items()}
        if isinstance(value, list):
            return [visit(v, (*path, i)) for i, v in enumerate(value)]
        return value

    return visit(data, ()), issues


def _replace(text: str, words: Mapping[str, str], path: YamlPath, issues: list[Issue]) -> str:
    def word(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        if name in words:
            return words[name]
        below = text.count("\n", 0, match.start()) + 1 if "\n" in text else 0
        known = ", ".join(f"{{voice.{k}}}" for k in words) or "none: add a voice: block"
        issues.append(
            Issue.of(
                path,
                "voice_no_word",
                "voice: has no word '{name}' (defined: {known})",
                lines_below=below,
                name=name,
                known=known,
            )
        )
        return name  # reported once here, not again as an unknown fact of the template

    return _PLACEHOLDER.sub(word, text)
