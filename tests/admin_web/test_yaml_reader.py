"""The quick form reads what the official typed in the YAML editor with a small reader in the page
(api/static/admin/yaml_read.js). It must read every procedure file of the catalogue exactly as the server
does, including the same files re-flowed by another YAML writer (long lines broken, quotes added)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import yaml
from playwright.sync_api import Browser, Route

from api.routes.admin_pages import PAGES_DIR
from bot.config import load_settings
from tests.admin_web.browser import MARKS

pytestmark = MARKS

ORIGIN = "http://pages.test"


def plain(data: Any) -> Any:
    """JSON's view of the YAML data (dates as the text the reader keeps)."""
    return json.loads(json.dumps(data, default=lambda v: v.isoformat() if isinstance(v, dt.date) else str(v)))


def procedure_texts() -> dict[str, str]:
    folder = Path(load_settings().catalogue_dir)
    texts = {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.yaml"))}
    for name, text in list(texts.items()):  # the same content as another writer lays it out
        reflowed = yaml.safe_dump(yaml.safe_load(text), allow_unicode=True, sort_keys=False, width=50)
        texts[f"reflowed-{name}"] = reflowed
    return texts


def test_the_reader_agrees_with_the_server_on_every_procedure(browser: Browser) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()

        def serve(route: Route) -> None:
            name = route.request.url.removeprefix(ORIGIN + "/")
            path = PAGES_DIR / name
            if name == "" or not path.is_file():
                route.fulfill(body="<!doctype html><title>t</title>", content_type="text/html")
            else:
                route.fulfill(body=path.read_text(encoding="utf-8"), content_type="text/javascript")

        page.route(ORIGIN + "/**", serve)
        page.goto(ORIGIN + "/")
        texts = procedure_texts()
        assert len(texts) >= 20
        read = page.evaluate(
            """async (texts) => {
                const { readYaml } = await import("/yaml_read.js");
                const pairs = Object.entries(texts).map(([name, text]) => [name, readYaml(text)]);
                return Object.fromEntries(pairs);
            }""",
            texts,
        )
        wrong = [name for name, text in texts.items() if read[name] != plain(yaml.safe_load(text))]
        assert not wrong, f"the form would show other values than the server reads for: {wrong}"
        broken = page.evaluate(
            """async (text) => (await import("/yaml_read.js")).readYaml(text)""",
            "fee:\n  text: 'never closed",
        )
        assert broken is None  # beyond the reader: the form says so rather than show wrong values
    finally:
        context.close()
