"""`motcua messenger setup`: the page's Get Started button and persistent menu (Messenger Profile API).

    GET  {graph}/v…/me/messenger_profile?fields=get_started,persistent_menu   what the page has now
    POST {graph}/v…/me/messenger_profile  {"get_started": …, "persistent_menu": […]}   only if different

Idempotent: running it twice writes once (the Profile API allows 10 calls per 10 minutes per page).
The menu offers the flows.yaml commands that make sense from anywhere in a conversation: the main menu
(`settings.menu_button`), talking to an official, help and starting again, each with its flows.yaml
label; a tap comes back as a postback whose payload is the command's name, which the engine treats like
the command's button. Get Started sends GET_STARTED, which the webhook turns into a greeting (or, after
an m.me link with ?ref=<procedure id>, into that procedure).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from bot.channels.messenger.events import CHANNEL, GET_STARTED
from bot.channels.messenger.sender import version_path
from bot.channels.redact import hide_token_from_http_logs
from bot.channels.zalo.render import short_title
from bot.config import Settings
from bot.domain.flows import Flows
from bot.errors import ChannelError, ConfigError

MENU_COMMANDS = ("official", "help", "restart")  # after settings.menu_button; missing ones are skipped
MAX_MENU_ITEMS = 20
MAX_MENU_TITLE = 30
FIELDS = ("get_started", "persistent_menu")


def desired_profile(flows: Flows) -> dict[str, Any]:
    names = [flows.settings.menu_button, *MENU_COMMANDS]
    seen: list[str] = []
    for name in names:
        if name and name in flows.commands and name not in seen:
            seen.append(name)
    actions = [
        {
            "type": "postback",
            "title": short_title(flows.commands[name].label, MAX_MENU_TITLE),
            "payload": name,
        }
        for name in seen[:MAX_MENU_ITEMS]
    ]
    menu = {"locale": "default", "composer_input_disabled": False, "call_to_actions": actions}
    return {"get_started": {"payload": GET_STARTED}, "persistent_menu": [menu]}


@dataclass(frozen=True, slots=True)
class SetupResult:
    changed: bool
    profile: dict[str, Any]


async def setup_profile(settings: Settings, flows: Flows, http: httpx.AsyncClient) -> SetupResult:
    """Bring the page's profile to `desired_profile(flows)`; writes nothing when it already is."""
    if not settings.messenger_page_token:
        raise ConfigError(
            "Messenger is off: set MOTCUA_MESSENGER_PAGE_TOKEN (and the app secret and verify token)"
        )
    version = version_path(settings.messenger_api_version)
    url = f"{settings.messenger_graph_base.rstrip('/')}/{version}/me/messenger_profile"
    token = {"access_token": settings.messenger_page_token}
    hide_token_from_http_logs(settings.messenger_page_token)
    wanted = desired_profile(flows)
    current = await _call(http.get(url, params={**token, "fields": ",".join(FIELDS)}))
    data = current.get("data")
    now = data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else {}
    if all(_same(now.get(name), wanted[name]) for name in FIELDS):
        return SetupResult(False, wanted)
    await _call(http.post(url, params=token, json=wanted))
    return SetupResult(True, wanted)


def _same(current: Any, wanted: Any) -> bool:
    """Meta may add fields of its own (e.g. `disabled_surfaces`) to what it returns: compare ours only."""
    if isinstance(wanted, dict):
        return isinstance(current, dict) and all(_same(current.get(k), v) for k, v in wanted.items())
    if isinstance(wanted, list):
        return (
            isinstance(current, list)
            and len(current) == len(wanted)
            and all(_same(c, w) for c, w in zip(current, wanted, strict=True))
        )
    return bool(current == wanted)


async def _call(request: Any) -> dict[str, Any]:
    try:
        response: httpx.Response = await request
    except httpx.HTTPError as err:
        raise ChannelError(CHANNEL, "network", type(err).__name__) from None
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code != 200 or not isinstance(body, dict):
        error = body.get("error", {}) if isinstance(body, dict) else {}
        message = error.get("message") if isinstance(error, dict) else None
        raise ChannelError(CHANNEL, response.status_code, str(message or "Messenger Profile API refused"))
    return body
