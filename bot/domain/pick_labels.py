"""Button labels for a choice of procedures that a citizen can tell apart.

A procedure's button says its `short_name` (at most LABEL characters). Portal procedures' short names
are their names cut at LABEL, and variants of one procedure differ only after that: "Trình báo mất hộ
chiếu phổ thông (thực hiện tại cấp tỉnh)" and "... cấp xã" both read "Trình báo mất hộ chiếu phổ…".
Among buttons that would read alike, each label keeps the opening words of the name and then the words
where the names part ("Trình báo mất hộ… cấp tỉnh"), taken from the names themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

LABEL = 30  # characters of a button label (catalogue: short_name fits a button)
CUT = "…"
TAIL = 16  # characters at most for the words where the names part; the opening words get the rest
CONTEXT_WORDS = 1  # words before the parting point kept with it ("cấp tỉnh", not "tỉnh")
_TRIM = " ,;:.()[]-"


def pick_labels(named: Sequence[tuple[str, str]]) -> list[str]:
    """Each (short name, name)'s label: its short name, unless another one's reads the same."""
    labels = [short for short, _ in named]
    groups: dict[str, list[int]] = {}
    for position, label in enumerate(labels):
        groups.setdefault(label.casefold(), []).append(position)
    for positions in groups.values():
        if len(positions) < 2:
            continue
        names = [named[p][1].split() for p in positions]
        for position, words in zip(positions, names, strict=True):
            # Where this name parts from the one most like it: the words that tell those two apart.
            shared = max(_shared_words(words, other) for other in names if other is not words)
            labels[position] = _label(words, max(0, shared - CONTEXT_WORDS)) or labels[position]
    return labels


def _shared_words(one: list[str], other: list[str]) -> int:
    """How many leading words two names share (letter case and punctuation aside)."""
    shared = 0
    for mine, theirs in zip(one, other, strict=False):
        if mine.casefold().strip(_TRIM) != theirs.casefold().strip(_TRIM):
            break
        shared += 1
    return shared


def _label(words: list[str], parting: int) -> str:
    """The name's opening words, CUT, and its words from `parting` on, within LABEL characters."""
    tail = _within(words[parting:], TAIL)
    if not tail or parting == 0:
        return _within(words, LABEL)
    lead = _within(words[:parting], LABEL - len(tail) - len(CUT) - 1)
    return f"{lead}{CUT} {tail}" if lead else tail


def _within(words: list[str], limit: int) -> str:
    """The first words that fit in `limit` characters, without dangling punctuation."""
    kept = ""
    for word in words:
        if kept and word.startswith("("):
            break  # a bracket opens a further detail: the words before it say the difference
        longer = f"{kept} {word}" if kept else word
        if len(longer.strip(_TRIM)) > limit:
            break
        kept = longer
    return kept.strip(_TRIM)
