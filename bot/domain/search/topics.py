"""Which topic of flows.yaml a question is about, found with the procedure search's own reading.

A topic is said in one of two ways:
- by its words, like a procedure alias but in any order and with anything between: the question holds
  (nearly) every content word of one phrasing ("nhận qua bưu điện" in "làm lý lịch tư pháp online nhận
  qua bưu điện được không"). Those words are then taken out of the question, and what remains is
  searched for a procedure (search.ProcedureIndex);
- by a pattern, for the ways of asking that are made of function words only ("bao nhiêu tiền",
  "có được … không", "làm được gì"): the phrasing's words in order, "…" standing for anything, on the
  typed words with abbreviations rewritten ("bn tiền" is "bao nhiêu tiền").

When several topics are said, the one whose words explain most of the question wins, and a pattern
only when no topic's words are said: "thanh toán lệ phí trực tuyến" is about paying, not about the
fee or about filing online.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.domain.flows.topics import GAP, Topic
from bot.domain.lexicon import Reader, Word, same_word
from bot.domain.search.index import ALIAS, Index
from bot.domain.search.score import Term, explain_all

SAID = 0.8 * ALIAS  # a topic's phrasing must be said nearly whole (its accents agreeing, or typed without)
SHORT_SHARE = 0.5  # a pattern of a topic that stands alone must be at least this share of the question
SLACK = 3  # a phrasing's words may have this many other words between them, in all ("nộp hồ sơ khai sinh
# trực tuyến" says "nộp trực tuyến"; "đăng ký thường trú ... nhập hộ khẩu" does not say "đăng nhập")


@dataclass(frozen=True)
class TopicSpec:
    """What the search needs to know of a topic (flows.yaml's `topics:`, bot.domain.flows.topics)."""

    id: str
    phrasings: tuple[str, ...]
    needs_procedure: bool = False
    declines: bool = False


def topic_specs(topics: Mapping[str, Topic]) -> list[TopicSpec]:
    return [
        TopicSpec(topic_id, tuple(t.phrasings), t.needs == "procedure", t.declines)
        for topic_id, t in topics.items()
    ]


@dataclass(frozen=True, slots=True)
class Pattern:
    topic: str
    runs: tuple[tuple[Word, ...], ...]  # word runs in order, anything between two runs
    size: int  # words in the runs


@dataclass(frozen=True, slots=True)
class Found:
    spec: TopicSpec
    score: float  # 0..1: how fully the phrasing is said
    words: frozenset[str]  # the folded words that said it, taken out of the question ([] for a pattern)


class TopicFinder:
    def __init__(self, specs: list[TopicSpec], patterns: list[Pattern], index: Index | None, reader: Reader):
        self._specs = {spec.id: spec for spec in specs}
        self._patterns = patterns
        # Each pattern's distinct words: a pattern one of whose words the question lacks cannot hold,
        # which a set lookup tells before _holds scans the question (a long question: ~100 words).
        self._needs = [tuple({word for run in p.runs for word in run}) for p in patterns]
        # And each pattern under one of its words (the one fewest patterns use), by the form a typed
        # word matches it by (same_word): only the patterns filed under the question's words are tried.
        uses: dict[Word, int] = {}
        for needs in self._needs:
            for word in needs:
                uses[word] = uses.get(word, 0) + 1
        self._by_accented: dict[str, list[int]] = {}
        self._by_folded: dict[str, list[int]] = {}
        for number, needs in enumerate(self._needs):
            if needs:
                key = min(needs, key=lambda word: (uses[word], word))
                self._by_accented.setdefault(key.accented, []).append(number)
                self._by_folded.setdefault(key.folded, []).append(number)
        self._index = index
        self._reader = reader

    @staticmethod
    def split(specs: list[TopicSpec], reader: Reader) -> tuple[list[tuple[str, list[str]]], list[Pattern]]:
        """Each topic's word phrasings (for the index) and its patterns: phrasings with "…", and those
        whose asking words are fillers ("cần giấy tờ gì" is not "giấy tờ")."""
        worded: list[tuple[str, list[str]]] = []
        patterns: list[Pattern] = []
        for spec in specs:
            phrases = []
            for phrasing in spec.phrasings:
                single = len([part for part in GAP.split(phrasing) if part.strip()]) == 1
                read = reader.read(phrasing)
                content = [w for w in read if not reader.is_stop_word(w)]
                if single and content and len(read) == len(reader.rewritten(phrasing)):
                    phrases.append(phrasing)
                else:
                    patterns.extend(pattern(spec.id, phrasing, reader))
            worded.append((spec.id, phrases))
        return worded, patterns

    def find(self, text: str, terms: list[Term], marked: bool) -> Found | None:
        return self._by_words(text, terms, marked) or self._by_pattern(text)

    def _by_words(self, text: str, terms: list[Term], marked: bool) -> Found | None:
        if self._index is None:
            return None
        best: tuple[float, float, Found] | None = None
        sequence: list[str] | None = None
        for entry, explained, said, closest in explain_all(self._index, terms, marked):
            if said < SAID:
                continue
            words = entry.texts[closest].split()
            sequence = sequence or [
                w.folded for w in self._reader.read(text) if not self._reader.is_stop_word(w)
            ]
            if not _near(words, sequence):
                continue
            found = Found(self._specs[entry.id], said / ALIAS, frozenset(words))
            if best is None or (explained, said) > best[:2]:
                best = (explained, said, found)
        return best[2] if best else None

    def _by_pattern(self, text: str) -> Found | None:
        typed = self._reader.rewritten(text)
        # same_word: a marked word matches by its accented form, an unmarked one by its folded form.
        accented = {w.accented for w in typed if w.marked}
        folded = {w.folded for w in typed if not w.marked}
        filed: set[int] = set()
        for form in accented:
            filed.update(self._by_accented.get(form, ()))
        for form in folded:
            filed.update(self._by_folded.get(form, ()))
        best: Pattern | None = None
        for number in sorted(filed):  # in the patterns' order, as before: the first of the largest wins
            pattern, needs = self._patterns[number], self._needs[number]
            spec = self._specs[pattern.topic]
            alone = not spec.needs_procedure
            if alone and pattern.size < SHORT_SHARE * len(typed):
                continue  # "bạn là ai" inside a long question about something else
            if best is not None and pattern.size <= best.size:
                continue
            if not all(w.accented in accented or w.folded in folded for w in needs):
                continue  # one of its words is nowhere in the question
            if _holds(pattern.runs, typed):
                best = pattern
        return Found(self._specs[best.topic], 1.0, frozenset()) if best else None


def pattern(topic: str, phrasing: str, reader: Reader) -> list[Pattern]:
    runs = tuple(run for run in (tuple(reader.rewritten(part)) for part in GAP.split(phrasing)) if run)
    return [Pattern(topic, runs, sum(map(len, runs)))] if runs else []


def _near(words: list[str], sequence: list[str]) -> bool:
    """Whether the words that occur in `sequence` all do within one window of len(words) + SLACK."""
    wanted = set(words)
    present = wanted & set(sequence)
    if len(present) < 2:
        return True
    window = len(words) + SLACK
    for start, word in enumerate(sequence):
        if word in present and present <= set(sequence[start : start + window]):
            return True
    return False


def _holds(runs: tuple[tuple[Word, ...], ...], typed: list[Word]) -> bool:
    """Whether the runs occur in `typed` in order (leftmost first, which finds any occurrence)."""
    start = 0
    for run in runs:
        end = len(typed) - len(run) + 1
        at = next((i for i in range(start, end) if all(map(same_word, typed[i : i + len(run)], run))), None)
        if at is None:
            return False
        start = at + len(run)
    return True
