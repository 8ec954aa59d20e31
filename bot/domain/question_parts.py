"""Where the question is in a long message: citizens tell their story first and ask at the end.

"Ba em mới nhận lương hưu được 3 năm thì mất. Gia đình em cần làm hồ sơ gì để được hưởng chế độ tử
tuất ạ?" names a pension in the story and the procedure in the question. The search reads both, but
the words of the question count more (search.STORY), so a procedure the story only mentions does not
outweigh the one asked about.

The question part is every sentence that ends with "?"; without one, the last sentence that asks
(a question word such as "không", "gì", "thế nào", "bao nhiêu"); without one, the last sentence.
Short messages and single sentences are all question.
"""

from __future__ import annotations

import re

from bot.domain.text import fold

STORY_FROM = 80  # characters: a shorter message is read as one question
# A sentence ends at . ! ? ; or a line break followed by a space or the end ("1.5%", "TP.HCM" do not).
_SENTENCE_END = re.compile(r"(?<=[.!?;…])\s+|\n+")
# Words that make a sentence a question, folded: "không" at the end, "gì", "nào", "sao", "bao nhiêu"...
_ASKING = re.compile(
    r"\b(khong|ko|k|chua|gi|j|nao|sao|bao nhieu|bao lau|bao gio|khi nao|o dau|the nao|nhu nao|ntn|"
    r"duoc khong|hay khong|phai khong|lam gi|can gi|nhung gi|hoi|tu van|huong dan|xin hoi)\b"
)
_THANKS = re.compile(r"\b(cam on|cam ta|thank|chuc)\b")


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def question_parts(text: str) -> tuple[str, str]:
    """(the question, the story around it); the story is "" when the whole message is the question."""
    parts = sentences(text)
    # Measured without runs of spaces, so "a   b" reads like "a b".
    if len(" ".join(text.split())) < STORY_FROM or len(parts) < 2:
        return text, ""
    asked = [i for i, part in enumerate(parts) if part.rstrip().endswith("?")]
    if not asked:
        asking = [
            i for i, part in enumerate(parts) if _ASKING.search(fold(part)) and not _THANKS.search(fold(part))
        ]
        plain = [i for i, part in enumerate(parts) if not _THANKS.search(fold(part))]
        asked = asking[-1:] or plain[-1:] or [len(parts) - 1]
    question = " ".join(parts[i] for i in asked)
    story = " ".join(part for i, part in enumerate(parts) if i not in asked)
    return question, story
