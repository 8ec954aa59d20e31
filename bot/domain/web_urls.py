"""Web addresses that may become links a citizen clicks: http:// and https:// only.

A link with another scheme (javascript:, data:, vbscript:, file:) would run script or open something
other than a web page when clicked in the chat page, so the catalogue and flows.yaml refuse it
(validation names FILE:LINE), the engine drops any that a template produces, and chat.js checks again.
"""

from __future__ import annotations

import re

_WEB = re.compile(r"https?://[^\s/?#]+[^\s]*", re.IGNORECASE)


def is_web_url(url: str) -> bool:
    return _WEB.fullmatch(url.strip()) is not None


def web_url(value: str) -> str:
    if not is_web_url(value):
        raise ValueError("must be a web address starting with http:// or https://")
    return value


def web_url_or_template(value: str) -> str:
    """A flow link: a web address, or a template the engine fills (checked again when rendered)."""
    if value.startswith("{") or is_web_url(value):
        return value
    raise ValueError(
        "must be a web address starting with http:// or https://, or a template like {procedure.source}"
    )
