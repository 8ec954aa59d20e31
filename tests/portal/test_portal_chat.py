"""A citizen asks about a procedure only the portal tier knows: the bot answers with the page's facts and
its link, in the terminal (`motcua chat --jsonl`) and over the web API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from bot.cli.portal import import_folder
from bot.config import load_settings
from tests.portal.support import FIXTURES, fixture

PAGE_URL = fixture("1.012786").get("detail_url")
CAR_URL = fixture("1.013080").get("detail_url")


@pytest.fixture(scope="module")
def tier_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tier") / "portal.json"
    path.write_text(import_folder(FIXTURES, "06–07/2026", progress=False)[0], encoding="utf-8")
    return path


def _texts(reply: dict[str, Any]) -> str:
    return "\n".join(m["text"] for m in reply["messages"])


def _links(reply: dict[str, Any]) -> list[str]:
    return [link["url"] for m in reply["messages"] for link in m.get("links", [])]


def _buttons(reply: dict[str, Any]) -> dict[str, str]:
    return {b["id"]: b["label"] for m in reply["messages"] for b in m["buttons"]}


def _assert_land_card(reply: dict[str, Any]) -> None:
    text = _texts(reply)
    assert "Cấp lại Giấy chứng nhận do bị mất" in text and "Mã thủ tục: 1.012786" in text
    assert "theo trang Cổng Dịch vụ công quốc gia (bản thu thập 06–07/2026)" in text
    assert "Nộp trực tuyến\n   Thời gian giải quyết: 10 Ngày làm việc\n   Phí, lệ phí: Miễn phí" in text
    assert "Nộp trực tiếp\n   Thời gian giải quyết: 20 Ngày làm việc" in text
    assert "Đơn đăng ký biến động đất đai" in text and "Căn cứ pháp lý:" in text
    assert PAGE_URL in _links(reply)
    assert "{" not in text  # no template left unfilled


class JsonlChat:
    """`motcua chat --jsonl` as a person would script it: one line in, one reply out."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "chat", "--jsonl"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            text=True,
            encoding="utf-8",
        )

    def send(self, **message: str) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"user_id": "citizen", **message}, ensure_ascii=False) + "\n")
        self.process.stdin.flush()
        reply: dict[str, Any] = json.loads(self.process.stdout.readline())
        return reply

    def close(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        assert self.process.wait(timeout=60) == 0
        self.process.stdout.close()


def test_terminal_answers_a_portal_only_question_with_its_facts_and_link(
    tier_file: Path, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "MOTCUA_DATABASE_URL": f"sqlite:///{tmp_path / 'chat.db'}",
        "MOTCUA_PORTAL_FILE": str(tier_file),
    }
    chat = JsonlChat(env)
    try:
        reply = chat.send(text="cấp lại giấy chứng nhận đất bị mất")
        pick = "p:tthc-1-012786"
        if pick in _buttons(reply):  # several close procedures: the citizen picks the portal one
            reply = chat.send(button=pick)
        _assert_land_card(reply)
        online = chat.send(button="portal.next_steps.online")
        assert "nộp trực tuyến được" in _texts(online) and PAGE_URL in _links(online)
    finally:
        chat.close()


@pytest.fixture
def client(database_url: str, tier_file: Path) -> Iterator[TestClient]:
    settings = load_settings(database_url=database_url, portal_file=tier_file)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_web_api_opens_a_portal_procedure_by_deep_link(client: TestClient) -> None:
    reply = client.post("/api/chat", json={"start": "tthc-1-013080"}).json()
    text = _texts(reply)
    assert "Mã thủ tục: 1.013080" in text
    assert "Kết quả nhận được: Giấy chứng nhận đăng ký xe; Biển số xe" in text
    assert "Thời gian giải quyết: 2 Ngày làm việc" in text
    assert "Phí, lệ phí: xem trên trang Cổng" in text  # the page's fee cell is not one the bot can state
    assert CAR_URL in _links(reply)
    health = client.get("/healthz").json()
    assert health["procedures"] >= 40 + len(list(FIXTURES.glob("*/*.json"))) - 1
