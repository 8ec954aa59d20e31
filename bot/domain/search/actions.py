"""What the citizen asks to do with a paper or a registration: the action words of lexicon.yaml `actions`.

"xóa tạm trú" asks for "Xóa đăng ký tạm trú", not "Đăng ký tạm trú", though the second, with its many
aliases, fits more of the question's words; "gia hạn giấy phép xây dựng" asks for the extension, not
the new permit. The words alone cannot tell them apart: the action is one common word among rarer
ones. So the action a question states is a must-match: among the candidates, those whose name or alias
carries it come first, when they are about the same thing as the others (search.ProcedureIndex._scored).

"About the same thing": a candidate carrying the action comes first only when its words fit the question
at least FIT_SHARE as well as the best candidate's, and it explains at least OBJECT_SHARE of what the
best candidate explains of the question without its action words (its object: "tạm trú", "giấy phép
xây dựng"). "cấp lại sổ đỏ" must not put "Cấp lại giấy chứng nhận khai thác cảng hàng không" before the
land certificate because both say "cấp lại".

Actions are matched on the words as the lexicon reads them (abbreviations and synonyms rewritten),
with the lexicon's accent rule: a form written with diacritics also matches the same word typed
without them, not a word typed with other diacritics ("đổi" is not "đời"). At each word the longest
form wins, so "thay đổi" is the action "thay đổi", not "đổi".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from bot.domain.lexicon import Reader, Word, same_word

FIT_SHARE = 0.75  # of the best candidate's fit: a carrier fitting the words much worse is another request
OBJECT_SHARE = 0.5  # of the best candidate's share of the question's object

Form = tuple[Word, ...]


class Stated(NamedTuple):
    """The actions a question states (group numbers) and the words that state them, folded."""

    actions: frozenset[int] = frozenset()
    words: frozenset[str] = frozenset()


NOTHING_STATED = Stated()


class Actions:
    """The lexicon's action groups, compiled: words -> the actions they state."""

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

    def stated(self, words: Sequence[Word]) -> Stated:
        found: set[int] = set()
        said: set[str] = set()
        at = 0
        while at < len(words):
            for form, number in self._by_first.get(words[at].folded, ()):
                end = at + len(form)
                if end <= len(words) and all(map(same_word, words[at:end], form)):
                    found.add(number)
                    said.update(word.folded for word in form)
                    at = end
                    break
            else:
                at += 1
        return Stated(frozenset(found), frozenset(said))

    def of_text(self, text: str) -> Stated:
        return self.stated(self._reader.read(text)) if self._by_first else NOTHING_STATED

    def carried(self, names: Iterable[str]) -> frozenset[int]:
        """The actions a procedure's names and aliases carry."""
        found: frozenset[int] = frozenset()
        for text in names:
            found |= self.of_text(text).actions
        return found
