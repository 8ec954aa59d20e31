"""Vietnamese text normalisation for matching what citizens type against the catalogue.

Citizens write with or without diacritics, leave telex keystrokes in ("dang kys" for "đăng ký"), run
words together ("giaykhaisinh"), and use both spellings of some syllables ("lý"/"lí"). Everything here
is pure and cheap: the search index calls it once per catalogue phrase at build time and once per query.
Functions that need to know which syllables exist take that knowledge as an argument.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Iterator

from rapidfuzz.distance import Levenshtein

# A question longer than this is rambling or pasted text; its beginning and its end carry the request,
# and cutting it keeps a 1 MB message as cheap as a short one.
MAX_INPUT_CHARS = 600

_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^\w\s]+")
_WORD = re.compile(r"[^\W_]+")
_D_STROKE = str.maketrans({"đ": "d", "Đ": "D"})

# "ký/kí", "lý/lí", "mỹ/mĩ": after a plain consonant a lone y and i are the same syllable, and both
# spellings are official. Writing both sides with i makes them meet.
_LONE_Y = re.compile(r"^[bcdđghklmnpqrstvx]{1,2}[yýỳỷỹỵ]$")
_Y_TO_I = str.maketrans("yýỳỷỹỵ", "iíìỉĩị")
# "hoá/hóa", "thuỷ/thủy", "khoẻ/khỏe": two accepted places for the tone mark in an open oa/oe/uy
# syllable. We write the mark on the first vowel; "quý" keeps it on y (qu is a consonant there).
_NEW_TONE_PLACE = re.compile(r"(?<!q)(o[àáảãạ]|o[èéẻẽẹ]|u[ỳýỷỹỵ])$")
_OLD_TONE_PLACE = {
    f"{first}{marked}": f"{moved}{second}"
    for first, second, marks, moves in (
        ("o", "a", "àáảãạ", "òóỏõọ"),
        ("o", "e", "èéẻẽẹ", "òóỏõọ"),
        ("u", "y", "ỳýỷỹỵ", "ùúủũụ"),
    )
    for marked, moved in zip(marks, moves, strict=True)
}

_TELEX_TONES = "sfrxj"  # telex tone keys; none of them can end a Vietnamese syllable
_TELEX_DOUBLE = re.compile(r"([aeod])\1")  # aa→â, ee→ê, oo→ô, dd→đ (folded: one letter)
_TELEX_HOOK = re.compile(r"([aou])w")  # aw→ă, ow→ơ, uw→ư (folded: the bare vowel)
_VOWELS = set("aeiouy")
# The shape of a folded Vietnamese syllable: onset, one to three vowels, final consonant.
_SYLLABLE = re.compile(
    r"^(ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdghklmnprstvx])?[aeiouy]{1,3}(ch|nh|ng|[cmnpt])?$"
)


def clip(text: str) -> str:
    """The part of a message worth reading: at most about MAX_INPUT_CHARS, cut at word boundaries.

    A long message keeps its first third and its last two thirds: citizens greet and tell their story
    first and ask at the end (question_parts)."""
    if len(text) <= MAX_INPUT_CHARS:
        return text
    head = text[: MAX_INPUT_CHARS // 3]
    cut = head.rfind(" ")
    head = head[:cut] if cut > MAX_INPUT_CHARS // 6 else head
    tail = text[-(MAX_INPUT_CHARS * 2 // 3 - 3) :]  # with the head and " … ": at most MAX_INPUT_CHARS
    cut = tail.find(" ")
    tail = tail[cut + 1 :] if 0 <= cut < MAX_INPUT_CHARS // 6 else tail
    return f"{head} … {tail}"


def normalize(text: str) -> str:
    """NFC, case-folded, single spaces; diacritics kept."""
    folded_case = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    return _SPACES.sub(" ", folded_case).strip()


def strip_marks(text: str) -> str:
    """Remove every diacritic (tones, hats, hooks) and turn đ into d; case and spacing untouched."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text.translate(_D_STROKE))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def fold(text: str) -> str:
    """NFC, casefold, strip diacritics (đ→d), collapse spaces. Idempotent: fold(fold(s)) == fold(s)."""
    return normalize(strip_marks(normalize(text)))


def command_key(text: str) -> str:
    """The form typed words are compared in: folded, without punctuation or a leading slash.

    Citizens type "Quay lai", "quay lại!", "/menu" or "MENU": all must reach the same command. Matching is
    on the whole message, so a question that merely contains "quay lại" is still read as a question.
    """
    folded = fold(text).lstrip("/")
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", folded)).strip()


def words(text: str) -> list[str]:
    """The words of a normalised text: runs of letters and digits, punctuation and emoji dropped."""
    return _WORD.findall(text)


def has_marks(word: str) -> bool:
    """Whether a (normalised) word carries a diacritic, i.e. the writer chose its accents."""
    return not word.isascii() and strip_marks(word) != word


def canonical_spelling(word: str) -> str:
    """One spelling per syllable: a lone y after a consonant is i ("lý" → "lí"), tone on the first
    vowel of an open oa/oe/uy ("hoá" → "hóa")."""
    if _LONE_Y.match(word):
        return word.translate(_Y_TO_I)
    tail = _NEW_TONE_PLACE.search(word)
    if tail is not None:
        return word[: tail.start()] + _OLD_TONE_PLACE[tail.group()]
    return word


def is_syllable(word: str) -> bool:
    """Whether a folded word has the shape of a Vietnamese syllable ("xem" yes; "snh", "kys" no)."""
    return _SYLLABLE.match(word) is not None


def telex_candidates(word: str) -> list[str]:
    """Folded syllables a word may be when typed in telex without an input method ("kys" → "ky").

    Only candidates: the caller keeps one when it is a syllable the catalogue uses.
    """
    if not word.isascii() or not word.isalpha() or len(word) < 2:
        return []
    found: list[str] = []
    bases = [word]
    if word[-1] in _TELEX_TONES and any(c in _VOWELS for c in word[:-1]):
        bases.insert(0, word[:-1])
    for base in bases:
        plain = _TELEX_HOOK.sub(r"\1", _TELEX_DOUBLE.sub(r"\1", base))
        plain = canonical_spelling(plain)
        if plain != word and plain and plain not in found:
            found.append(plain)
    return found


def split_run_together(word: str, known: Container[str], max_parts: int = 4) -> list[str] | None:
    """Split "giaykhaisinh" into known syllables ["giay", "khai", "sinh"], using as few parts as possible.

    Parts are at least two letters long; None when the word cannot be covered by at most `max_parts`.
    """
    n = len(word)
    if n < 4 or n > 8 * max_parts:
        return None
    # best[i]: fewest parts covering word[:i], and where the last part starts (ties: longer last part)
    best: list[tuple[int, int] | None] = [None] * (n + 1)
    best[0] = (0, 0)
    for end in range(2, n + 1):
        for start in range(max(0, end - 8), end - 1):
            before = best[start]
            if before is None or word[start:end] not in known:
                continue
            option = (before[0] + 1, start)
            current = best[end]
            if current is None or option[0] < current[0]:
                best[end] = option
    if best[n] is None:
        return None
    parts: list[str] = []
    end = n
    while end > 0:
        step = best[end]
        assert step is not None  # every reachable position has a predecessor
        parts.append(word[step[1] : end])
        end = step[1]
    parts.reverse()
    return parts if 2 <= len(parts) <= max_parts else None


def deletions(word: str) -> Iterator[str]:
    """Every string obtained by deleting one letter: the key of a one-edit typo lookup (SymSpell)."""
    seen: set[str] = set()
    for i in range(len(word)):
        shorter = word[:i] + word[i + 1 :]
        if shorter not in seen:
            seen.add(shorter)
            yield shorter


class Speller:
    """Repairs a word the catalogue does not know into syllables it does know.

    Built once from the catalogue's folded syllables and how many procedures use each. Tries, in
    order: telex leftovers ("kys" → "ki"), run-together words ("khaisinh" → "khai sinh"), then one
    edit (a missing, extra or wrong letter: "snh" → "sinh") found through SymSpell deletion keys and
    ranked with rapidfuzz.
    """

    MIN_TYPO_LENGTH = 3  # one edit away from a one- or two-letter word is almost any word

    def __init__(self, frequency: dict[str, int]) -> None:
        self._frequency = frequency
        self._by_deletion: dict[str, list[str]] = {}
        for known in frequency:
            if len(known) >= self.MIN_TYPO_LENGTH:
                for key in deletions(known):
                    self._by_deletion.setdefault(key, []).append(known)

    def __contains__(self, word: object) -> bool:
        return word in self._frequency

    def repair(self, word: str) -> list[str] | None:
        """Known syllables for a word that is not itself a Vietnamese syllable; None when unsure.

        A well-formed syllable the catalogue does not use ("xem", "xăng") is a real word about
        something else, not a typo: bending it into a catalogue word would invent a match.
        """
        if is_syllable(word):
            return None
        for candidate in telex_candidates(word):
            if candidate in self._frequency:
                return [candidate]
        parts = split_run_together(word, self._frequency)
        if parts is not None:
            return parts
        fixed = self._one_edit(word)
        return [fixed] if fixed is not None else None

    def _one_edit(self, word: str) -> str | None:
        if len(word) < self.MIN_TYPO_LENGTH or not word.isalpha():
            return None
        options = set(self._by_deletion.get(word, ()))  # a letter was left out
        for key in deletions(word):
            if key in self._frequency:
                options.add(key)  # a letter too many
            options.update(self._by_deletion.get(key, ()))  # a letter wrong (or two swapped)
        if not options:
            return None
        # The closest spelling first; among equals, the syllable more procedures use.
        return max(
            sorted(options), key=lambda o: (Levenshtein.normalized_similarity(word, o), self._frequency[o])
        )
