"""The register of flows.yaml: defined once in `voice:`, used by every sentence, checked at load time."""

from __future__ import annotations

import re
from pathlib import Path

from bot.content.yamlsource import parse_yaml
from bot.domain.voice import apply_voice
from tests.domain.test_flows_validation import problems
from tests.helpers import FLOWS_HEADER, flows_text, line_of, parse_flows

ROOT = Path(__file__).resolve().parents[2]
VOICE = "voice:\n  me: tôi\n  Me: Tôi\n  you: anh/chị\n  You: Anh/Chị\n"


def test_voice_words_reach_every_text_of_the_file() -> None:
    header = FLOWS_HEADER.replace(
        "  not_text: Chỉ đọc chữ.", '  not_text: "{voice.Me} chỉ đọc chữ, {voice.you} ạ."'
    )
    text = flows_text(top=VOICE, header=header).replace(
        "ask: Chọn một mục", 'ask: "{voice.You} chọn một mục"'
    )
    flows = parse_flows(text)
    assert flows.messages.not_text == "Tôi chỉ đọc chữ, anh/chị ạ."
    assert flows.flows["menu"].steps[0].ask == "Anh/Chị chọn một mục"  # type: ignore[union-attr]


def test_an_unknown_voice_word_is_an_error_at_its_line() -> None:
    text = flows_text(top=VOICE).replace("ask: Chọn một mục", 'ask: "{voice.ban} chọn một mục"')
    (problem,) = problems(text)
    assert problem.line == line_of(text, "{voice.ban}")
    assert "voice: has no word 'ban'" in problem.message and "{voice.you}" in problem.message


def test_without_a_voice_block_a_voice_word_is_an_error() -> None:
    text = flows_text().replace("ask: Chọn một mục", 'ask: "{voice.you} chọn"')
    (problem,) = problems(text)
    assert "add a voice: block" in problem.message


def test_the_voice_block_itself_is_left_as_written() -> None:
    data, issues = apply_voice({"voice": {"you": "{voice.x}"}, "messages": {"a": "{voice.you}"}})
    assert issues == [] and data["voice"] == {"you": "{voice.x}"} and data["messages"] == {"a": "{voice.x}"}


CITIZENS_OWN_WORDS = {"words", "phrasings", "stuck_words", "continue_words"}  # what citizens type, not say


def said_texts(value: object, key: str = "") -> list[str]:
    """Every text of flows.yaml the bot says: not the words citizens type (commands, buttons, topics)."""
    if key in CITIZENS_OWN_WORDS:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in said_texts(v, str(k))]
    if isinstance(value, list):
        return [t for v in value for t in said_texts(v, key)]
    return []


def test_shipped_flows_speak_in_one_register() -> None:
    """No "bạn", "mình" or "chúng tôi" in what the bot says: only the `voice:` words."""
    text = (ROOT / "flows.yaml").read_text(encoding="utf-8")
    data, issues = apply_voice(parse_yaml(text, "flows.yaml").data)
    assert issues == []
    said = said_texts(data)
    assert len(said) > 100
    for word in ("bạn", "Bạn", "mình", "Mình", "chúng tôi", "Chúng tôi"):
        offending = [t for t in said if re.search(rf"(?<!\w){word}(?!\w)", t)]
        assert not offending, f"“{word}” in flows.yaml: {offending[:3]}"
    assert data["voice"]["you"] and data["voice"]["me"]


def test_shipped_procedures_address_the_citizen_as_the_bot_does() -> None:
    """The card puts a procedure's facts beside the bot's words: they call the citizen the same way."""
    you = parse_yaml((ROOT / "flows.yaml").read_text(encoding="utf-8"), "flows.yaml").data["voice"]["you"]
    for path in sorted((ROOT / "procedures").glob("*.yaml")):
        data = parse_yaml(path.read_text(encoding="utf-8"), path.name).data
        # Aliases and keywords are the citizens' own words, not the bot's.
        facts = {k: v for k, v in data.items() if k not in ("aliases", "keywords")}
        offending = re.findall(r"(?<!\w)[Bb]ạn(?!\w)", str(facts))
        assert not offending, f"{path.name} calls the citizen “bạn”, the bot says “{you}”"
