"""Builders for dialogue tests: procedures and catalogues from a few overrides, flows.yaml texts from a
few steps, and `Chat`, which drives an `Engine` turn by turn the way a channel adapter would."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from bot.content.flows_file import check_flows_text
from bot.content.yamlsource import parse_yaml
from bot.domain.catalogue import Catalogue, Procedure
from bot.domain.engine.core import Engine, Turn
from bot.domain.flows.model import Flows
from bot.domain.lexicon import Lexicon
from bot.domain.messages import Button, Incoming, Reply
from bot.domain.search.procedures import ProcedureIndex
from bot.domain.state import ConversationState
from bot.domain.voice import apply_voice

_PROCEDURE: dict[str, Any] = {
    "id": "thu-tuc-mau",
    "code": "1.000001",
    "name": "Thủ tục mẫu",
    "short_name": "Thủ tục mẫu",
    "summary": "Một thủ tục dùng trong kiểm thử.",
    "for_whom": "Người dân",
    "sector": "Hộ tịch",
    "level": 4,
    "agency": {"name": "Ủy ban nhân dân cấp xã", "level": "xã", "where": "Bộ phận Một cửa của xã"},
    "channels": {"online": True, "post": True},
    "documents": [{"name": "Tờ khai", "kind": "form"}],
    "fee": {"free": True, "text": "Miễn phí"},
    "processing_time": {"text": "1 ngày làm việc", "working_days": 1},
    "online_steps": [
        {"title": "Đăng nhập", "text": "Đăng nhập bằng VNeID.", "help": "Hỏi Công an xã."},
        {"title": "Nộp hồ sơ", "text": "Bấm Nộp hồ sơ."},
    ],
    "postal": {"send_dossier": True, "return_result": True},
    "result": "Giấy chứng nhận",
    "contact": {"office": "Bộ phận Một cửa của xã", "hotline": "1900 0000"},
}


def _merge(base: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def procedure_data(**changes: Any) -> dict[str, Any]:
    """A valid procedure as YAML data; nested dicts in `changes` are merged, not replaced."""
    return _merge(_PROCEDURE, changes)


def make_procedure(**changes: Any) -> Procedure:
    return Procedure.model_validate(procedure_data(**changes))


def make_catalogue(*procedures: Procedure) -> Catalogue:
    return Catalogue(list(procedures) or [make_procedure()])


def make_index(catalogue: Catalogue) -> ProcedureIndex:
    return ProcedureIndex.build(catalogue, Lexicon.empty())


# The parts of flows.yaml every small test file shares; tests add their own `flows:` section.
FLOWS_HEADER = """\
settings:
  start: menu
  home: menu
  question: find.search
  procedure: overview
  menu_button: menu
commands:
  menu: {words: [menu], label: Menu, goto: menu}
  back: {words: ["quay lại"], label: Quay lại, action: back}
  restart: {words: ["bắt đầu lại"], label: Bắt đầu lại, action: restart}
messages:
  stale_button: Nút cũ.
  at_beginning: Đầu rồi.
  content_changed: Nội dung đã đổi.
  not_text: Chỉ đọc chữ.
  unverified: (chưa kiểm chứng)
"""

# Flows the header's settings name, so a test only writes the flows it is about.
BASE_FLOWS = """\
  menu:
    title: Menu
    steps:
      - id: choose
        ask: Chọn một mục
        buttons:
          - {id: find, label: Tìm, goto: find}
  find:
    title: Tìm
    steps:
      - id: search
        search: "{answers.query}"
        match: overview
        choose: pick
        none: none_found
      - id: pick
        pick: Chọn thủ tục
        then: overview
      - id: none_found
        say: Không thấy
  overview:
    title: Tổng quan
    steps:
      - id: about
        say: "{procedure.name}"
"""


def flows_text(flows: str = "", *, top: str = "", header: str = FLOWS_HEADER, base: str = BASE_FLOWS) -> str:
    """A whole flows.yaml: header, extra top-level sections, then the base flows plus `flows`."""
    return f"{header}{top}flows:\n{base}{flows}"


def parse_flows(text: str) -> Flows:
    """Flows from a text that must be valid (the test fails with the problems otherwise)."""
    problems = check_flows_text(text, "flows.yaml")
    assert problems == [], "\n".join(map(str, problems))
    return Flows.model_validate(apply_voice(parse_yaml(text, "flows.yaml").data)[0])


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """The 1-based line where `fragment` appears as whole words (the n-th time)."""
    pattern = re.compile(re.escape(fragment) + r"(?!\w)")
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.search(line):
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{fragment!r} is not in the text")


class Chat:
    """One citizen talking to an engine; keeps the state between turns like the service does (JSON)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.state: ConversationState | None = None
        self.turns: list[Turn] = []

    def send(self, incoming: Incoming) -> Turn:
        # Through JSON, as storage does, so a test also proves the state survives a round-trip.
        before = ConversationState.from_json(self.state.to_json()) if self.state else None
        turn = self.engine.handle(before, incoming)
        self.state = turn.state
        self.turns.append(turn)
        return turn

    def type(self, text: str) -> Turn:
        return self.send(Incoming.typed(text))

    def press(self, button_id: str) -> Turn:
        return self.send(Incoming.pressed(button_id))

    def start(self, payload: str = "") -> Turn:
        return self.send(Incoming.started(payload))

    @property
    def last(self) -> Turn:
        return self.turns[-1]

    @property
    def replies(self) -> tuple[Reply, ...]:
        return self.last.replies

    @property
    def text(self) -> str:
        """All the last turn's messages, one after the other."""
        return "\n\n".join(r.text for r in self.replies)

    @property
    def buttons(self) -> list[Button]:
        return list(self.replies[-1].buttons) if self.replies else []

    @property
    def button_ids(self) -> list[str]:
        return [b.id for b in self.buttons]

    @property
    def where(self) -> tuple[str, str]:
        assert self.state is not None
        return self.state.flow, self.state.step
