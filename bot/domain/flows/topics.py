"""Topics: the guidance a typed question can reach besides a procedure, declared in flows.yaml.

    topics:
      otp:
        target: account.otp                # a flow, or flow.step
        phrasings: [không nhận được mã OTP, khong nhan duoc ma otp, chưa nhận được OTP]
      fee:
        target: overview.fee
        needs: procedure                    # the guidance is about one procedure: ask which when unsaid
        phrasings: [lệ phí, bao nhiêu tiền]

The search reads phrasings exactly as it reads procedure aliases (bot.domain.search), so the words a
phrasing needs are the content words of the question; a phrasing may hold "…" (or "...") for any
words in between, e.g. "có được … không", which the search matches in order on the typed words.
A topic with `declines: true` is a question the bot does not answer with a procedure (a lawsuit, a
dispute): its target says where to turn instead, and no procedure is offered.

The checks here are the second pass of `motcua validate`: targets that name nothing, phrasings that
say nothing, and a phrasing given to two topics (or twice to one).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.domain.text import normalize, words

if TYPE_CHECKING:
    from bot.domain.flows.model import Flows, Issue

GAP = re.compile(r"\s*(?:…|\.\.\.)\s*")  # "có được … không": any words in between

Target = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$", max_length=41)]
Phrasing = Annotated[str, Field(min_length=1, max_length=200)]


class Topic(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    title: Annotated[str, Field(min_length=1, max_length=80)] | None = None  # for officials (admin pages)
    target: Target
    phrasings: list[Phrasing] = Field(min_length=1)
    needs: Literal["procedure"] | None = None  # the target reads a procedure: ask which when none is named
    declines: bool = False  # outside what the bot does: answer with the target, never with a procedure


def phrasing_key(phrasing: str) -> str:
    """Two phrasings with the same key say the same thing (case and punctuation aside). Accents count:
    "quên mật khẩu" and "quen mat khau" are both written down, as citizens type both."""
    return " … ".join(" ".join(words(normalize(part))) for part in GAP.split(phrasing))


def topic_issues(flows: Flows) -> Iterator[Issue]:
    from bot.domain.flows.model import Issue  # flows/model.py imports this module for `Topic`

    owner: dict[str, str] = {}
    for topic_id, topic in flows.topics.items():
        at = ("topics", topic_id)
        try:
            if flows.resolve(topic.target, topic.target) is None:
                yield Issue.of(
                    (*at, "target"), "topic_to_end", "a topic needs a flow or a step to lead to, not end"
                )
        except KeyError:
            yield Issue.of(
                (*at, "target"),
                "topic_no_target",
                "no flow or step named '{target}' (write flow or flow.step)",
                target=topic.target,
            )
        for j, phrasing in enumerate(topic.phrasings):
            key = phrasing_key(phrasing)
            if not key.replace("…", "").strip():
                yield Issue.of((*at, "phrasings", j), "phrasing_empty", "a phrasing needs letters or digits")
                continue
            first = owner.setdefault(key, topic_id)
            if first == topic_id and key in _seen_in(topic.phrasings[:j]):
                yield Issue.of(
                    (*at, "phrasings", j),
                    "phrasing_twice",
                    "'{phrasing}' is already a phrasing of this topic",
                    phrasing=phrasing,
                )
            elif first != topic_id:
                yield Issue.of(
                    (*at, "phrasings", j),
                    "phrasing_of_other_topic",
                    "'{phrasing}' is already a phrasing of the topic '{topic}'",
                    phrasing=phrasing,
                    topic=first,
                )


def _seen_in(phrasings: list[str]) -> set[str]:
    return {phrasing_key(p) for p in phrasings}
