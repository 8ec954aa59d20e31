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
from itertools import accumulate, pairwise
from typing import Any, Literal

from bot.domain.catalogue import Catalogue
from bot.domain.lexicon import Lexicon, Reader, Word, to_words
from bot.domain.question_parts import STORY_FROM, question_parts
from bot.domain.search.actions import FIT_SHARE, NOTHING_STATED, OBJECT_SHARE, Actions, Stated
from bot.domain.search.index import OFF_TOPIC, Entry, Index, build_index
from bot.domain.search.prior import prior
from bot.domain.search.score import Term, Typed, candidates, covered, rescore, said_of
from bot.domain.search.topics import Found, TopicFinder, TopicSpec, pattern
from bot.domain.text import Speller, clip

Decision = Literal["match", "choose", "none"]
Scored = tuple[float, Entry, float]  # a candidate's score (its order), the procedure, how well its words fit
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
LONG_NAMED_FROM = 30  # ...or from this score, when the question itself says one of its names whole
NAMED_AMONG = 3  # the first candidates whose names a long message may say whole
LONG_NEAR_LEAD = 8  # ...or when it leads by this much and explains this share of the whole message
LONG_COVERS = 0.25
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
        actions: Actions | None = None,
        carried: dict[str, frozenset[int]] | None = None,
    ) -> None:
        self._index = index
        self._weights = index.weights
        self._reader = reader
        self._about = about  # procedure id -> (code, tier)
        self._priors = priors or {}  # procedure id -> its factor when not 1.0 (search/prior.py)
        self._actions = actions  # the lexicon's action words (search/actions.py)
        self._carried = carried or {}  # procedure id -> the actions its names and aliases carry
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
        priors = {p.id: value for p in catalogue.procedures() if (value := prior(p)) != 1.0}
        actions = Actions(lexicon.actions, reader)
        carried = {
            p.id: found
            for p in catalogue.procedures()
            if (found := actions.carried([p.name, p.short_name, *p.aliases]))
        }
        return cls(index, reader, about, specs, priors, actions, carried)

    def search(self, query: str, limit: int = 5) -> SearchResult:
        # Composed form first: a decomposed "Ố" is three code points, which would count toward the length
        # at which a message reads as a story.
        text = clip(unicodedata.normalize("NFC", query))
        question, story = question_parts(text)
        terms, marked = self._query_terms(question)
        asked = self._says_a_name(terms, marked)  # by the question alone
        wanted = self._actions.stated(self._repaired(question)) if self._actions else NOTHING_STATED
        limit = max(0, limit)
        found = self._finder.find(question, terms, marked)  # a topic is what is asked, not the story
        lenient = None
        if story:
            terms, marked = self._with_story(terms, text, story)
        if story or len(" ".join(text.split())) >= STORY_FROM:
            # A long message scores lower for the same request, whether its sentences tell a story
            # or all ask ("…tách hộ với cha mẹ…? Thủ tục hồ sơ như thế nào?").
            lenient = self._long_message(terms, marked, asked)
        if found is None:
            return self._decide(query, self._scored(terms, marked, wanted), limit, lenient)
        topic = Match(found.spec.id, found.spec.id, round(100 * found.score), kind="topic")
        if found.spec.declines:
            # Outside what the bot does (a dispute, a lawsuit), unless the question plainly names a
            # procedure ("chưa ly hôn có tách khẩu được không": tách khẩu is the request).
            result = self._decide(query, self._scored(terms, marked, wanted), limit, lenient)
            named = result.decision != "none" and asked(self._entry(result.matches[0].id))
            return (
                result
                if result.decision == "match" or named
                else SearchResult(query, "none", (), topic, True)
            )
        rest = _rest(terms, found)
        said_more = sum(t.weight for t in rest) >= REST_MIN
        result = self._decide(query, self._scored(rest, marked, wanted) if said_more else [], limit, lenient)
        if rest != terms:
            # A procedure named by the topic's words too ("định danh điện tử mức 2") is the clearer answer.
            whole = self._decide(query, self._scored(terms, marked, wanted), limit, lenient)
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

    def _long_message(
        self, terms: list[Term], marked: bool, asked: Callable[[Entry], bool]
    ) -> Callable[[Entry, float, float], bool]:
        """Whether a long message's first candidate (its fit, its lead over the next), below NONE_BELOW,
        is still worth a short list. From LONG_NONE_BELOW: it leads by LONG_LEAD; or the message says
        one of its names whole; or it leads by LONG_NEAR_LEAD and explains a fair share of the whole
        message (a story about a lost land certificate and a bank loan is about the certificate, though
        no sentence names it). From LONG_NAMED_FROM: the question itself, not the story, says one of its
        names whole ("…muốn tách hộ với cha mẹ…": "Tách hộ"), however much else the message says."""
        says = self._says_a_name(terms, marked)

        def worth(entry: Entry, fit: float, lead: float) -> bool:
            if fit >= LONG_NAMED_FROM and asked(entry):
                return True
            if fit < LONG_NONE_BELOW:
                return False
            if lead >= LONG_LEAD or says(entry):
                return True
            number = self._numbers[entry.id]
            return lead >= LONG_NEAR_LEAD and covered(self._index, terms, [number], marked)[0] >= LONG_COVERS

        return worth

    def _with_story(self, asked: list[Term], text: str, story: str) -> tuple[list[Term], bool]:
        """The question's terms, and the story's at STORY of their weight (a term in both: the larger)."""
        merged = {t.key: t for t in asked}
        for term in self._query_terms(story)[0]:
            weight = term.weight * STORY
            if term.key not in merged or merged[term.key].weight < weight:
                merged[term.key] = term._replace(weight=weight)
        return list(merged.values()), _marked(text)

    def _scored(self, terms: list[Term], marked: bool, wanted: Stated = NOTHING_STATED) -> list[Scored]:
        """Candidates best first: (score, procedure, fit). The fit is how well its words fit the question;
        the score also reads the prior (search/prior.py: near ties). When the question states an action,
        the candidates whose names carry it and that are about the same thing come first
        (search/actions.py: a must-match). The decision reads the fit, so that it stays about the words."""
        shortlist = candidates(self._index, terms)
        scored = rescore(self._index, terms, shortlist, marked) if shortlist else []
        priors = self._priors
        weighed = [(fit * priors.get(entry.id, 1.0), entry, fit) for fit, entry in scored]
        if priors:
            weighed.sort(key=lambda row: -round(row[0]))  # stable: equal scores keep rescore's order
        if wanted.actions and weighed:
            first = self._carrying(weighed, terms, marked, wanted)
            if first:
                weighed.sort(key=lambda row: row[1].id not in first)  # stable: the order above within each
                # A procedure passed for the action scores no more than the last one that passed it.
                weighed = list(accumulate(weighed, lambda above, row: (min(row[0], above[0]), *row[1:])))
        return weighed

    def _carrying(self, weighed: list[Scored], terms: list[Term], marked: bool, wanted: Stated) -> set[str]:
        """The candidates that carry a stated action and are about the same thing as the best candidate:
        they fit the question at least FIT_SHARE as well, and explain at least OBJECT_SHARE as much of
        its object (its terms without the action's words) as the candidate explaining the most of it."""
        best = max(row[2] for row in weighed)
        carriers = [
            row[1]
            for row in weighed
            if row[2] >= FIT_SHARE * best and self._carried.get(row[1].id, frozenset()) & wanted.actions
        ]
        if not carriers:
            return set()
        rest = [t for t in terms if wanted.words.isdisjoint(t.key.split())]
        numbers = [self._numbers[row[1].id] for row in weighed if row[1].id != OFF_TOPIC]
        shares = dict(zip(numbers, covered(self._index, rest, numbers, marked), strict=True))
        enough = OBJECT_SHARE * max(shares.values(), default=0.0)
        return {entry.id for entry in carriers if shares.get(self._numbers[entry.id], 0.0) >= enough > 0}

    def _repaired(self, text: str) -> list[Word]:
        """The words as the lexicon reads them, those the catalogue does not know repaired as in
        _query_terms ("thy đổi" is "thay đổi"), function words kept ("bị mất")."""
        words: list[Word] = []
        for word in self._reader.read(text):
            fixed = None if word.folded in self._speller else self._speller.repair(word.folded)
            words.extend([Word(part, part, False) for part in fixed] if fixed else [word])
        return words

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

    @staticmethod
    def _fit(row: Scored) -> float:
        return row[2]

    def _decide(
        self,
        query: str,
        scored: list[Scored],
        limit: int,
        lenient: Callable[[Entry, float, float], bool] | None = None,
    ) -> SearchResult:
        procedures = [row for row in scored if row[1].id != OFF_TOPIC]
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
            for score, entry, _ in procedures[:limit]
            if score > 0 and score >= best - LIST_WITHIN
        )
        # The decision reads how well the words fit, without the prior (search/prior.py only orders near
        # ties): a portal procedure that fits clearly better than a curated one is still one clear answer.
        best = self._fit(procedures[0])
        # The runner-up may be the off-topic reading: then a close call is not a clear answer either. It
        # is the best fit behind the first, whatever the order: a procedure put first for the action the
        # question states is no clear answer when one it passed fits the words about as well.
        second = max((self._fit(row) for row in scored[1:]), default=0.0)
        # A long message (a story, then the question) scores lower for the same request: its first
        # candidate is still offered when the question says one of its names whole, or when it stands
        # well clear of the others.
        runner_up = self._fit(procedures[1]) if len(procedures) > 1 else 0.0
        # ...or when it names one of the first few whole, though another one's other words score higher
        # ("vợ chồng mới cưới… muốn tách hộ": "Đăng ký kết hôn", then "Tách hộ").
        # Whether anything fits reads every listed candidate: one put first for the action the question
        # states may fit its words less than one it passed ("xin cấp lại sổ đỏ bị mất": "Cấp lại Giấy
        # chứng nhận do bị mất" before "Đăng ký đất đai … lần đầu"), and the list is still worth offering.
        fits = max(self._fit(row) for row in procedures[: max(1, len(shown))])
        kept = (
            fits < NONE_BELOW  # read only when needed: it costs a pass over the candidates
            and lenient is not None
            and (
                lenient(procedures[0][1], best, best - runner_up)
                or any(lenient(row[1], self._fit(row), 0.0) for row in procedures[1:NAMED_AMONG])
            )
        )
        if scored[0][1].id == OFF_TOPIC or (fits < NONE_BELOW and not kept):
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
