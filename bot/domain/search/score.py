"""The procedure search's per-question work: candidates from the postings, then a full rescore of a few.

1. candidates: accumulate weights from the postings, rarest terms first, within a budget of postings, so
   a question costs about the same at 50 or 5,000 procedures;
2. rescore the short list: how much of the question the procedure explains, how fully the question says
   one of its phrases, whether the accents agree, and rapidfuzz on the closest phrase.

Only postings of the question's terms are read: a phrase that shares no term with the question is never
visited, and whether an accented word is in a procedure is one bit test.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from typing import NamedTuple

from rapidfuzz import fuzz, process

from bot.domain.lexicon import Word
from bot.domain.search.index import Entry, Hit, Index

# How much a word counts when its accents do not agree with the procedure's word.
REPAIRED, FOLDED, UNMARKED_AMONG_MARKED, OTHER_ACCENTS = 0.85, 0.93, 0.7, 0.4
SHORTLIST = 20  # candidates rescored in full
POSTINGS_BUDGET = 1500  # postings read for candidate generation; rarest terms are read first
GROUPED_TERMS = 16  # up to this many terms read, by groups of entries; more: entry by entry (measured)
FUZZY_SHARE = 0.1  # rapidfuzz on the closest phrase only nudges: it cannot make a match alone


# Tuples, not dataclasses: a question makes dozens of them, and a frozen dataclass is slow to create.
class Typed(NamedTuple):
    word: Word
    repaired: bool = False
    ambiguous: bool = False


class Term(NamedTuple):
    key: str
    weight: float
    typed: tuple[Typed, ...]


def candidates(index: Index, terms: list[Term]) -> list[int]:
    """The SHORTLIST entries with the most weight from the question's rarer terms (ties: the entry found
    first, reading terms rarest first and each term's entries in catalogue order).

    Two ways to the same sums, added in the same order, so the same floats and the same list: by groups
    of entries as bit sets (_by_groups), quick while the question has few terms, or entry by entry
    (_by_entries), quick when many rare terms split the entries into hundreds of groups (a long question).
    """
    known = terms_read(index, terms)
    return _by_groups(index, known) if len(known) <= GROUPED_TERMS else _by_entries(index, known)


def terms_read(index: Index, terms: list[Term]) -> list[Term]:
    """The terms candidates are drawn from: rarest first, within the postings budget."""
    postings = index.postings
    known = sorted((t for t in terms if t.key in postings), key=lambda t: len(postings[t.key].hits))
    read = 0
    for n, term in enumerate(known):
        size = len(postings[term.key].hits)
        if n >= 2 and read + size > POSTINGS_BUDGET:
            return known[:n]  # the rarer terms already read carry the signal; generic ones only rescore
        read += size
    return known


def _by_groups(index: Index, known: list[Term]) -> list[int]:
    """Entries that so far use the same terms with the same fields have the same total, and with a few
    terms at most a few dozen such groups arise, so totals are kept per group, as bit sets of entries,
    and each term splits the groups it touches: the same sums as adding posting by posting, without
    visiting each posting.
    """
    groups: list[tuple[float, int, int]] = []  # total, the term that found its entries first, entries
    found = 0
    for n, term in enumerate(known):
        using = index.postings[term.key]
        split: list[tuple[float, int, int]] = []
        for total, first, members in groups:
            if members & using.everyone:
                for field, entries in using.by_field:
                    if members & entries:
                        split.append((total + term.weight * field, first, members & entries))
                members &= ~using.everyone
            if members:
                split.append((total, first, members))
        new = using.everyone & ~found
        for field, entries in using.by_field:
            if new & entries:
                split.append((term.weight * field, n, new & entries))
        found |= using.everyone
        groups = split
    return _best(groups)


def _by_entries(index: Index, known: list[Term]) -> list[int]:
    """Totals entry by entry, in the order _by_groups adds them (0.0 + x is x): the same floats."""
    totals: dict[int, float] = {}
    ends: list[int] = []  # after each term, how many entries were found: which term found an entry first
    get = totals.get
    for term in known:
        using = index.postings[term.key]
        if len(using.by_field) == 1:  # most terms: one field for every entry using them
            add = term.weight * using.by_field[0][0]
            for number in using.hits:
                totals[number] = get(number, 0.0) + add
        else:
            weight = term.weight
            for number, (field, _) in using.hits.items():
                totals[number] = get(number, 0.0) + weight * field
        ends.append(len(totals))
    # The SHORTLIST-th highest total: entries from it up are sorted, ties as in _best.
    least = sorted(totals.values(), reverse=True)[SHORTLIST - 1] if len(totals) > SHORTLIST else -1.0
    kept = [
        (-total, bisect_right(ends, position), number)
        for position, (number, total) in enumerate(totals.items())
        if total >= least
    ]
    kept.sort()
    return [number for _, _, number in kept[:SHORTLIST]]


def _best(groups: list[tuple[float, int, int]]) -> list[int]:
    """The SHORTLIST entries of the groups with the highest totals; ties: found first, lower number."""
    groups.sort(key=lambda group: (-group[0], group[1]))
    chosen: list[int] = []
    position = 0
    while position < len(groups) and len(chosen) < SHORTLIST:
        total, first, members = groups[position]
        position += 1
        # Groups with the same total found by the same term are one run of entries in catalogue order.
        while position < len(groups) and groups[position][:2] == (total, first):
            members |= groups[position][2]
            position += 1
        while members and len(chosen) < SHORTLIST:
            lowest = members & -members
            chosen.append(lowest.bit_length() - 1)
            members ^= lowest
    return chosen


# A question term that some procedure uses, ready to be looked up per candidate: its weight in the
# question; its catalogue weight (which counts toward saying a phrase); its postings; the agreement that
# holds whatever the entry (repaired words, accented forms no entry uses); the bits of its other typed
# words' accented forms, and each of those with the agreement when the entry lacks it.
# A plain tuple: the inner loop unpacks it.
_Asked = tuple[float, float, dict[int, Hit], float, int, tuple[tuple[int, float], ...]]


def rescore(index: Index, terms: list[Term], shortlist: list[int], marked: bool) -> list[tuple[float, Entry]]:
    """Each candidate's score (0..100), best first."""
    question_total = sum(t.weight for t in terms)
    question_text = " ".join(t.key for t in terms if " " not in t.key)
    asked = [_asked(index, t, marked) for t in terms if t.key in index.postings]
    explained = [_explain(index.entries[number], number, asked) for number in shortlist]
    # rapidfuzz reads the question once for all the closest phrases.
    closest = [index.entries[number].texts[row[2]] for number, row in zip(shortlist, explained, strict=True)]
    fuzzy = [0.0] * len(closest)
    for _, ratio, position in process.extract(
        question_text, closest, scorer=fuzz.token_set_ratio, processor=None, limit=None
    ):
        fuzzy[position] = ratio / 100
    scored = [
        (100 * _combine(explains / question_total, said, ratio), named, index.entries[number])
        for number, (explains, said, _, named), ratio in zip(shortlist, explained, fuzzy, strict=True)
    ]
    # Equal scores: the procedure whose own name the question says most fully ("gia hạn tạm trú"
    # before "gia hạn tạm trú cho người nước ngoài" when nothing was said about foreigners).
    scored.sort(key=lambda row: (-round(row[0]), -row[1], -row[0], row[2].id))
    return [(score, entry) for score, _, entry in scored]


def _asked(index: Index, term: Term, marked_question: bool) -> _Asked:
    fixed = 1.0
    needs = 0
    checks = []
    for word, repaired, _ in term.typed:
        if repaired:
            fixed = min(fixed, REPAIRED)
            continue
        absent = OTHER_ACCENTS if word.marked else (UNMARKED_AMONG_MARKED if marked_question else FOLDED)
        bit = index.form_bits.get(word.accented, 0)
        if bit:
            needs |= bit
            checks.append((bit, absent))
        else:
            fixed = min(fixed, absent)  # no entry has this form
    return term.weight, index.weights[term.key], index.postings[term.key].hits, fixed, needs, tuple(checks)


def _explain(entry: Entry, number: int, asked: list[_Asked]) -> tuple[float, float, int, float]:
    """How much of the question the entry explains (weight), how fully the question says its closest
    phrase (0..1, times the phrase's field weight), that phrase, and how fully the question says the
    entry's name.

    The hot loop of the search: comparisons instead of min/max calls, names bound to locals.
    """
    explained = 0.0
    amounts = [0.0] * len(entry.totals)
    forms = entry.forms
    for weight, said, hits, fixed, needs, checks in asked:
        hit = hits.get(number)
        if hit is None:
            continue
        # 1.0 when the words are the same with their accents; less when only their letters agree.
        agreement = fixed
        if forms & needs != needs:
            for bit, absent in checks:
                if not forms & bit:
                    agreement = min(agreement, absent)
        field, phrases = hit
        explained += weight * field * agreement
        said *= agreement
        for phrase in phrases:
            amounts[phrase] += said
    # Phrases that share no term with the question have no amount; recall is capped at 1.0.
    totals, fields = entry.totals, entry.fields
    named = 0.0
    for phrase in range(entry.naming):
        if amounts[phrase]:
            recall = amounts[phrase] / totals[phrase]
            recall = 1.0 if recall > 1.0 else recall
            named = recall if recall > named else named
    # A candidate shares a term with the question, so some phrase has an amount (were none to, `best`
    # would stay 0 and so would the score, whatever rapidfuzz says of phrase 0).
    best, closest = 0.0, 0
    for phrase, amount in enumerate(amounts):
        if amount:
            recall = amount / totals[phrase]
            value = (1.0 if recall > 1.0 else recall) * fields[phrase]
            if value > best:  # ties: the first phrase
                best, closest = value, phrase
    return explained, best, closest, named


def _combine(explained: float, said: float, fuzzy: float) -> float:
    """0..1. A geometric mean, so both must hold: the procedure explains the question (not one
    generic word of a long question about something else), and the question says one of its phrases
    (not one word of a long alias)."""
    return math.sqrt(explained * said) * (1 - FUZZY_SHARE + FUZZY_SHARE * fuzzy)


def explain_all(index: Index, terms: list[Term], marked: bool) -> list[tuple[Entry, float, float, int]]:
    """Every entry of a small index (the topics) that shares a term with the question: the weight of the
    question it explains, how fully the question says its closest phrase, and that phrase."""
    asked = [_asked(index, t, marked) for t in terms if t.key in index.postings]
    if not asked:
        return []
    # Only entries in the asked terms' postings can say anything: the others are never explained.
    sharing: set[int] = set()
    for _, _, hits, *_ in asked:
        sharing.update(hits)
    found = []
    for number in sorted(sharing):
        entry = index.entries[number]
        explained, said, closest, _ = _explain(entry, number, asked)
        if said:
            found.append((entry, explained, said, closest))
    return found


def said_of(index: Index, terms: list[Term], number: int, marked: bool) -> float:
    """How fully the question says the entry's closest phrase (0..1, times the phrase's field weight)."""
    asked = [_asked(index, t, marked) for t in terms if t.key in index.postings]
    return _explain(index.entries[number], number, asked)[1]


def covered(index: Index, terms: list[Term], numbers: list[int], marked: bool) -> list[float]:
    """The share of the question's weight each entry explains (0..1)."""
    total = sum(t.weight for t in terms)
    if not total:
        return [0.0] * len(numbers)
    asked = [_asked(index, t, marked) for t in terms if t.key in index.postings]
    return [_explain(index.entries[number], number, asked)[0] / total for number in numbers]
