"""A tiny HTML template filler: `string.Template` files in templates/; every value is escaped unless `Html`.

Templates hold structure only (`${name}` slots); words come from outreach.yaml and facts from the
catalogue, and both are escaped on the way in, so a "<" in a procedure note can never become markup.
Repeated parts (one checklist row, one QR figure) are small templates of their own, joined with `join`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from functools import cache
from importlib import resources
from string import Template


class Html(str):
    """Markup that is already safe: produced by `render`, `join` or the QR encoder, never by content."""

    __slots__ = ()


def escape(value: object) -> Html:
    return value if isinstance(value, Html) else Html(html.escape(str(value), quote=True))


@cache
def template(name: str) -> Template:
    return Template(resources.files("bot.outreach").joinpath("templates", name).read_text(encoding="utf-8"))


@cache
def stylesheet(name: str) -> Html:
    """A CSS file from templates/, to be inlined (the PDF page loads nothing from the network or disk)."""
    return Html(resources.files("bot.outreach").joinpath("templates", name).read_text(encoding="utf-8"))


def render(template_name: str, /, **values: object) -> Html:
    """Fill template `template_name`; a slot without a value is an error (KeyError), never an empty hole."""
    return Html(template(template_name).substitute({key: escape(value) for key, value in values.items()}))


def join(parts: Iterable[Html]) -> Html:
    return Html("".join(parts))
