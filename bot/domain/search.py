"""Find the procedure a citizen means. `ProcedureIndex.build` once per catalogue load, `.search` per message.

Build (search_index.py): every catalogue phrase (name, aliases, keywords, summary) is read through the
lexicon into syllables and syllable bigrams ("khai", "khai sinh"), weighted by how few procedures use
them, into postings that also say which phrases use each term.

Search:
1. read the question the same way, then repair words the catalogue does not know (telex leftovers,
   run-together words, one-letter typos: text.Speller);
2. candidates and 3. rescore of the short list (search_score.py): weights from the postings, rarest
   terms first, then how much of the question each candidate explains, how fully the question says one
   of its phrases, whether the accents agree, and rapidfuzz on the closest phrase;
4. decide: nothing relevant (`none`), one clear winner (`match`), or several close ones (`choose`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any, Literal

from bot.domain.catalogue import Catalogue
from bot.domain.lexicon import Lexicon, Reader, Word, to_words
from bot.domain.search_index import OFF_TOPIC, Entry, Index, build_index
from bot.domain.search_score import Term, Typed, candidates, rescore
from bot.domain.text import Speller, clip

Decision = Literal["match", "choose", "none"]

UNKNOWN = 0.7  # a word the catalogue does not know: probably about something else
AMBIGUOUS = 0.35  # typed without accents, it may be a function word ("co": "có", or "cổ" phần)
MAX_WORDS = 40  # content words read from one question

NONE_BELOW = 50  # a best score under this is not a procedure
MATCH_FROM = 70  # a best score from here can be one clear answer...
MATCH_GAP = 10  # ...when it leads the next procedure by at least this much
LIST_WITHIN = 35  # list candidates within this distance of the best


@dataclass(frozen=True)
class Match:
    id: str
    name: str
    score: int  # 0..100
    code: str | None = None  # the national code (1.001193), when the procedure has one
    tier: str = "curated"  # "curated" (procedures/) or "portal" (portal.json)


@dataclass(frozen=True)
class SearchResult:
    query: str
    decision: Decision
    matches: tuple[Match, ...]  # best first, at most the requested limit

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "decision": self.decision,
            "matches": [
                {"id": m.id, "name": m.name, "code": m.code, "tier": m.tier, "score": m.score}
                for m in self.matches
            ],
        }


class ProcedureIndex:
    def __init__(
        self, index: Index, reader: Reader, labels: dict[str, tuple[str | None, str]] | None = None
    ) -> None:
        self._index = index
        self._labels = labels or {}  # id -> (code, tier), carried by every match
        self._weights = index.weights
        self._reader = reader
        # The syllables the catalogue's phrases use, with how many procedures use each.
        frequency = {key: len(found.hits) for key, found in index.postings.items() if " " not in key}
        self._speller = Speller(frequency)

    @classmethod
    def build(cls, catalogue: Catalogue, lexicon: Lexicon) -> ProcedureIndex:
        reader = Reader(lexicon)
        labels: dict[str, tuple[str | None, str]] = {p.id: (p.code, p.tier) for p in catalogue.procedures()}
        return cls(build_index(catalogue, lexicon, reader), reader, labels)

    def search(self, query: str, limit: int = 5) -> SearchResult:
        terms, marked = self._query_terms(clip(query))
        shortlist = candidates(self._index, terms)
        scored = rescore(self._index, terms, shortlist, marked) if shortlist else []
        result = _decide(query, scored, max(0, limit))
        matches = tuple(
            replace(m, code=code, tier=tier)
            for m in result.matches
            for code, tier in [self._labels.get(m.id, (None, "curated"))]
        )
        return replace(result, matches=matches)

    def _query_terms(self, query: str) -> tuple[list[Term], bool]:
        typed_marks = [w.marked for w in to_words(query)]
        marked = sum(typed_marks) >= max(1.0, 0.3 * len(typed_marks))
        kept: list[Typed] = []
        for word in self._reader.read(query):
            if self._reader.is_stop_word(word):
                continue
            if word.folded in self._speller:
                kept.append(Typed(word, ambiguous=self._reader.folds_to_stop_word(word)))
            elif self._reader.folds_to_stop_word(word):
                continue
            else:
                fixed = self._speller.repair(word.folded)
                if fixed is None:
                    kept.append(Typed(word))
                else:
                    kept.extend(Typed(Word(part, part, False), repaired=True) for part in fixed)
            if len(kept) >= MAX_WORDS:
                break
        terms: dict[str, Term] = {}
        for typed in kept:
            key = typed.word.folded
            if key in self._weights:
                weight = self._weights[key] * (AMBIGUOUS if typed.ambiguous else 1.0)
            else:
                weight = 0.0 if key.isdigit() else UNKNOWN
            if key not in terms or terms[key].weight < weight:
                terms[key] = Term(key, weight, (typed,))
        for first, second in pairwise(kept):
            key = f"{first.word.folded} {second.word.folded}"
            if key in self._weights and key not in terms:
                terms[key] = Term(key, self._weights[key], (first, second))
        return [t for t in terms.values() if t.weight > 0], marked


def _decide(query: str, scored: list[tuple[float, Entry]], limit: int) -> SearchResult:
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
