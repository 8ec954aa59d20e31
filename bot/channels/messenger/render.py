"""A domain `Reply` -> the Send API request bodies that show it on Messenger, in sending order.

Messenger's limits shape everything here:
- text: at most 2,000 characters per message, so long text is split on paragraph, line, sentence or word
  boundaries (the splitter Zalo uses: the same limit, counted in UTF-16 units to be safe with emoji);
- buttons become quick replies (at most 13 per message, titles of at most 20 characters): the title is
  the label cut short at a word, the payload is the button id, which comes back in `quick_reply.payload`.
  They ride on the last message, where the citizen's eyes end up, and vanish once one is tapped;
- links become `web_url` buttons of a button template (at most 3 per template, its text at most 640
  characters), the full labels written in the template's text because button titles are cut at 20;
- a short reply (<= 640 characters) with links and at most 3 buttons and links in all reads better as a
  single button template: its buttons stay visible in the thread, and a tap comes back as a `postback`
  with the button id as payload.
Every body is a `RESPONSE` (an answer within the 24-hour window opened by the citizen's message).
"""

from __future__ import annotations

from typing import Any

from bot.channels.zalo.render import CONTINUATION, short_title, split_text, text_units
from bot.domain.messages import Button, Link, Reply

MAX_TEXT = 2000
MAX_QUICK_REPLIES = 13
MAX_TITLE = 20
MAX_TEMPLATE_BUTTONS = 3
MAX_TEMPLATE_TEXT = 640
MAX_PAYLOAD = 1000


def quick_reply(button: Button) -> dict[str, Any]:
    return {"content_type": "text", "title": short_title(button.label, MAX_TITLE), "payload": button.id}


def postback_button(button: Button) -> dict[str, Any]:
    return {"type": "postback", "title": short_title(button.label, MAX_TITLE), "payload": button.id}


def url_button(link: Link) -> dict[str, Any]:
    return {"type": "web_url", "title": short_title(link.label, MAX_TITLE), "url": link.url}


def template(text: str, buttons: list[dict[str, Any]]) -> dict[str, Any]:
    payload = {"template_type": "button", "text": text, "buttons": buttons}
    return {"attachment": {"type": "template", "payload": payload}}


def render_messages(reply: Reply, *, continuation: str = CONTINUATION) -> list[dict[str, Any]]:
    """The `message` objects that show `reply`, in order (empty: nothing to send)."""
    text = reply.text.strip()
    taps = len(reply.buttons) + len(reply.links)
    if reply.links and taps <= MAX_TEMPLATE_BUTTONS and 0 < text_units(text) <= MAX_TEMPLATE_TEXT:
        buttons = [postback_button(b) for b in reply.buttons] + [url_button(lk) for lk in reply.links]
        return [template(text, buttons)]
    messages: list[dict[str, Any]] = [{"text": part} for part in split_text(text, MAX_TEXT)]
    for start in range(0, len(reply.links), MAX_TEMPLATE_BUTTONS):
        links = reply.links[start : start + MAX_TEMPLATE_BUTTONS]
        labels = "\n".join(link.label for link in links)
        text_of_links = (split_text(labels, MAX_TEMPLATE_TEXT) or [continuation])[0]
        messages.append(template(text_of_links, [url_button(lk) for lk in links]))
    if not reply.buttons:
        return messages
    if not messages:
        messages.append({"text": continuation})
    # Quick replies live on the last message only (and vanish when another arrives): the first 13
    # buttons go there; any beyond (no flow has that many today) become postback buttons of templates
    # just before it, which stay tappable in the thread.
    overflow = [postback_button(b) for b in reply.buttons[MAX_QUICK_REPLIES:]]
    extra = [
        template(continuation, overflow[i : i + MAX_TEMPLATE_BUTTONS])
        for i in range(0, len(overflow), MAX_TEMPLATE_BUTTONS)
    ]
    last = {**messages[-1], "quick_replies": [quick_reply(b) for b in reply.buttons[:MAX_QUICK_REPLIES]]}
    return [*messages[:-1], *extra, last]


def render_reply(user_id: str, reply: Reply, *, continuation: str = CONTINUATION) -> list[dict[str, Any]]:
    """Every Send API request body needed to deliver `reply` to the citizen `user_id` (their PSID)."""
    return [
        {"recipient": {"id": user_id}, "messaging_type": "RESPONSE", "message": message}
        for message in render_messages(reply, continuation=continuation)
    ]
