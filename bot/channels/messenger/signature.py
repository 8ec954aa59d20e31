"""Messenger webhook authenticity: the `X-Hub-Signature-256` header, and the verification handshake.

Meta signs every delivery as

    X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw request body, keyed with the app secret>

The body Meta signs is the one it sends, in which non-ASCII text is escaped (`\\u1ea1` for "ạ", surrogate
pairs for emoji) and `/` may be written `\\/`. Parsing and re-serialising the JSON would produce other
bytes, so the HMAC runs over the raw bytes exactly as received, before anything is parsed, and is
compared in constant time.

The handshake: when a Page admin saves the callback URL, Meta calls `GET ?hub.mode=subscribe&
hub.verify_token=<our token>&hub.challenge=<n>` and expects the challenge back, verbatim, only when the
token is ours.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Hub-Signature-256"
PREFIX = "sha256="


def sign(raw_body: bytes, app_secret: str) -> str:
    """The header value Meta would send for this body (used by the fake platform and tests)."""
    return PREFIX + hmac.new(app_secret.encode("utf-8"), raw_body, hashlib.sha256).hexdigest()


def signature_matches(header: str | None, *, raw_body: bytes, app_secret: str) -> bool:
    """Constant-time check of the header against the HMAC of `raw_body`; False when absent or malformed."""
    if not header or not app_secret:
        return False
    value = header.strip()
    if not value.lower().startswith(PREFIX):
        return False
    given = value[len(PREFIX) :].strip().lower().encode("utf-8", "surrogateescape")
    wanted = sign(raw_body, app_secret)[len(PREFIX) :].encode("ascii")
    # compare_digest on bytes: a str with non-ASCII characters would raise instead of answering False.
    return hmac.compare_digest(given, wanted)


def challenge_answer(
    mode: str | None, token: str | None, challenge: str | None, *, verify_token: str
) -> str | None:
    """The challenge to echo when Meta's handshake carries our verify token; None: refuse (403)."""
    if mode != "subscribe" or token is None or challenge is None or not verify_token:
        return None
    same = hmac.compare_digest(token.encode("utf-8", "surrogateescape"), verify_token.encode("utf-8"))
    return challenge if same else None
