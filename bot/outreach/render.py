"""HTML templates (Jinja2, templates/): every value is escaped unless it is already `Html` (Markup).

Templates hold structure only (`{{ name }}` slots, loops over rows); words come from outreach.yaml and
facts from the catalogue, and both are escaped on the way in, so a "<" in a procedure note can never
become markup. Repeated parts (one checklist row, one QR figure) are small templates of their own.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from functools import cache
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

# Markup that is already safe: produced by `render`, `join` or the QR encoder, never by content.
Html = Markup


def escape(value: object) -> Html:
    """Escape the way the pages always have (`html.escape`: `&#x27;` for a quote, where markupsafe would
    write `&#39;`), so the HTML of a leaflet, poster or report stays byte for byte what it was."""
    return value if isinstance(value, Markup) else Markup(html.escape(str(value), quote=True))


@cache
def environment(package: str) -> Environment:
    """The templates/ folder of `package`. Autoescape stays on as the safety net; `finalize` escapes
    first (see `escape`), and Markup is never escaped twice. A slot without a value is an error
    (UndefinedError), never an empty hole."""
    return Environment(
        loader=PackageLoader(package, "templates"),
        autoescape=True,
        finalize=escape,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_in(package: str, template_name: str, /, **values: object) -> Html:
    return Markup(environment(package).get_template(template_name).render(values))


def render(template_name: str, /, **values: object) -> Html:
    """Fill templates/`template_name` of the outreach package."""
    return render_in("bot.outreach", template_name, **values)


@cache
def stylesheet(name: str) -> Html:
    """A CSS file from templates/, to be inlined (the PDF page loads nothing from the network or disk)."""
    return Markup(resources.files("bot.outreach").joinpath("templates", name).read_text(encoding="utf-8"))


def join(parts: Iterable[Html]) -> Html:
    # "".join, not Markup("").join: the parts are Markup already, and plain strings must not slip in
    # unescaped through here either way (callers pass only rendered parts).
    return Markup("".join(parts))
