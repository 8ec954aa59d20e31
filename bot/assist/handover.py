"""What the volunteer shows the citizen: links (and QR codes) to continue the same procedure on the
citizen's own phone. The links name only the procedure; the citizen opens them from their own Zalo,
Telegram, Messenger or browser, so no message, number or name of theirs goes through the volunteer's
account.
"""

from __future__ import annotations

from typing import Any

from bot.outreach.links import BotLinks
from bot.outreach.qr import qr_svg


def handover_links(links: BotLinks, procedure_id: str) -> list[dict[str, Any]]:
    """Each link that can work on a phone (web short URL, Telegram and m.me deep links, Zalo OA), with
    its QR SVG."""
    return [
        {
            "channel": link.channel.value,
            "url": link.url,
            "opens_procedure": link.opens_procedure,
            "qr_svg": str(qr_svg(link.url)),
        }
        for link in links.for_procedure(procedure_id)
    ]
