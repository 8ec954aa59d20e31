"""What the citizen asks to do with a paper or a registration: the action words of lexicon.yaml `actions`.

"xóa tạm trú" asks for "Xóa đăng ký tạm trú", not "Đăng ký tạm trú", though the second says more of
the question's words; "gia hạn giấy phép xây dựng" asks for the extension, not the new permit. The
words alone cannot tell them apart: the action is one common word among rarer ones. So the action a
question states is a must-match: a procedure whose name or alias carries it ranks before one that
carries another action, or none (search.ProcedureIndex._scored applies the factors below).

Actions are matched on the words as the lexicon reads them (abbreviations and synonyms rewritten),
with the lexicon's accent rule: a form written with diacritics also matches the same word typed
without them, not a word typed with other diacritics ("đổi" is not "đời"). At each word the longest
form wins, so "thay đổi" is the action "thay đổi", not "đổi".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.domain.lexicon import Reader, Word, same_word

OTHER_ACTION = 0.65  # the procedure's names carry other actions, not the one asked
NO_ACTION = 0.7  # the procedure's names carry no action at all ("Đăng ký tạm trú" for "xóa tạm trú")

Form = tuple[Word, ...]


class Actions:
    """The lexicon's action groups, compiled: words -> the actions they state (group numbers)."""

    def __init__(self, groups: Sequence[Sequence[str]], reader: Reader) -> None:
        self._reader = reader
        by_first: dict[str, list[tuple[Form, int]]] = {}
        for number, group in enumerate(groups):
            for form in group:
                words = tuple(reader.rewritten(form))
                if words:
                    by_first.setdefault(words[0].folded, []).append((words, number))
        for forms in by_first.values():
            forms.sort(key=lambda row: -len(row[0]))
        self._by_first = by_first

    def __bool__(self) -> bool:
        return bool(self._by_first)

    def stated(self, words: Sequence[Word]) -> frozenset[int]:
        found: set[int] = set()
        at = 0
        while at < len(words):
            for form, number in self._by_first.get(words[at].folded, ()):
                end = at + len(form)
                if end <= len(words) and all(map(same_word, words[at:end], form)):
                    found.add(number)
                    at = end
                    break
            else:
                at += 1
        return frozenset(found)

    def of_text(self, text: str) -> frozenset[int]:
        return self.stated(self._reader.read(text)) if self._by_first else frozenset()

    def carried(self, names: Iterable[str]) -> frozenset[int]:
        """The actions a procedure's names and aliases carry."""
        found: frozenset[int] = frozenset()
        for text in names:
            found |= self.of_text(text)
        return found


def factor(asked: frozenset[int], carried: frozenset[int]) -> float:
    """How much a procedure keeps of its score when the question states actions."""
    if not asked or asked & carried:
        return 1.0
    return OTHER_ACTION if carried else NO_ACTION
