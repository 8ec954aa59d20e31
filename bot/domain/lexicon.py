"""How citizens write, across all procedures: teencode, synonyms, politeness fillers, function words.

The data lives in lexicon.yaml, which officials extend; words tied to one procedure (CCCD, GPLX, sổ đỏ)
belong in that procedure's `aliases` instead. `Reader` compiles a `Lexicon` into the first step of
search: text -> `Word`s, with fillers removed and abbreviations and synonyms rewritten. The same
reader runs over catalogue phrases and queries, so both sides meet in the same words.

Matching is accent-aware: a key written with diacritics ("bà") only matches a word typed with the same
diacritics, or a word typed without any ("ba"); a word typed with other diacritics ("bá") is a
different word. A key written without diacritics ("ko") matches only its own letters.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, NamedTuple

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from bot.domain.text import canonical_spelling, has_marks, normalize, strip_marks, words


def _has_a_word(value: str) -> str:
    if not words(normalize(value)):
        raise PydanticCustomError("no_word", "must contain at least one word (letters or digits)")
    return value


def _single_word(value: str) -> str:
    if len(words(normalize(value))) != 1:
        raise PydanticCustomError(
            "stop_word_phrase", "a stop word must be a single word; put phrases under fillers"
        )
    return value


Phrase = Annotated[str, AfterValidator(_has_a_word)]
SingleWord = Annotated[str, AfterValidator(_single_word)]


class Lexicon(BaseModel):
    """Cross-procedure vocabulary, read from lexicon.yaml (see the comments in that file)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    # written form -> what it means: "ko" -> "không", "đk" -> "đăng ký", "bhxh" -> "bảo hiểm xã hội"
    abbreviations: dict[Phrase, Phrase] = Field(default_factory=dict)
    # groups of interchangeable words; every later word is read as the first ("trực tuyến", "online")
    synonyms: list[Annotated[list[Phrase], Field(min_length=2)]] = Field(default_factory=list)
    # phrases that carry no request and are removed from questions: "cho em hỏi", "ad ơi", "ạ"
    fillers: list[Phrase] = Field(default_factory=list)
    # single function words ignored when matching: "thì", "là", "của"
    stop_words: list[SingleWord] = Field(default_factory=list)
    # questions that share words with procedures but are not procedures: "học lái xe", "giá vàng"
    off_topic: list[Phrase] = Field(default_factory=list)
    # what a citizen asks to do with a paper, one group per action: ["cấp lại", "xin lại"], ["gia hạn"]
    actions: list[Annotated[list[Phrase], Field(min_length=1)]] = Field(default_factory=list)

    @classmethod
    def empty(cls) -> Lexicon:
        return cls()

    @model_validator(mode="after")
    def _one_meaning_per_form(self) -> Lexicon:
        seen: dict[str, str] = {}
        for form, meaning in self.abbreviations.items():
            seen[_key(form)] = meaning
        for group in self.synonyms:
            for variant in group[1:]:
                key = _key(variant)
                if key in seen and _key(seen[key]) != _key(group[0]):
                    raise PydanticCustomError(
                        "two_meanings",
                        "'{variant}' is given two meanings: '{a}' and '{b}'",
                        {"variant": variant, "a": seen[key], "b": group[0]},
                    )
                seen[key] = group[0]
        return self


def _key(text: str) -> str:
    return " ".join(words(normalize(text)))


class Word(NamedTuple):
    folded: str  # without diacritics, one spelling (i/y): what the index is keyed by
    accented: str  # as written, one spelling; equals `folded` when typed without diacritics
    marked: bool  # typed with diacritics, so `accented` says which word it is


def to_words(text: str) -> list[Word]:
    return [_word(raw) for raw in words(normalize(text))]


@lru_cache(maxsize=1 << 16)
def _word(raw: str) -> Word:
    # Cached: a language has few distinct syllables, and a catalogue repeats them thousands of times.
    return Word(canonical_spelling(strip_marks(raw)), canonical_spelling(raw), has_marks(raw))


def same_word(word: Word, key: Word) -> bool:
    """Whether a typed word can be the key: exact when typed with diacritics, folded when typed without."""
    return word.accented == key.accented if word.marked else word.folded == key.folded


Rule = tuple[tuple[Word, ...], tuple[Word, ...]]  # pattern -> replacement (empty for a filler)


class Reader:
    """A compiled lexicon: text -> words, fillers dropped, abbreviations and synonyms rewritten."""

    def __init__(self, lexicon: Lexicon) -> None:
        rewrites: list[Rule] = []
        for form, meaning in lexicon.abbreviations.items():
            rewrites.append((tuple(to_words(form)), tuple(to_words(meaning))))
        for group in lexicon.synonyms:
            first = tuple(to_words(group[0]))
            rewrites.extend((tuple(to_words(variant)), first) for variant in group[1:])
        # Rewrites run first so that fillers are written once, in full words ("cho e hỏi" is "cho em hỏi").
        self._rewrites = _compile(rewrites)
        self._fillers = _compile([(tuple(to_words(filler)), ()) for filler in lexicon.fillers])
        stops = [to_words(word)[0] for word in lexicon.stop_words]
        self._stop_accented = frozenset(w.accented for w in stops)
        self._stop_folded = frozenset(w.folded for w in stops)

    def read(self, text: str) -> list[Word]:
        return _apply(self._fillers, self.rewritten(text))

    def rewritten(self, text: str) -> list[Word]:
        """The words with abbreviations and synonyms rewritten, fillers and function words still in:
        what a topic's pattern ("có được … không") is matched against."""
        return _apply(self._rewrites, to_words(text))

    def is_stop_word(self, word: Word) -> bool:
        """A function word for sure: typed with its own diacritics, or a word that has none."""
        return word.accented in self._stop_accented

    def folds_to_stop_word(self, word: Word) -> bool:
        """Typed without diacritics, it may be a function word ("co": "có") or a content word ("cổ")."""
        return not word.marked and word.folded in self._stop_folded


def _compile(rules: list[Rule]) -> dict[str, list[Rule]]:
    """Rules by the folded first word of their pattern, longest pattern first."""
    table: dict[str, list[Rule]] = {}
    for pattern, replacement in rules:
        if pattern and pattern != replacement:
            table.setdefault(pattern[0].folded, []).append((pattern, replacement))
    for candidates in table.values():
        candidates.sort(key=lambda rule: -len(rule[0]))
    return table


def _apply(table: dict[str, list[Rule]], typed: list[Word]) -> list[Word]:
    out: list[Word] = []
    i = 0
    while i < len(typed):
        for pattern, replacement in table.get(typed[i].folded, ()):
            end = i + len(pattern)
            if end <= len(typed) and all(map(same_word, typed[i:end], pattern)):
                out.extend(replacement)
                i = end
                break
        else:
            out.append(typed[i])
            i += 1
    return out
