"""Only http(s) links: the catalogue and flows refuse other schemes with FILE:LINE, the engine drops any a
template produces, chat.js refuses them too, and the chat page allows script from its own server only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from bot.config import load_settings
from bot.content.content_set import ContentChecker
from bot.domain.web_urls import is_web_url

ROOT = Path(__file__).resolve().parents[2]
PROCEDURE = "procedures/ho-chieu.yaml"


def _problems_with(path: str, old: str, new: str) -> list[str]:
    files = {p.relative_to(ROOT).as_posix(): p.read_text("utf-8") for p in ROOT.glob("procedures/*.yaml")}
    for name in ("flows.yaml", "lexicon.yaml", "outreach.yaml"):
        files[name] = (ROOT / name).read_text("utf-8")
    assert old in files[path]
    files[path] = files[path].replace(old, new, 1)
    return [str(p) for p in ContentChecker().problems(files)]


@pytest.mark.parametrize(
    "scheme", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "vbscript:x"]
)
def test_a_portal_url_that_is_not_a_web_address_is_a_file_line_problem(scheme: str) -> None:
    text = (ROOT / PROCEDURE).read_text("utf-8")
    assert "portal:" in text
    problems = _problems_with(PROCEDURE, "portal:\n", f"portal:\n  url: '{scheme}'\n")
    assert any(p.startswith(f"{PROCEDURE}:") and "http" in p for p in problems), problems


def test_a_flow_link_that_is_not_a_web_address_is_a_file_line_problem() -> None:
    problems = _problems_with("flows.yaml", 'url: "https://dichvucong.gov.vn"', 'url: "javascript:alert(1)"')
    assert any(p.startswith("flows.yaml:") and "http" in p for p in problems), problems


@pytest.mark.parametrize(
    ("url", "web"),
    [
        ("https://dichvucong.gov.vn/p/1", True),
        ("http://a.vn", True),
        ("javascript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("https:alert", False),
        ("//evil.example", False),
        ("", False),
    ],
)
def test_what_counts_as_a_web_address(url: str, web: bool) -> None:
    assert is_web_url(url) is web


def test_chat_js_refuses_links_of_other_schemes() -> None:
    script = (ROOT / "api/static/chat.js").read_text("utf-8")
    assert "safeUrl(l.url)" in script and "/^https?:\\/\\//i" in script


def test_the_chat_page_allows_script_from_its_own_server_only(sqlite_url: str) -> None:
    with TestClient(create_app(load_settings(database_url=sqlite_url))) as client:
        policy = client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors" in policy


@pytest.mark.parametrize(("key", "value"), [("last_verified", "9999-99-99"), ("level", "9" * 5000)])
def test_an_impossible_date_or_a_huge_number_is_a_file_line_problem(key: str, value: str) -> None:
    text = (ROOT / PROCEDURE).read_text("utf-8")
    found = re.search(rf"^{key}: .*$", text, re.M)
    assert found is not None
    old, new = found.group(0), f"{key}: {value}"
    line = text[: found.start()].count("\n") + 1
    problems = _problems_with(PROCEDURE, old, new)
    assert any(p.startswith(f"{PROCEDURE}:{line}:") for p in problems), problems
