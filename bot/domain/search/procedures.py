"""Find the procedure a citizen means. `ProcedureIndex.build` once per catalogue load, `.search` per message.

Build (search/index.py): every catalogue phrase (name, aliases, keywords, summary) is read through the
lexicon into syllables and syllable bigrams ("khai", "khai sinh"), weighted by how few procedures use
them, into postings that also say which phrases use each term.

Search:
1. read the question the same way, then repair words the catalogue does not know (telex leftovers,
   run-together words, one-letter typos: text.Speller);
2. candidates and 3. rescore of the short list (search/score.py): weights from the postings, rarest
   terms first, then how much of the question each candidate explains, how fully the question says one
   of its phrases, whether the accents agree, and rapidfuzz on the closest phrase;
4. decide: nothing relevant (`none`), one clear winner (`match`), or several close ones (`choose`).

Topics (flows.yaml `topics:`, search/topics.py) are read the same way. When the question says one,
its words are taken out and the rest is searched for a procedure: "nộp hồ sơ khai sinh trực tuyến
thế nào" is the topic "online" for the procedure "khai sinh". The result carries both.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any, Literal

from bot.domain.catalogue import Catalogue
from bot.domain.lexicon import Lexicon, Reader, Word, to_words
from bot.domain.question_parts import question_parts
from bot.domain.search.index import OFF_TOPIC, Entry, Index, build_index
from bot.domain.search.prior import prior
from bot.domain.search.score import Term, Typed, candidates, rescore, said_of
from bot.domain.search.topics import Found, TopicFinder, TopicSpec, pattern
from bot.domain.text import Speller, clip

Decision = Literal["match", "choose", "none"]
Kind = Literal["procedure", "topic"]

UNKNOWN = 0.7  # a word the catalogue does not know: probably about something else
AMBIGUOUS = 0.35  # typed without accents, it may be a function word ("co": "có", or "cổ" phần)
MAX_WORDS = 40  # content words read from one question

NONE_BELOW = 50  # a best score under this is not a procedure
MATCH_FROM = 70  # a best score from here can be one clear answer...
MATCH_GAP = 10  # ...when it leads the next procedure by at least this much
LIST_WITHIN = 35  # list candidates within this distance of the best
STORY = 0.4  # a word of the story around the question counts this much (question_parts)
LONG_NONE_BELOW = 40  # in a long message, a best score from here is kept when a name is said whole
LONG_LEAD = 15  # ...or when it leads the next procedure by this much
NAME_SAID = 0.9  # said whole: a name or alias (field weight 0.95 or 1.0), not a keyword (0.8)
REST_MIN = 0.5  # words left beside a topic that weigh this much say something more (about one rare word)


@dataclass(frozen=True)
class Match:
    id: str
    name: str
    score: int  # 0..100
    code: str | None = None  # the national code (1.001193), when the procedure has one
    tier: str = "curated"  # "curated" (procedures/) or "portal" (portal.json)
    kind: Kind = "procedure"


@dataclass(frozen=True)
class SearchResult:
    query: str
    decision: Decision  # about procedures: a question only about a topic is "none"
    matches: tuple[Match, ...]  # procedures, best first, at most the requested limit
    topic: Match | None = None  # the topic the question is about, if any (kind "topic")
    rest: bool = False  # with a topic: the question also says something else (searched for a procedure)

    def to_json(self) -> dict[str, Any]:
        """The `motcua search --json` contract (DESIGN.md); "topic" is added only when one is said."""
        out: dict[str, Any] = {
            "query": self.query,
            "decision": self.decision,
            "matches": [
                {"id": m.id, "name": m.name, "code": m.code, "tier": m.tier, "score": m.score}
                for m in self.matches
            ],
        }
        if self.topic is not None:
            out["topic"] = {"id": self.topic.id, "kind": "topic", "score": self.topic.score}
        return out


class ProcedureIndex:
    def __init__(
        self,
        index: Index,
        reader: Reader,
        about: dict[str, tuple[str | None, str]],
        topics: list[TopicSpec],
        priors: dict[str, float] | None = None,
    ) -> None:
        self._index = index
        self._weights = index.weights
        self._reader = reader
        self._about = about  # procedure id -> (code, tier)
        self._priors = priors or {}  # procedure id -> its factor when not 1.0 (search/prior.py)
        self._numbers = {entry.id: number for number, entry in enumerate(index.entries)}
        # The syllables the catalogue's phrases (and the topics') use, with how many procedures use each.
        frequency: dict[str, int] = {}
        for postings in [index.postings] + [t.postings for t in index.topics]:
            for key, found in postings.items():
                if " " not in key:
                    frequency[key] = frequency.get(key, 0) + len(found.hits)
        self._speller = Speller(frequency)
        _, patterns = TopicFinder.split(topics, reader)
        patterns += [p for topic, phrasing in index.weak for p in pattern(topic, phrasing, reader)]
        self._finder = TopicFinder(topics, patterns, index.topics[0] if index.topics else None, reader)

    @classmethod
    def build(
        cls,
        catalogue: Catalogue,
        lexicon: Lexicon,
        topics: list[TopicSpec] | None = None,
        reading: Reader | None = None,
    ) -> ProcedureIndex:
        """`reading`: a reader of the same lexicon for the catalogue's texts alone, one that may remember
        them from an earlier build (a publish changes few); questions get a reader of their own."""
        reader = Reader(lexicon)
        specs = topics or []
        worded, _ = TopicFinder.split(specs, reader)
        index = build_index(catalogue, lexicon, reading or reader, worded)
        about: dict[str, tuple[str | None, str]] = {p.id: (p.code, p.tier) for p in catalogue.procedures()}
        priors = {p.id: factor for p in catalogue.procedures() if (factor := prior(p)) != 1.0}
        return cls(index, reader, about, specs, priors)

    def search(self, query: str, limit: int = 5) -> SearchResult:
        # Composed form first: a decomposed "Ố" is three code points, which would count toward the length
        # at which a message reads as a story.
        text = clip(unicodedata.normalize("NFC", query))
        question, story = question_parts(text)
        terms, marked = self._query_terms(question)
        asked = self._says_a_name(terms, marked)  # by the question alone
        limit = max(0, limit)
        found = self._finder.find(question, terms, marked)  # a topic is what is asked, not the story
        lenient = None
        if story:
            terms, marked = self._with_story(terms, text, story)
            lenient = self._says_a_name(terms, marked)
        if found is None:
            return self._decide(query, self._scored(terms, marked), limit, lenient)
        topic = Match(found.spec.id, found.spec.id, round(100 * found.score), kind="topic")
        if found.spec.declines:
            # Outside what the bot does (a dispute, a lawsuit), unless the question plainly names a
            # procedure ("chưa ly hôn có tách khẩu được không": tách khẩu is the request).
            result = self._decide(query, self._scored(terms, marked), limit, lenient)
            named = result.decision != "none" and asked(self._entry(result.matches[0].id))
            return (
                result
                if result.decision == "match" or named
                else SearchResult(query, "none", (), topic, True)
            )
        rest = _rest(terms, found)
        said_more = sum(t.weight for t in rest) >= REST_MIN
        result = self._decide(query, self._scored(rest, marked) if said_more else [], limit, lenient)
        if rest != terms:
            # A procedure named by the topic's words too ("định danh điện tử mức 2") is the clearer answer.
            whole = self._decide(query, self._scored(terms, marked), limit, lenient)
            if whole.decision == "match" and (result.decision != "match" or _top(whole) >= _top(result)):
                result = whole
        return replace(result, topic=topic, rest=said_more)

    def _entry(self, procedure: str) -> Entry:
        return self._index.entries[self._numbers[procedure]]

    def _says_a_name(self, terms: list[Term], marked: bool) -> Callable[[Entry], bool]:
        """Whether the question says one of the entry's names or aliases whole ("đăng ký khai tử"), not
        only a keyword ("sổ đỏ"): in a long message that is worth a short list, even at a low score."""
        numbers = self._numbers

        def says(entry: Entry) -> bool:
            return said_of(self._index, terms, numbers[entry.id], marked) >= NAME_SAID

        return says

    def _with_story(self, asked: list[Term], text: str, story: str) -> tuple[list[Term], bool]:
        """The question's terms, and the story's at STORY of their weight (a term in both: the larger)."""
        merged = {t.key: t for t in asked}
        for term in self._query_terms(story)[0]:
            weight = term.weight * STORY
            if term.key not in merged or merged[term.key].weight < weight:
                merged[term.key] = term._replace(weight=weight)
        return list(merged.values()), _marked(text)

    def _scored(self, terms: list[Term], marked: bool) -> list[tuple[float, Entry]]:
        shortlist = candidates(self._index, terms)
        scored = rescore(self._index, terms, shortlist, marked) if shortlist else []
        if not self._priors:
            return scored
        weighed = [(score * self._priors.get(entry.id, 1.0), entry) for score, entry in scored]
        weighed.sort(key=lambda row: -round(row[0]))  # stable: equal scores keep rescore's order
        return weighed

    def _query_terms(self, query: str) -> tuple[list[Term], bool]:
        marked = _marked(query)
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

    def _fit(self, row: tuple[float, Entry]) -> float:
        return row[0] / self._priors.get(row[1].id, 1.0)

    def _decide(
        self,
        query: str,
        scored: list[tuple[float, Entry]],
        limit: int,
        lenient: Callable[[Entry], bool] | None = None,
    ) -> SearchResult:
        procedures = [(score, entry) for score, entry in scored if entry.id != OFF_TOPIC]
        if not procedures or limit == 0:
            return SearchResult(query, "none", ())
        best = procedures[0][0]
        shown = tuple(
            Match(
                entry.id,
                entry.name,
                max(0, min(100, round(score))),
                *self._about.get(entry.id, (None, "curated")),
            )
            for score, entry in procedures[:limit]
            if score > 0 and score >= best - LIST_WITHIN
        )
        # The decision reads how well the words fit, without the prior (search/prior.py only orders near
        # ties): a portal procedure that fits clearly better than a curated one is still one clear answer.
        best = self._fit(procedures[0])
        # The runner-up may be the off-topic reading: then a close call is not a clear answer either.
        second = self._fit(scored[1]) if len(scored) > 1 else 0.0
        # A long message (a story, then the question) scores lower for the same request: its first
        # candidate is still offered when the question says one of its names whole, or when it stands
        # well clear of the others.
        runner_up = self._fit(procedures[1]) if len(procedures) > 1 else 0.0
        kept = (
            lenient is not None
            and best >= LONG_NONE_BELOW
            and (best - runner_up >= LONG_LEAD or lenient(procedures[0][1]))
        )
        if scored[0][1].id == OFF_TOPIC or (best < NONE_BELOW and not kept):
            decision: Decision = "none"
        elif best >= MATCH_FROM and best - second >= MATCH_GAP:
            decision = "match"
        else:
            decision = "choose"
        return SearchResult(query, decision, shown)


def _marked(text: str) -> bool:
    """Whether the writer types accents (then a word without them is a different word, not a lazy one)."""
    typed_marks = [w.marked for w in to_words(text)]
    return sum(typed_marks) >= max(1.0, 0.3 * len(typed_marks))


def _top(result: SearchResult) -> int:
    return result.matches[0].score if result.matches else 0


def _rest(terms: list[Term], found: Found) -> list[Term]:
    """The question's terms that the topic's words do not say."""
    return [t for t in terms if found.words.isdisjoint(t.key.split())]
