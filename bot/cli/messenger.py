"""`motcua messenger setup`: set the page's Get Started button and persistent menu from flows.yaml."""

from __future__ import annotations

import asyncio

import httpx

from bot.channels.messenger import setup_profile
from bot.config import Settings
from bot.content import load_flows
from bot.errors import ChannelError


def messenger_setup(settings: Settings) -> int:
    flows = load_flows(settings.flows_file)

    async def run() -> int:
        async with httpx.AsyncClient(timeout=httpx.Timeout(15.0, connect=5.0)) as http:
            try:
                result = await setup_profile(settings, flows, http)
            except ChannelError as err:
                print(f"motcua: the Messenger Profile API refused: {err}")
                return 1
        titles = ", ".join(a["title"] for a in result.profile["persistent_menu"][0]["call_to_actions"])
        state = "updated" if result.changed else "already up to date"
        print(f"Messenger page profile {state}: Get Started button; persistent menu: {titles}")
        return 0

    return asyncio.run(run())
