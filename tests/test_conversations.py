"""The conversation tests of tests/conversations/ (one pytest case per conversation), and the runner that
replays them (`motcua test`): FILE:LINE on a failure, buttons by label or id, loose matching."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli.conversation_tests import Scripted, load_conversations, run
from bot.content.model import Content, load_content
from bot.domain.text import command_key
from bot.errors import ContentInvalid
from tests.test_cli import motcua

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "tests" / "conversations"
SHIPPED = load_conversations(FOLDER)


@pytest.fixture(scope="module")
def content() -> Content:
    """What the bot serves, as `motcua test` loads it: the curated catalogue and the portal tier."""
    portal = ROOT / "portal.json"
    return load_content(
        ROOT / "procedures", ROOT / "flows.yaml", ROOT / "lexicon.yaml", portal if portal.exists() else None
    )


@pytest.mark.parametrize("scripted", SHIPPED, ids=[s.id for s in SHIPPED])
def test_shipped_conversation(scripted: Scripted, content: Content) -> None:
    assert run(scripted, content.engine) == []


def test_every_flow_and_command_has_a_conversation(content: Content) -> None:
    """Each global command is typed, and each flow reached, by at least one shipped conversation."""
    visited: set[str] = set()
    for scripted in SHIPPED:
        run(scripted, content.engine, visited)
    typed = {command_key(t.user) for s in SHIPPED for t in s.conversation.steps if t.user}
    for name, command in content.flows.commands.items():
        assert typed & {command_key(w) for w in command.words}, f"no conversation types the command {name}"
        target = command.goto or command.call
        if target:
            visited.add(target.split(".")[0])  # a flow a command runs and leaves (thanks) counts too
    if any(t.start == "" for s in SHIPPED for t in s.conversation.steps):
        visited.add(content.flows.settings.start.split(".")[0])
    missing = sorted(set(content.flows.flows) - visited)
    assert not missing, f"no conversation goes through {missing}"


CONVERSATION = """\
conversations:
  - name: thử
    steps:
      - start: ""
        offers: [Tìm thủ tục]
      - press: Tìm thủ tục
        says: CẦN LÀM THỦ TỤC GÌ
      - user: lam giay khai sinh
        says: {says}
"""


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "thu.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _one(path: Path) -> Scripted:
    (scripted,) = load_conversations(path)
    return scripted


def test_a_failure_names_the_file_and_the_line_of_the_step(tmp_path: Path, content: Content) -> None:
    path = _file(tmp_path, CONVERSATION.format(says="một câu trợ lý không nói"))
    (failure,) = run(_one(path), content.engine)
    assert failure.startswith(f"{path}:8: the reply does not say “một câu trợ lý không nói”")


def test_case_never_matters_and_loose_also_ignores_diacritics(tmp_path: Path, content: Content) -> None:
    assert run(_one(_file(tmp_path, CONVERSATION.format(says="ĐĂNG KÝ KHAI SINH"))), content.engine) == []
    strict = _one(_file(tmp_path, CONVERSATION.format(says="dang ky khai sinh")))
    assert run(strict, content.engine)
    loose = CONVERSATION.format(says="dang ky khai sinh").replace(
        "  - name: thử\n", "  - name: thử\n    loose: true\n"
    )
    assert run(_one(_file(tmp_path, loose)), content.engine) == []


def test_a_button_is_pressed_by_label_or_id_and_a_missing_one_fails(tmp_path: Path, content: Content) -> None:
    by_id = CONVERSATION.format(says="Lệ phí").replace("press: Tìm thủ tục", "press: menu.choose.find")
    assert run(_one(_file(tmp_path, by_id)), content.engine) == []
    missing = CONVERSATION.format(says="Lệ phí").replace("press: Tìm thủ tục", "press: Nút không có")
    (failure,) = run(_one(_file(tmp_path, missing)), content.engine)
    assert re.match(rf"{re.escape(str(tmp_path))}/thu.yaml:6: no button “Nút không có” was offered", failure)


def test_offers_and_limits_are_checked(tmp_path: Path, content: Content) -> None:
    text = CONVERSATION.format(says="Lệ phí").replace(
        "        offers: [Tìm thủ tục]\n", "        offers: [Tìm thủ tục, Nút lạ]\n        max_messages: 1\n"
    )
    failures = run(_one(_file(tmp_path, text)), content.engine)
    assert [f.split(": ", 1)[1][:16] for f in failures] == ["no button “Nút l", "2 messages, at m"]


def test_a_malformed_file_is_reported_with_its_line(tmp_path: Path) -> None:
    path = _file(tmp_path, "conversations:\n  - name: x\n    steps:\n      - says: thiếu hành động\n")
    with pytest.raises(ContentInvalid) as err:
        load_conversations(path)
    (problem,) = err.value.problems
    assert problem.line == 4 and "exactly one of user:, press: or start:" in problem.message


def test_motcua_test_prints_file_line_and_exits_1_on_a_failure(tmp_path: Path) -> None:
    path = _file(tmp_path, CONVERSATION.format(says="một câu trợ lý không nói"))
    result = motcua("test", str(path))
    assert result.returncode == 1, result.stderr
    assert f"{path}:8: the reply does not say" in result.stdout
    assert motcua("test", str(FOLDER / "chao-hoi-va-lenh.yaml")).returncode == 0
