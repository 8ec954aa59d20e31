"""Text every database can store: whatever a webhook's JSON carried, what is stored encodes as UTF-8
(SQLite's driver, PostgreSQL) and has no NUL (PostgreSQL text and JSONB), and clean text is untouched."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.storage.storable import storable_incoming, storable_text

# Any code point, lone surrogates and NUL included: json.loads hands all of them to us.
ANY_TEXT = st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF))


@given(ANY_TEXT)
def test_stored_text_always_encodes_and_has_no_nul(text: str) -> None:
    stored = storable_text(text)

    stored.encode("utf-8")  # raises on a lone surrogate
    assert "\x00" not in stored


@given(ANY_TEXT)
def test_making_text_storable_twice_changes_nothing_more(text: str) -> None:
    assert storable_text(storable_text(text)) == storable_text(text)


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00")))
def test_clean_text_is_kept_as_it_is(text: str) -> None:
    assert storable_text(text) == text


def test_a_lone_half_of_an_emoji_becomes_the_replacement_character_and_a_pair_is_joined() -> None:
    assert storable_text("a\x00b \ud800 \ud83d\ude00 Đăng ký") == "ab \ufffd \U0001f600 Đăng ký"


def test_only_the_text_values_of_a_message_change() -> None:
    incoming = {"kind": "text", "text": "x\x00y", "button": "", "payload": "\udfff", "n": 3}

    assert storable_incoming(incoming) == {
        "kind": "text",
        "text": "xy",
        "button": "",
        "payload": "\ufffd",
        "n": 3,
    }
