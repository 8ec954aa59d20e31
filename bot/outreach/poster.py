"""Several procedures -> the HTML of an A4 notice-board poster.

Each procedure gets a card (name, summary, fee, time) with its own code opening the bot at it, and the
poster ends with one big code for the bot itself, so a passer-by with another question is served too.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.catalogue import Procedure
from bot.outreach.leaflet import LeafletBuilder, display_url
from bot.outreach.links import BotLinks
from bot.outreach.qr import qr_svg
from bot.outreach.render import Html, join, render, stylesheet
from bot.outreach.texts import OutreachTexts


class PosterBuilder:
    def __init__(self, texts: OutreachTexts, links: BotLinks) -> None:
        self.texts, self.words, self.links = texts, texts.poster, links
        self._figures = LeafletBuilder(texts, links)  # the same captioned codes as on leaflets

    def html(self, procedures: Sequence[Procedure], title: str | None = None) -> Html:
        heading = title or self.words.title
        return render(
            "poster.html",
            title=heading,
            css=stylesheet("outreach.css"),
            kicker=self.words.kicker,
            subtitle=self.words.subtitle,
            cards=join(self._card(p) for p in procedures),
            bot=self._bot(),
        )

    def procedure_link(self, procedure: Procedure) -> str | None:
        """The web short URL when the web chat is public, else the Telegram deep link, else nothing."""
        return self.links.short_url(procedure.id) or self.links.telegram(procedure.id)

    def _card(self, procedure: Procedure) -> Html:
        link = self.procedure_link(procedure)
        code = Html("")
        if link:
            code = render("card_code.html", svg=qr_svg(link), caption=self.words.scan_procedure)
        return render(
            "card.html",
            code=code,
            name=procedure.name,
            summary=procedure.summary,
            fee_label=self.words.fee,
            fee=procedure.fee.text,
            time_label=self.words.time,
            time=procedure.processing_time.text,
        )

    def _bot(self) -> Html:
        links = self.links.for_bot()
        if not links:
            return Html("")
        main, rest = links[0], links[1:]
        others = Html("")
        if rest:
            codes = join(self._figures.code_figure(link) for link in rest)
            others = render("others.html", label=self.words.other_channels, codes=codes)
        return render(
            "bot.html",
            svg=qr_svg(main.url),
            heading=self.words.scan_bot,
            hint=self.words.scan_bot_hint,
            url=display_url(main.url),
            others=others,
        )


def poster_html(
    procedures: Sequence[Procedure], texts: OutreachTexts, links: BotLinks, title: str | None = None
) -> Html:
    return PosterBuilder(texts, links).html(procedures, title)
