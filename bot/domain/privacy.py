"""Personal data kept out of storage and logs: masking free text, pseudonymising user ids.

`mask_pii` replaces what identifies a citizen in what they type — ID-card numbers (CCCD, 12 digits;
CMND, 9 digits), Vietnamese phone numbers and e-mail addresses — with tokens, before the text is stored
in the inbox, the event log or feedback. It must not eat what analytics needs: procedure codes (1.001193),
dates (12.03.2024), money (150.000 đ), dossier codes (G22.99-240101-0001) and short numbers stay.

How numbers are read: a *cluster* is a run of digit groups joined by separators, a separator being any
run of one to three characters that are neither digits nor letters ("0912 345 678", "0912_345_678",
"0912 / 345 / 678", a zero-width or thin space, a newline). Inside a cluster we look for spans of
consecutive groups that spell an ID or a phone number and are written the way people write them: one
unbroken group, groups of 1-4 digits, or a country prefix then the number ("+84 912345678"). Reading spans
rather than whole clusters means a number typed next to another one ("sinh năm 1990 001234567890") is
still found. Single spaces (of any width), dots, dashes and zero-width characters may mix inside one
number; any other separator must be the same throughout it, so "12.03.2024, 01.07.2025" stays two dates.

The tokens are analytics markers, never shown to citizens, so they live here and not in flows.yaml.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from itertools import pairwise

CCCD_TOKEN = "[CCCD]"
CMND_TOKEN = "[CMND]"
PHONE_TOKEN = "[SĐT]"
EMAIL_TOKEN = "[EMAIL]"

# The longest number we mask has 12 digits ("84" + an 11-digit landline without its 0 also has 12),
# so a span never needs more groups than that.
_MAX_SPAN_DIGITS = 12

_EMAIL = re.compile(r"(?<![\w.%+\-])[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}")

# A cluster: optional "+" or "(+84)" prefix, then digit groups joined by separators of 1-3 characters that
# are neither digits nor letters (the underscore counts as a separator). The lookbehind keeps us from
# starting in the middle of a longer run of digits.
_SEPARATOR = r"(?:[^\w]|_){1,3}"
_CLUSTER = re.compile(rf"(?<!\d)(?:\(\+?\d{{1,3}}\)\s?|\+)?\d+(?:{_SEPARATOR}\d+)*")
_GROUP = re.compile(r"\d+")
# Separators that may mix inside one number, once zero-width characters are dropped and spaces of every
# width read as one: "0912 345.678", "0912\u200b345\u2009678".
_PLAIN_SEPARATORS = frozenset({"", " ", ".", "-"})

# What follows an amount of money. An ID or phone number is never written in front of these, so a
# thousands-grouped or unpadded number followed by one is money and stays.
_MONEY_UNIT = re.compile(r"\s?(?:đồng|đ|vnđ|vnd|₫|k|nghìn|ngàn|triệu|tr|tỷ|%)(?!\w)", re.IGNORECASE)
_THOUSANDS = re.compile(r"\d{1,3}(?:[., \u00a0]\d{3})+")

# Vietnamese numbers in national (0...) or international (84...) form: mobiles 03/05/07/08/09 + 8 digits,
# landlines 02 + 9 digits, and the retired 11-digit 01x mobiles people still write from old cards.
_PHONE_DIGITS = re.compile(r"(?:0|84)(?:[35789]\d{8}|2\d{9}|1[2689]\d{8})")


def mask_pii(text: str) -> str:
    """`text` with ID-card numbers, phone numbers and e-mail addresses replaced by tokens."""
    masked = _EMAIL.sub(EMAIL_TOKEN, text)
    return _CLUSTER.sub(_mask_cluster, masked)


def pseudonymise(user_id: str, salt: str) -> str:
    """A stable key for one user that cannot be turned back into the id without the salt.

    HMAC rather than a plain hash: channel user ids are short and enumerable, so an unsalted hash could be
    reversed by hashing every possible id."""
    return hmac.new(salt.encode("utf-8"), user_id.encode("utf-8"), hashlib.sha256).hexdigest()


def _mask_cluster(match: re.Match[str]) -> str:
    cluster = match.group(0)
    if _is_money(cluster, match):
        return cluster
    groups = list(_GROUP.finditer(cluster))
    separators = [_separator_kind(cluster[a.end() : b.start()]) for a, b in pairwise(groups)]
    spans = _pii_spans([_ascii_digits(g.group(0)) for g in groups], separators)
    if not spans:
        return cluster
    # The last number of a cluster, followed by a unit, may be an amount: "1.000000, 100.000.000đ".
    first, last, _token = spans[-1]
    if last == len(groups) - 1 and _is_money(cluster[groups[first].start() :], match):
        spans.pop()
    pieces: list[str] = []
    cursor = 0
    for first, last, token in spans:
        # A span that starts at the first group takes the cluster's prefix ("+", "(+84) ") with it.
        start = 0 if first == 0 else groups[first].start()
        pieces.append(cluster[cursor:start])
        pieces.append(token)
        cursor = groups[last].end()
    pieces.append(cluster[cursor:])
    return "".join(pieces)


def _is_money(cluster: str, match: re.Match[str]) -> bool:
    """An amount followed by a unit: "150.000 đ", "1 500 000 000 đồng", "150000đ".

    Amounts never start with 0 and a 12-digit amount is implausible, while every CCCD starts with 0 (its
    province code) and has 12 digits; so those, and anything shaped like a phone number (84...), are never
    read as money even with a unit behind them. A 9-digit number with a unit is read as money."""
    if not _MONEY_UNIT.match(match.string, match.end()):
        return False
    digits = _ascii_digits(cluster)
    if digits.startswith("0") or len(digits) == _MAX_SPAN_DIGITS or _PHONE_DIGITS.fullmatch(digits):
        return False
    return cluster.isdigit() or _THOUSANDS.fullmatch(cluster) is not None


def _separator_kind(separator: str) -> str:
    """The separator with zero-width (format) characters dropped and every kind of space read as " "."""
    kept = "".join(" " if ch.isspace() else ch for ch in separator if unicodedata.category(ch) != "Cf")
    return re.sub(" +", " ", kept)


def _pii_spans(groups: list[str], separators: list[str]) -> list[tuple[int, int, str]]:
    """Non-overlapping (first group, last group, token) spans, scanning left to right, longest first."""
    spans: list[tuple[int, int, str]] = []
    first = 0
    while first < len(groups):
        best: tuple[int, str] | None = None
        digits = ""
        for last in range(first, len(groups)):
            digits += groups[last]
            if len(digits) > _MAX_SPAN_DIGITS:
                break
            token = _classify(digits)
            outside = separators[max(0, first - 1) : first] + separators[last : last + 1]
            if token and _written_as_one_number(groups[first : last + 1], separators[first:last], outside):
                best = (last, token)
        if best is None:
            first += 1
            continue
        spans.append((first, best[0], best[1]))
        first = best[0] + 1
    return spans


def _classify(digits: str) -> str | None:
    if _PHONE_DIGITS.fullmatch(digits):
        return PHONE_TOKEN
    if len(digits) == 12:
        return CCCD_TOKEN
    if len(digits) == 9:
        return CMND_TOKEN
    return None


def _written_as_one_number(groups: list[str], separators: list[str], outside: list[str]) -> bool:
    """Whether these groups look like one number typed with separators, not several numbers in a row.

    People group IDs and phones in chunks of up to 4 digits ("001 234 567 890", "0912.345.678", even
    "0 9 1 2 ...") or write a country prefix apart ("+84 912345678"). A 6-digit group in the middle means
    something else, such as the date part of a dossier code (99-240101-0001). Plain separators may mix;
    any other one (a comma, a slash, " - ") must be the same between every group, and the number must
    stand apart: "01/01/1900, 0000, 1.000000" is a date, a short number and a code, not an ID. `outside`:
    the separators just before and after the groups, within their cluster."""
    # A zero-width character is invisible: the digits on both sides of it are one group.
    merged = [groups[0]]
    for group, separator in zip(groups[1:], separators, strict=True):
        if separator:
            merged.append(group)
        else:
            merged[-1] += group
    groups, separators = merged, [s for s in separators if s]
    if len(groups) == 1:
        return True
    kinds = set(separators)
    apart = len(kinds) == 1 and all(" " in kind and kind not in kinds for kind in outside)
    if not kinds <= _PLAIN_SEPARATORS and not apart:
        return False
    if len(groups) == 2 and groups[0] == "84":
        return True
    return all(1 <= len(g) <= 4 for g in groups)


def _ascii_digits(text: str) -> str:
    """The digits of `text` as ASCII, so fullwidth or other-script digits are read like 0-9."""
    return "".join(str(unicodedata.digit(ch)) for ch in text if ch.isdigit())
