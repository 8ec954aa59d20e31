"""The `motcua` command as DESIGN.md specifies it, run as a real subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINE_FORMAT = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<field>[^:]+): (?P<message>.+)$")


def motcua(
    *args: str, stdin: str = "", db: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
    if db is not None:
        env["MOTCUA_DATABASE_URL"] = f"sqlite:///{db}"
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )


def test_chat_jsonl_answers_one_object_per_line_and_resumes_in_a_new_process(tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    lines = [
        {"user_id": "a", "text": "xin chào"},
        {"user_id": "b", "text": "lam giay khai sinh cho con"},
        "not json",
        {"user_id": "a", "text": "rút bhxh 1 lần"},
    ]
    stdin = "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n"
    first = motcua("chat", "--jsonl", stdin=stdin, db=db)
    assert first.returncode == 0, first.stderr
    outputs = [json.loads(line) for line in first.stdout.splitlines()]
    assert len(outputs) == 4
    assert outputs[2]["messages"] == [] and outputs[2]["error"]
    for out in (outputs[0], outputs[1], outputs[3]):
        assert out["messages"], out
        for message in out["messages"]:
            assert isinstance(message["text"], str)
            assert all(set(b) == {"id", "label"} for b in message["buttons"])
    assert "khai sinh" in json.dumps(outputs[1], ensure_ascii=False).lower()

    # A later process continues the same conversation: a button offered before still works.
    button = next(b for m in outputs[1]["messages"] for b in m["buttons"])
    second = motcua(
        "chat", "--jsonl", stdin=json.dumps({"user_id": "b", "button": button["id"]}) + "\n", db=db
    )
    assert second.returncode == 0, second.stderr
    (reply,) = [json.loads(line) for line in second.stdout.splitlines()]
    assert reply["messages"]


def test_validate_passes_on_the_shipped_content() -> None:
    result = motcua("validate")
    assert result.returncode == 0, result.stdout + result.stderr


def test_validate_names_file_line_and_field_of_every_problem(tmp_path: Path) -> None:
    folder = tmp_path / "procedures"
    folder.mkdir()
    good = (ROOT / "procedures" / "khai-sinh.yaml").read_text(encoding="utf-8")
    broken = good.replace("level: 4", "level: 7").replace("  free: true\n", "  free: true\n  amout: 5\n")
    (folder / "khai-sinh.yaml").write_text(broken, encoding="utf-8")
    (folder / "ket-hon.yaml").write_text("id: ket-hon\nname: [\n", encoding="utf-8")
    result = motcua("validate", str(folder))
    assert result.returncode == 1
    problems = [LINE_FORMAT.match(line) for line in result.stdout.splitlines()]
    assert all(problems), result.stdout
    found = {(Path(m["file"]).name, m["field"]) for m in problems if m}
    assert ("khai-sinh.yaml", "level") in found
    assert ("khai-sinh.yaml", "fee.amout") in found
    assert any(name == "ket-hon.yaml" for name, _ in found)
    level_line = next(int(m["line"]) for m in problems if m and m["field"] == "level")
    assert broken.splitlines()[level_line - 1].startswith("level:")


def test_search_json_contract() -> None:
    result = motcua("search", "xin ct07", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"query", "decision", "matches"}
    assert data["query"] == "xin ct07"
    assert data["decision"] in {"match", "choose", "none"}
    assert 0 < len(data["matches"]) <= 5
    assert all(set(m) == {"id", "name", "code", "tier", "score"} for m in data["matches"])
    assert all(0 <= m["score"] <= 100 and m["tier"] in ("curated", "portal") for m in data["matches"])
    scores = [m["score"] for m in data["matches"]]
    assert scores == sorted(scores, reverse=True)


def test_search_json_names_the_topic_a_question_says() -> None:
    result = motcua("search", "làm lý lịch tư pháp nhận qua bưu điện được không", "--json")
    data = json.loads(result.stdout)
    assert data["topic"] == {"id": "postal", "kind": "topic", "score": data["topic"]["score"]}
    assert data["matches"][0]["id"] == "ly-lich-tu-phap"


def test_search_reads_queries_from_stdin_one_per_line() -> None:
    result = motcua("search", "-", "--json", stdin="đổi bằng lái xe\ngiá vàng hôm nay\n")
    assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["matches"][0]["id"] in {"doi-gplx", "cap-lai-gplx"}
    assert second["decision"] == "none"


@pytest.mark.parametrize("args", [["nonsense"], []])
def test_bad_usage_exits_with_2(args: list[str]) -> None:
    assert motcua(*args).returncode == 2
