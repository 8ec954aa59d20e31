"""X-ZEvent-Signature: sha256(app_id + raw body + timestamp + OA secret key), over the exact bytes."""

from __future__ import annotations

import hashlib
import json

import pytest

from bot.channels.zalo.signature import expected_mac, sign, signature_matches

APP_ID = "2553928453557884079"
SECRET = "oa-secret-key"
TIMESTAMP = "1699003881354"
RAW = (
    b'{"event_name":"user_send_text","app_id":"2553928453557884079","sender":{"id":"6142494823"},'
    b'"recipient":{"id":"3662729599332560487"},"message":{"text":"Ch\xc3\xa0o A4B","msg_id":"cb31"},'
    b'"timestamp":"1699003881354"}'
)


def matches(header: str | None, raw: bytes = RAW, key: str = SECRET) -> bool:
    return signature_matches(header, app_id=APP_ID, raw_body=raw, timestamp=TIMESTAMP, oa_secret_key=key)


def test_the_mac_is_plain_sha256_of_the_concatenation() -> None:
    by_hand = hashlib.sha256(APP_ID.encode() + RAW + TIMESTAMP.encode() + SECRET.encode()).hexdigest()
    assert expected_mac(APP_ID, RAW, TIMESTAMP, SECRET) == by_hand
    assert sign(APP_ID, RAW, TIMESTAMP, SECRET) == f"mac={by_hand}"


def test_a_good_signature_is_accepted() -> None:
    assert matches(sign(APP_ID, RAW, TIMESTAMP, SECRET))


def test_upper_case_hex_and_surrounding_spaces_are_tolerated() -> None:
    mac = expected_mac(APP_ID, RAW, TIMESTAMP, SECRET)
    assert matches(f"  mac={mac.upper()} ")


@pytest.mark.parametrize("header", [None, "", "mac=", "sha256=abc", "mac=00ff", "mac=zz–không-phải-hex"])
def test_missing_malformed_or_wrong_signatures_are_refused(header: str | None) -> None:
    assert not matches(header)


def test_a_signature_made_with_another_key_is_refused() -> None:
    assert not matches(sign(APP_ID, RAW, TIMESTAMP, "app-secret-not-the-oa-key"))


def test_a_signature_without_the_prefix_is_refused() -> None:
    assert not matches(expected_mac(APP_ID, RAW, TIMESTAMP, SECRET))


def test_a_re_serialised_body_does_not_verify() -> None:
    header = sign(APP_ID, RAW, TIMESTAMP, SECRET)
    reserialised = json.dumps(json.loads(RAW)).encode()  # same data, other spacing and escapes
    assert reserialised != RAW
    assert not matches(header, raw=reserialised)


def test_one_changed_byte_breaks_the_signature() -> None:
    header = sign(APP_ID, RAW, TIMESTAMP, SECRET)
    assert not matches(header, raw=RAW.replace(b"A4B", b"A4C"))
