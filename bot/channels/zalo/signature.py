"""Zalo OA webhook authenticity: the `X-ZEvent-Signature` header.

Zalo signs each webhook as

    X-ZEvent-Signature: mac=<hex sha256(app_id + raw_body + timestamp + oa_secret_key)>

where `app_id` and `timestamp` are the fields of the JSON body itself. It is a plain SHA-256 of a
concatenation, not an HMAC, and the key is the *OA* secret key, not the app secret. The hash covers the
body bytes exactly as received: parsing and re-serialising the JSON changes spacing and escapes, so the
check must run on the raw bytes (a known mistake in third-party adapters).
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-ZEvent-Signature"
PREFIX = "mac="


def expected_mac(app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str) -> str:
    digest = hashlib.sha256()
    digest.update(app_id.encode("utf-8"))
    digest.update(raw_body)
    digest.update(timestamp.encode("utf-8"))
    digest.update(oa_secret_key.encode("utf-8"))
    return digest.hexdigest()


def sign(app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str) -> str:
    """The header value Zalo would send for this body (used by the fake server and tests)."""
    return PREFIX + expected_mac(app_id, raw_body, timestamp, oa_secret_key)


def signature_matches(
    header: str | None, *, app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str
) -> bool:
    """Constant-time comparison of the header against the expected mac; False when it is absent."""
    if not header:
        return False
    value = header.strip()
    if not value.lower().startswith(PREFIX):
        return False
    given = value[len(PREFIX) :].strip().lower().encode("utf-8")
    wanted = expected_mac(app_id, raw_body, timestamp, oa_secret_key).encode("ascii")
    # compare_digest on bytes: a str with non-ASCII characters would raise instead of answering False.
    return hmac.compare_digest(given, wanted)
