"""Personal data kept out of storage and logs: masking free text, pseudonymising user ids.

`mask_pii` replaces what identifies a citizen in what they type — ID-card numbers (CCCD, 12 digits;
CMND, 9 digits), Vietnamese phone numbers and e-mail addresses — with tokens, before the text is stored
in the inbox, the event log or feedback. It must not eat what analytics needs: procedure codes (1.001193),
dates (12.03.2024), money (150.000 đ), dossier codes (G22.99-240101-0001) and short numbers stay.

How numbers are read: a *cluster* is a run of digit groups joined by single spaces, dots or dashes
("0912 345 678", "1990 001234567890"). Inside a cluster we look for spans of consecutive groups that
spell an ID or a phone number and are written the way people write them: one unbroken group, groups of
2-4 digits, or a country prefix then the number ("+84 912345678"). Reading spans rather than whole clusters
means a number typed next to another one ("sinh năm 1990 001234567890") is still found.

The tokens are analytics markers, never shown to citizens, so they live here and not in flows.yaml.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

CCCD_TOKEN = "[CCCD]"
CMND_TOKEN = "[CMND]"
PHONE_TOKEN = "[SĐT]"
EMAIL_TOKEN = "[EMAIL]"

# The longest number we mask has 12 digits ("84" + an 11-digit landline without its 0 also has 12),
# so a span never needs more groups than that.
_MAX_SPAN_DIGITS = 12

_EMAIL = re.compile(r"(?<![\w.%+\-])[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}")

# A cluster: optional "+" or "(+84)" prefix, then digit groups joined by ONE separator each. The lookbehind
# keeps us from starting in the middle of a longer run of digits.
_SEPARATOR = r"[ \u00a0.\-]"
_CLUSTER = re.compile(rf"(?<!\d)(?:\(\+?\d{{1,3}}\)\s?|\+)?\d+(?:{_SEPARATOR}\d+)*")
_GROUP = re.compile(r"\d+")

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
    if _is_money(match):
        return cluster
    groups = list(_GROUP.finditer(cluster))
    spans = _pii_spans([_ascii_digits(g.group(0)) for g in groups])
    if not spans:
        return cluster
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


def _is_money(match: re.Match[str]) -> bool:
    """An amount followed by a unit: "150.000 đ", "1 500 000 000 đồng", "150000đ".

    Amounts never start with 0 and a 12-digit amount is implausible, while every CCCD starts with 0 (its
    province code) and has 12 digits; so those, and anything shaped like a phone number (84...), are never
    read as money even with a unit behind them. A 9-digit number with a unit is read as money."""
    if not _MONEY_UNIT.match(match.string, match.end()):
        return False
    cluster = match.group(0)
    digits = _ascii_digits(cluster)
    if digits.startswith("0") or len(digits) == _MAX_SPAN_DIGITS or _PHONE_DIGITS.fullmatch(digits):
        return False
    return cluster.isdigit() or _THOUSANDS.fullmatch(cluster) is not None


def _pii_spans(groups: list[str]) -> list[tuple[int, int, str]]:
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
            if token and _written_as_one_number(groups[first : last + 1]):
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


def _written_as_one_number(groups: list[str]) -> bool:
    """Whether these groups look like one number typed with separators, not several numbers in a row.

    People group IDs and phones in 2-4 digit chunks ("001 234 567 890", "0912.345.678") or write a country
    prefix apart ("+84 912345678"). A 6-digit group in the middle means something else, such as the date
    part of a dossier code (99-240101-0001)."""
    if len(groups) == 1:
        return True
    if len(groups) == 2 and groups[0] == "84":
        return True
    return all(2 <= len(g) <= 4 for g in groups)


def _ascii_digits(text: str) -> str:
    """The digits of `text` as ASCII, so fullwidth or other-script digits are read like 0-9."""
    return "".join(str(unicodedata.digit(ch)) for ch in text if ch.isdigit())
