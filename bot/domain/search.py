"""Find the procedure a citizen means. `ProcedureIndex.build` once per catalogue load, `.search` per message.

Build: every catalogue phrase (name, aliases, keywords, summary) is read through the lexicon into
syllables and syllable bigrams ("khai", "khai sinh"). Each term is weighted by how few procedures use
it (IDF over each procedure's whole text), so generic words ("đăng ký", "cấp", "giấy") count little
and distinctive ones ("tử", "ct07") a lot. An inverted index maps terms to procedures.

Search:
1. read the question the same way, then repair words the catalogue does not know (telex leftovers,
   run-together words, one-letter typos: text.Speller);
2. candidates: accumulate weights from the inverted index, rarest terms first, within a budget of
   postings, so a question costs about the same at 50 or 5,000 procedures;
3. rescore the short list: how much of the question the procedure explains, how fully the question
   says one of its phrases, whether the accents agree, and rapidfuzz on the closest phrase;
4. decide: nothing relevant (`none`), one clear winner (`match`), or several close ones (`choose`).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Literal

from rapidfuzz import fuzz

from bot.domain.catalogue import Catalogue, Procedure
from bot.domain.lexicon import Lexicon, Reader, Word, to_words
from bot.domain.text import Speller, clip

Decision = Literal["match", "choose", "none"]

# Where a procedure's words come from, and how much a match there counts.
NAME, ALIAS, KEYWORD, SUMMARY = 1.0, 0.95, 0.8, 0.45
BIGRAM = 1.5  # two syllables in a row say much more than each alone ("khai sinh", "tạm trú")
UNKNOWN = 0.7  # a word the catalogue does not know: probably about something else
AMBIGUOUS = 0.35  # typed without accents, it may be a function word ("co": "có", or "cổ" phần)
# How much a word counts when its accents do not agree with the procedure's word.
REPAIRED, FOLDED, UNMARKED_AMONG_MARKED, OTHER_ACCENTS = 0.85, 0.93, 0.7, 0.4
MAX_WORDS = 40  # content words read from one question

SHORTLIST = 20  # candidates rescored in full
POSTINGS_BUDGET = 1500  # postings read for candidate generation; rarest terms are read first
FUZZY_SHARE = 0.1  # rapidfuzz on the closest phrase only nudges: it cannot make a match alone
NONE_BELOW = 50  # a best score under this is not a procedure
MATCH_FROM = 70  # a best score from here can be one clear answer...
MATCH_GAP = 10  # ...when it leads the next procedure by at least this much
LIST_WITHIN = 35  # list candidates within this distance of the best
OFF_TOPIC = ""  # the id of the entry made of the lexicon's off-topic phrases; never listed


@dataclass(frozen=True)
class Match:
    id: str
    name: str
    score: int  # 0..100


@dataclass(frozen=True)
class SearchResult:
    query: str
    decision: Decision
    matches: tuple[Match, ...]  # best first, at most the requested limit

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "decision": self.decision,
            "matches": [{"id": m.id, "name": m.name, "score": m.score} for m in self.matches],
        }


@dataclass(frozen=True, slots=True)
class _Phrase:
    text: str  # folded words, for rapidfuzz
    terms: frozenset[str]
    total: float  # weight of all its terms
    field: float
    naming: bool  # the procedure's name or short name


@dataclass(frozen=True, slots=True)
class _Entry:
    id: str
    name: str
    terms: dict[str, float]  # term -> weight of the best field that uses it
    forms: frozenset[str]  # accented words, to tell "tạm vắng" from "giá vàng"
    phrases: tuple[_Phrase, ...]


@dataclass(frozen=True, slots=True)
class _Typed:
    word: Word
    repaired: bool = False
    ambiguous: bool = False


@dataclass(frozen=True, slots=True)
class _Term:
    key: str
    weight: float
    typed: tuple[_Typed, ...]


def _terms_of(words: list[str]) -> list[str]:
    return words + [f"{a} {b}" for a, b in pairwise(words)]


NAMING_PHRASES = 2  # _matched_texts starts with the name and the short name


def _matched_texts(p: Procedure) -> list[tuple[str, float]]:
    return (
        [(p.name, NAME), (p.short_name, NAME), (p.summary, SUMMARY)]
        + [(text, ALIAS) for text in p.aliases]
        + [(text, KEYWORD) for text in p.keywords]
    )


def _background_texts(p: Procedure) -> Iterable[str]:
    """Text that only informs how common a word is (a word every procedure needs is generic)."""
    yield p.for_whom
    yield p.result
    yield from (document.name for document in p.documents)


class ProcedureIndex:
    def __init__(self, entries: list[_Entry], weights: dict[str, float], reader: Reader) -> None:
        self._entries = entries
        self._weights = weights
        self._reader = reader
        self._postings: dict[str, list[tuple[int, float]]] = {}
        frequency: dict[str, int] = {}
        for index, entry in enumerate(entries):
            for key, field in entry.terms.items():
                self._postings.setdefault(key, []).append((index, field))
                if " " not in key:
                    frequency[key] = frequency.get(key, 0) + 1
        self._speller = Speller(frequency)

    @classmethod
    def build(cls, catalogue: Catalogue, lexicon: Lexicon) -> ProcedureIndex:
        reader = Reader(lexicon)

        seen: dict[str, list[Word]] = {}  # catalogues repeat texts (documents, summaries) many times

        def content(text: str) -> list[Word]:
            if text not in seen:
                seen[text] = [w for w in reader.read(text) if not reader.is_stop_word(w)]
            return seen[text]

        raw: list[tuple[str, str, list[tuple[list[Word], float]]]] = []
        frequency: dict[str, int] = {}
        for p in catalogue.procedures():
            phrases = [(content(text), field) for text, field in _matched_texts(p)]
            background = [content(text) for text in _background_texts(p)]
            _count(frequency, [ws for ws, _ in phrases] + background)
            raw.append((p.id, p.name, phrases))
        if lexicon.off_topic:
            # Off-topic questions compete as one more "procedure" whose win means "none" (see _decide).
            phrases = [(content(text), ALIAS) for text in lexicon.off_topic]
            _count(frequency, [ws for ws, _ in phrases])
            raw.append((OFF_TOPIC, "", phrases))
        n = max(1, len(raw))
        weights = {
            t: math.log(1 + n / df) / math.log(1 + n) * (BIGRAM if " " in t else 1.0)
            for t, df in frequency.items()
        }
        return cls([_entry(id_, name, phrases, weights) for id_, name, phrases in raw], weights, reader)

    def search(self, query: str, limit: int = 5) -> SearchResult:
        terms, marked = self._query_terms(clip(query))
        candidates = self._candidates(terms)
        scored = self._rescore(terms, candidates, marked) if candidates else []
        return _decide(query, scored, max(0, limit))

    def _query_terms(self, query: str) -> tuple[list[_Term], bool]:
        typed_marks = [w.marked for w in to_words(query)]
        marked = sum(typed_marks) >= max(1.0, 0.3 * len(typed_marks))
        kept: list[_Typed] = []
        for word in self._reader.read(query):
            if self._reader.is_stop_word(word):
                continue
            if word.folded in self._speller:
                kept.append(_Typed(word, ambiguous=self._reader.folds_to_stop_word(word)))
            elif self._reader.folds_to_stop_word(word):
                continue
            else:
                fixed = self._speller.repair(word.folded)
                if fixed is None:
                    kept.append(_Typed(word))
                else:
                    kept.extend(_Typed(Word(part, part, False), repaired=True) for part in fixed)
            if len(kept) >= MAX_WORDS:
                break
        terms: dict[str, _Term] = {}
        for typed in kept:
            key = typed.word.folded
            if key in self._weights:
                weight = self._weights[key] * (AMBIGUOUS if typed.ambiguous else 1.0)
            else:
                weight = 0.0 if key.isdigit() else UNKNOWN
            if key not in terms or terms[key].weight < weight:
                terms[key] = _Term(key, weight, (typed,))
        for first, second in pairwise(kept):
            key = f"{first.word.folded} {second.word.folded}"
            if key in self._weights and key not in terms:
                terms[key] = _Term(key, self._weights[key], (first, second))
        return [t for t in terms.values() if t.weight > 0], marked

    def _candidates(self, terms: list[_Term]) -> list[int]:
        known = sorted(
            (t for t in terms if t.key in self._postings), key=lambda t: len(self._postings[t.key])
        )
        totals: dict[int, float] = {}
        read = 0
        for n, term in enumerate(known):
            postings = self._postings[term.key]
            if n >= 2 and read + len(postings) > POSTINGS_BUDGET:
                break  # the rarer terms already read carry the signal; generic ones only rescore
            read += len(postings)
            weight, get = term.weight, totals.get
            for index, field in postings:
                totals[index] = get(index, 0.0) + weight * field
        return heapq.nlargest(SHORTLIST, totals, key=totals.__getitem__)

    def _rescore(self, terms: list[_Term], candidates: list[int], marked: bool) -> list[tuple[float, _Entry]]:
        question_total = sum(t.weight for t in terms)
        question_text = " ".join(t.key for t in terms if " " not in t.key)
        scored = []
        for index in candidates:
            entry = self._entries[index]
            agree = {t.key: _agreement(t, entry, marked) for t in terms if t.key in entry.terms}
            explained = sum(t.weight * entry.terms[t.key] * agree[t.key] for t in terms if t.key in agree)
            said, closest, named = self._best_phrase(entry, agree)
            fuzzy = fuzz.token_set_ratio(question_text, closest.text) / 100 if closest else 0.0
            scored.append((100 * _combine(explained / question_total, said, fuzzy), named, entry))
        # Equal scores: the procedure whose own name the question says most fully ("gia hạn tạm trú"
        # before "gia hạn tạm trú cho người nước ngoài" when nothing was said about foreigners).
        scored.sort(key=lambda row: (-round(row[0]), -row[1], -row[0], row[2].id))
        return [(score, entry) for score, _, entry in scored]

    def _best_phrase(self, entry: _Entry, agree: dict[str, float]) -> tuple[float, _Phrase | None, float]:
        """How fully the question says the entry's closest phrase (0..1, times the phrase's field weight),
        that phrase, and how fully it says the entry's name."""
        best, closest, named = 0.0, None, 0.0
        said = {key: self._weights[key] * agreement for key, agreement in agree.items()}
        for phrase in entry.phrases:
            common = phrase.terms.intersection(said)
            if common:
                amount = 0.0
                for key in common:
                    amount += said[key]
                recall = min(1.0, amount / phrase.total)
                if phrase.naming:
                    named = max(named, recall)
                if recall * phrase.field > best:
                    best, closest = recall * phrase.field, phrase
        return best, closest, named


def _count(frequency: dict[str, int], texts: list[list[Word]]) -> None:
    """One more document using each of these terms."""
    for term in {t for words in texts for t in _terms_of([w.folded for w in words])}:
        frequency[term] = frequency.get(term, 0) + 1


def _entry(id_: str, name: str, phrases: list[tuple[list[Word], float]], weights: dict[str, float]) -> _Entry:
    terms: dict[str, float] = {}
    kept: list[_Phrase] = []
    for number, (words, field) in enumerate(phrases):
        naming = number < NAMING_PHRASES
        keys = tuple(dict.fromkeys(_terms_of([w.folded for w in words])))
        if not keys:
            continue
        for key in keys:
            terms[key] = max(terms.get(key, 0.0), field)
        total = sum(weights[key] for key in keys)
        kept.append(_Phrase(" ".join(w.folded for w in words), frozenset(keys), total, field, naming))
    forms = frozenset(w.accented for words, _ in phrases for w in words)
    return _Entry(id_, name, terms, forms, tuple(kept))


def _combine(explained: float, said: float, fuzzy: float) -> float:
    """0..1. A geometric mean, so both must hold: the procedure explains the question (not one
    generic word of a long question about something else), and the question says one of its phrases
    (not one word of a long alias)."""
    return math.sqrt(explained * said) * (1 - FUZZY_SHARE + FUZZY_SHARE * fuzzy)


def _agreement(term: _Term, entry: _Entry, marked_question: bool) -> float:
    """1.0 when the words are the same with their accents; less when only their letters agree."""
    value = 1.0
    for typed in term.typed:
        if typed.repaired:
            factor = REPAIRED
        elif typed.word.accented in entry.forms:
            factor = 1.0
        elif typed.word.marked:
            factor = OTHER_ACCENTS
        else:
            factor = UNMARKED_AMONG_MARKED if marked_question else FOLDED
        value = min(value, factor)
    return value


def _decide(query: str, scored: list[tuple[float, _Entry]], limit: int) -> SearchResult:
    procedures = [(score, entry) for score, entry in scored if entry.id != OFF_TOPIC]
    if not procedures or limit == 0:
        return SearchResult(query, "none", ())
    best = procedures[0][0]
    shown = tuple(
        Match(entry.id, entry.name, max(0, min(100, round(score))))
        for score, entry in procedures[:limit]
        if score > 0 and score >= best - LIST_WITHIN
    )
    # The runner-up may be the off-topic reading: then a close call is not a clear answer either.
    second = scored[1][0] if len(scored) > 1 else 0.0
    if best < NONE_BELOW or scored[0][1].id == OFF_TOPIC:
        decision: Decision = "none"
    elif best >= MATCH_FROM and best - second >= MATCH_GAP:
        decision = "match"
    else:
        decision = "choose"
    return SearchResult(query, decision, shown)
