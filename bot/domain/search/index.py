"""The procedure search's index: what `ProcedureIndex.build` computes once per catalogue load.

Every catalogue phrase (name, aliases, keywords, summary) is read through the lexicon into syllables and
syllable bigrams ("khai", "khai sinh"). Each term is weighted by how few procedures use it (IDF over each
procedure's whole text), so generic words ("đăng ký", "cấp", "giấy") count little and distinctive ones
("tử", "ct07") a lot.

The layout is chosen for a catalogue of thousands of procedures:
- one posting per (term, procedure) says both how strongly the procedure uses the term and in which of
  its phrases, so a query never looks at phrases that share nothing with it, and nothing per procedure
  repeats a term's text;
- each term's procedures are also a bit set per field, which candidate generation combines a whole
  group of procedures at a time (search/score.candidates);
- equal values (phrase texts, phrase lists, sums, postings) are stored once and shared.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import NamedTuple

from bot.domain.catalogue import Catalogue, Procedure
from bot.domain.lexicon import Lexicon, Reader, Word

# Where a procedure's words come from, and how much a match there counts.
NAME, ALIAS, KEYWORD, SUMMARY = 1.0, 0.95, 0.8, 0.45
BIGRAM = 1.5  # two syllables in a row say much more than each alone ("khai sinh", "tạm trú")
NAMING_PHRASES = 2  # _matched_texts starts with the name and the short name
TOPIC_WORDS_FROM = 0.6  # a topic phrasing whose words weigh less is matched as a pattern (search/topics.py)
OFF_TOPIC = ""  # the id of the entry made of the lexicon's off-topic phrases; never listed

# A posting's payload: the weight of the best field using the term, and which phrases use it.
Hit = tuple[float, tuple[int, ...]]


@dataclass(frozen=True, slots=True)
class Entry:
    """One procedure (or the off-topic phrases), its phrases as parallel tuples."""

    id: str
    name: str
    forms: int  # bit set over Index.form_bits: its accented words, to tell "tạm vắng" from "giá vàng"
    texts: tuple[str, ...]  # each phrase's folded words, for rapidfuzz
    totals: tuple[float, ...]  # weight of all of a phrase's terms
    fields: tuple[float, ...]  # NAME, ALIAS, KEYWORD or SUMMARY
    naming: int  # how many leading phrases are the procedure's name and short name


class Postings(NamedTuple):  # a tuple: thousands are made per build, and a frozen dataclass is slow to make
    """The procedures using one term: by index in Index.entries, in ascending order, and as bit sets
    (bit i: entry i), which candidate generation combines without visiting procedures one by one."""

    hits: dict[int, Hit]
    everyone: int  # the entries using the term
    by_field: tuple[tuple[float, int], ...]  # the entries whose best field using the term is this one


@dataclass(frozen=True, slots=True)
class Index:
    entries: list[Entry]
    weights: dict[str, float]  # every catalogue term, background text included
    postings: dict[str, Postings]  # terms of matched phrases only
    form_bits: dict[str, int]  # accented word -> its bit in Entry.forms
    topics: list[Index] = field(default_factory=list)  # at most one: the topics' own index, same weights
    weak: list[tuple[str, str]] = field(
        default_factory=list
    )  # (topic, phrasing) too generic to match by words


@dataclass(frozen=True, slots=True)
class _Text:
    """One catalogue text as the index needs it, read once however many procedures repeat it."""

    keys: tuple[str, ...]  # its terms, each once, in reading order
    folded: str  # its words without accents, for rapidfuzz
    forms: int  # its accented words, as bits of Index.form_bits


def terms_of(words: list[str]) -> list[str]:
    return words + [f"{a} {b}" for a, b in pairwise(words)]


# Where a portal name's request ends and its qualifiers begin: "Cấp lại giấy phép xây dựng | đối với công
# trình cấp III, cấp IV (...)". Lower-case, with the spaces around them; "(" and ";" always cut.
QUALIFIERS = (
    " đối với ",
    " trong trường hợp ",
    " trường hợp ",
    " thực hiện ",
    " bằng dịch vụ công ",
    " (",
    ";",
)
HEAD_WORDS = 3  # a shorter head is a verb alone ("Đăng ký"): it names no request


def name_head(name: str) -> str | None:
    """A portal name without its qualifiers, when it has some: the request a citizen names.

    Portal names are long ("Đăng ký xe tạm thời thực hiện bằng dịch vụ công trực tuyến một phần hoặc
    trực tiếp"): a question that names the request whole says little of the name, and a curated
    procedure whose short alias it says whole ranks first though it is another request.
    """
    lowered = name.lower()
    cut = min((at for q in QUALIFIERS if (at := lowered.find(q)) > 0), default=len(name))
    head = name[:cut].rstrip(" ,.")
    return head if cut < len(name) and len(head.split()) >= HEAD_WORDS else None


def _matched_texts(p: Procedure) -> list[tuple[str, float]]:
    head = name_head(p.name) if p.tier == "portal" else None  # curated names have written aliases
    return (
        [(p.name, NAME), (p.short_name, NAME), (p.summary, SUMMARY)]
        + ([(head, ALIAS)] if head else [])
        + [(text, ALIAS) for text in p.aliases]
        + [(text, KEYWORD) for text in p.keywords]
    )


def _background_texts(p: Procedure) -> Iterable[str]:
    """Text that only informs how common a word is (a word every procedure needs is generic)."""
    yield p.for_whom
    yield p.result
    yield from (document.name for document in p.documents)


Phrases = list[tuple[_Text, float]]
Topics = Sequence[tuple[str, Sequence[str]]]  # topic id -> its phrasings (word phrasings only)


class _Reading:
    """Catalogue texts read through the lexicon once each, however many procedures repeat them."""

    def __init__(self, reader: Reader) -> None:
        self._reader = reader
        self.form_bits: dict[str, int] = {}
        self._phrases: dict[str, _Text] = {}
        self._background: dict[str, tuple[str, ...]] = {}
        self._bigrams: dict[str, str] = {}  # one string per bigram: phrases share most of them

    def phrase(self, text: str) -> _Text:
        if text not in self._phrases:
            words = self._content(text)
            forms = 0
            for form in {w.accented for w in words}:
                bit = self.form_bits.get(form)
                if bit is None:
                    bit = self.form_bits[form] = 1 << len(self.form_bits)
                forms |= bit
            folded = [w.folded for w in words]  # lexicon words are cached, so these strings are shared
            pool = self._bigrams
            bigrams = [pool.setdefault(bigram, bigram) for bigram in map(" ".join, pairwise(folded))]
            keys = tuple(dict.fromkeys(folded + bigrams))  # the order of terms_of
            self._phrases[text] = _Text(keys, " ".join(folded), forms)
        return self._phrases[text]

    def words_only(self, text: str) -> _Text:
        """A topic phrasing: its words, no bigrams. A topic is said by its words, in any order and with
        anything between ("nộp hồ sơ khai sinh trực tuyến" says "nộp trực tuyến")."""
        read = self.phrase(text)
        words = tuple(key for key in read.keys if " " not in key)
        return _Text(words, read.folded, read.forms)

    def background(self, text: str) -> tuple[str, ...]:
        """Only the terms: background text counts toward how common a term is, nothing else."""
        if text not in self._background:
            self._background[text] = tuple(terms_of([w.folded for w in self._content(text)]))
        return self._background[text]

    def _content(self, text: str) -> list[Word]:
        return [w for w in self._reader.read(text) if not self._reader.is_stop_word(w)]


def build_index(catalogue: Catalogue, lexicon: Lexicon, reader: Reader, topics: Topics = ()) -> Index:
    """The procedures' index; with topics, `Index.topics` is theirs, read the same way (see TopicIndex)."""
    reading = _Reading(reader)
    raw: list[tuple[str, str, Phrases]] = []
    frequency: dict[str, int] = {}
    for p in catalogue.procedures():
        phrases = [(reading.phrase(text), field) for text, field in _matched_texts(p)]
        background = [reading.background(text) for text in _background_texts(p)]
        _count(frequency, [text.keys for text, _ in phrases] + background)
        raw.append((p.id, p.name, phrases))
    if lexicon.off_topic:
        # Off-topic questions compete as one more "procedure" whose win means "none" (see search._decide).
        phrases = [(reading.phrase(text), ALIAS) for text in lexicon.off_topic]
        _count(frequency, [text.keys for text, _ in phrases])
        raw.append((OFF_TOPIC, "", phrases))
    n = max(1, len(raw))
    weights = _weights(frequency, n)
    # Topics are read like aliases but weigh nothing in how common a procedure word is: a catalogue
    # with topics ranks procedures exactly as one without. A word only topics use weighs as a rare one.
    topic_raw = [
        (topic_id, topic_id, [(reading.words_only(text), ALIAS) for text in phrasings])
        for topic_id, phrasings in topics
    ]
    topic_frequency: dict[str, int] = {}
    for _, _, phrases in topic_raw:
        _count(topic_frequency, [text.keys for text, _ in phrases if text.keys])
    weights.update({t: w for t, w in _weights(topic_frequency, n).items() if t not in weights})
    index = _assemble(raw, weights, reading.form_bits)
    if topic_raw:
        # A phrasing made of words every procedure uses ("bạn làm được gì" reads as "làm") would be said
        # by almost any question: it is matched as a pattern on the typed words instead.
        kept: list[tuple[str, str, Phrases]] = []
        for (topic_id, _, phrases), (_, texts) in zip(topic_raw, topics, strict=True):
            strong = []
            for (text, field_), phrasing in zip(phrases, texts, strict=True):
                if sum(weights[key] for key in text.keys) >= TOPIC_WORDS_FROM:
                    strong.append((text, field_))
                else:
                    index.weak.append((topic_id, phrasing))
            kept.append((topic_id, topic_id, strong))
        index.topics.append(_assemble(kept, weights, reading.form_bits))
    return index


def _weights(frequency: dict[str, int], n: int) -> dict[str, float]:
    return {
        t: math.log(1 + n / df) / math.log(1 + n) * (BIGRAM if " " in t else 1.0)
        for t, df in frequency.items()
    }


def _assemble(
    raw: list[tuple[str, str, Phrases]], weights: dict[str, float], form_bits: dict[str, int]
) -> Index:
    index = Index([], weights, {}, form_bits)
    shared = _Shared()
    hits_by_term: dict[str, dict[int, Hit]] = {}
    for number, (id_, name, phrases) in enumerate(raw):
        entry, hits = _entry(id_, name, phrases, weights, shared)
        index.entries.append(entry)
        for key, hit in hits.items():
            hits_by_term.setdefault(key, {})[number] = hit
    for key, by_entry in hits_by_term.items():
        index.postings[key] = _postings(by_entry, len(raw))
    return index


def _bit_set(numbers: Iterable[int], size: int) -> int:
    bits = bytearray((size + 7) // 8)
    for number in numbers:
        bits[number >> 3] |= 1 << (number & 7)
    return int.from_bytes(bits, "little")


def _postings(hits: dict[int, Hit], size: int) -> Postings:
    everyone = _bit_set(hits, size)
    strengths = {strength for strength, _ in hits.values()}
    if len(strengths) == 1:  # most terms: every procedure uses them in the same field
        return Postings(hits, everyone, ((strengths.pop(), everyone),))
    by_field = tuple(
        (strength, _bit_set([n for n, hit in hits.items() if hit[0] == strength], size))
        for strength in sorted(strengths, reverse=True)
    )
    return Postings(hits, everyone, by_field)


@dataclass
class _Shared:
    """Pools that hand out one object per distinct value (`pool.setdefault(value, value)`), so that
    thousands of procedures built from the same words keep each sum, phrase list and posting once.

    One pool per kind of value: across kinds, equal is not the same ((1,) == (1.0,)).
    """

    phrase_lists: dict[tuple[int, ...], tuple[int, ...]] = field(default_factory=dict)
    hits: dict[Hit, Hit] = field(default_factory=dict)
    number_lists: dict[tuple[float, ...], tuple[float, ...]] = field(default_factory=dict)
    text_lists: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    totals: dict[tuple[str, ...], float] = field(default_factory=dict)  # a phrase's keys -> their weight


def _count(frequency: dict[str, int], texts: list[tuple[str, ...]]) -> None:
    """One more document using each of these terms."""
    for term in set().union(*texts):
        frequency[term] = frequency.get(term, 0) + 1


def _entry(
    id_: str, name: str, phrases: Phrases, weights: dict[str, float], shared: _Shared
) -> tuple[Entry, dict[str, Hit]]:
    """The entry, and for each of its terms the best field using it and the phrases using it.

    A phrase with the same terms as an earlier one ("khai sinh" as name and as alias) is said exactly as
    fully, so it is kept once, unless its field is stronger: the search takes the first phrase with
    the best recall x field, and that one must stay first.
    """
    best: dict[str, float] = {}
    users: dict[str, list[int]] = {}
    slots: dict[tuple[str, ...], int] = {}
    texts: list[str] = []
    totals: list[float] = []
    fields: list[float] = []
    naming = 0
    forms = 0
    for number, (text, weight) in enumerate(phrases):
        forms |= text.forms
        keys = text.keys
        if not keys:
            continue
        for key in keys:
            if best.get(key, 0.0) < weight:
                best[key] = weight
        slot = slots.get(keys)
        if slot is not None and weight <= fields[slot]:
            continue  # a repeat adds nothing; the naming phrases come first, so it never names either
        slots[keys] = len(texts)
        for key in keys:
            users.setdefault(key, []).append(len(texts))
        naming += number < NAMING_PHRASES
        texts.append(text.folded)
        total = shared.totals.get(keys)
        if total is None:
            total = shared.totals[keys] = sum(weights[key] for key in keys)
        totals.append(total)
        fields.append(weight)
    lists, hit_pool = shared.phrase_lists, shared.hits
    hits: dict[str, Hit] = {}
    for key, strength in best.items():
        used = tuple(users[key])
        hit = (strength, lists.setdefault(used, used))
        hits[key] = hit_pool.setdefault(hit, hit)
    number_lists, text_lists = shared.number_lists, shared.text_lists
    kept_totals, kept_fields, kept_texts = tuple(totals), tuple(fields), tuple(texts)
    entry = Entry(
        id_,
        name,
        forms,
        text_lists.setdefault(kept_texts, kept_texts),
        number_lists.setdefault(kept_totals, kept_totals),
        number_lists.setdefault(kept_fields, kept_fields),
        naming,
    )
    return entry, hits
