"""One procedure -> the HTML of its A5 leaflet.

The order follows what a citizen needs, top to bottom: what it is and for whom, whether it can be done
online, the checklist to prepare, what it costs and how long it takes, where to file, what still needs
a visit, whom to ask, and finally the QR codes that open the bot at this very procedure.
Facts still marked `unverified` in the catalogue carry a mark, explained in the footer: paper cannot be
corrected once it is handed out.
"""

from __future__ import annotations

from bot.domain.catalogue import Document, Procedure
from bot.outreach.links import BotLinks, ChannelLink
from bot.outreach.qr import qr_svg
from bot.outreach.render import Html, join, render, stylesheet
from bot.outreach.texts import OutreachTexts, fill

SEPARATOR = " · "


def display_url(url: str) -> str:
    """An address as a citizen types it: no scheme, no trailing slash."""
    return url.removeprefix("https://").removeprefix("http://").rstrip("/")


def unverified_fields(procedure: Procedure) -> set[str]:
    """Top-level fields whose facts are unchecked ("agency.where" counts as "agency")."""
    return {name.split(".")[0] for name in procedure.unverified}


class LeafletBuilder:
    def __init__(self, texts: OutreachTexts, links: BotLinks) -> None:
        self.texts, self.words, self.links = texts, texts.leaflet, links
        self._marked = False  # whether the page being built printed an "unverified" mark

    def html(self, procedure: Procedure) -> Html:
        self._marked = False
        code = fill(self.words.code, code=procedure.code) if procedure.code else ""
        return render(
            "leaflet.html",
            title=procedure.name,
            css=stylesheet("outreach.css"),
            kicker=f"{self.words.kicker}{SEPARATOR}{procedure.sector}",
            name=procedure.name,
            code=code,
            sections=join(self._sections(procedure)),
            scan=self.scan(procedure),
            footer=self._footer(procedure),  # after the sections: it explains the marks they printed
        )

    def _mark(self, procedure: Procedure, *fields: str) -> Html:
        # Never verified: the footer already says the whole sheet is being checked, so no marks.
        if procedure.last_verified is not None and unverified_fields(procedure) & set(fields):
            self._marked = True
            return render("mark.html", mark=self.words.unverified_mark)
        return Html("")

    def _block(self, procedure: Procedure, kind: str, heading: str, body: Html, *fields: str) -> Html:
        """A headed section; `fields` are the catalogue fields it shows (to mark unverified facts)."""
        mark = self._mark(procedure, *fields)
        return render("block.html", kind=kind, heading=heading, mark=mark, body=body)

    def _sections(self, procedure: Procedure) -> list[Html]:
        words, p = self.words, procedure
        level = self.texts.levels.of(p.level)
        level_html = render("level.html", label=level.label, text=level.text)
        sections = [
            self._block(p, "who", words.for_whom, _text("who", p.for_whom), "for_whom"),
            self._block(p, "level", words.level, level_html, "level", "channels"),
            self._documents(p),
            render(
                "facts.html",
                fee_heading=words.fee,
                fee_mark=self._mark(p, "fee"),
                fee=p.fee.text,
                time_heading=words.time,
                time_mark=self._mark(p, "processing_time"),
                time=p.processing_time.text,
            ),
        ]
        if p.channels.online:
            vneid = _text("vneid", words.vneid) if p.portal.vneid else Html("")
            portal = render("portal.html", name=p.portal.name, url=display_url(p.portal.url), vneid=vneid)
            sections.append(self._block(p, "online", words.online, portal, "portal", "channels"))
        if p.level < 4:  # a visit is (partly) needed: say where
            sections.append(self._block(p, "where", words.where, _text("where", p.agency.where), "agency"))
        if p.in_person:
            sections.append(
                self._block(p, "visit", words.in_person, _text("visit", p.in_person), "in_person")
            )
        sections.append(self._block(p, "contact", words.contact, self._contact(p), "contact"))
        return sections

    def _documents(self, procedure: Procedure) -> Html:
        return render(
            "documents.html",
            heading=self.words.documents,
            mark=self._mark(procedure, "documents"),
            hint=self.words.documents_hint,
            rows=join(self._document(d) for d in procedure.documents),
        )

    def _document(self, document: Document) -> Html:
        meta = [self.texts.kinds.of(document.kind), fill(self.words.count, count=str(document.count))]
        if document.form:
            meta.append(fill(self.words.form, form=document.form))
        return render(
            "document.html",
            name=document.name,
            meta=SEPARATOR.join(meta),
            optional=Html("") if document.required else render("tag.html", text=self.words.optional),
            note=_text("doc__note", document.note) if document.note else Html(""),
        )

    def _contact(self, procedure: Procedure) -> Html:
        contact = procedure.contact
        lines = [_text("office", contact.office)]
        if contact.hotline:
            lines.append(_text("hotline", fill(self.words.hotline, hotline=contact.hotline)))
        if contact.officer:
            lines.append(_text("officer", fill(self.words.officer, officer=contact.officer)))
        return join(lines)

    def code_figure(self, link: ChannelLink, hint: str = "") -> Html:
        """One QR code with the channel's name (and a hint) under it."""
        return render(
            "code.html",
            channel=link.channel.value,
            svg=qr_svg(link.url),
            label=getattr(self.texts.channels, link.channel.value),
            hint=render("code_hint.html", text=hint) if hint else Html(""),
        )

    def scan(self, procedure: Procedure) -> Html:
        """The QR codes opening the bot at this procedure; when no link can be printed, a notice saying
        which settings are missing (the sheet is previewed before printing: an empty corner says nothing)."""
        links = self.links.for_procedure(procedure.id)
        if not links:
            settings = ", ".join(self.links.missing())
            return _text("no-codes", fill(self.words.no_codes, settings=settings))
        # A Zalo OA link opens the chat but not the procedure: print what to type once there.
        zalo_hint = fill(self.texts.channels.zalo_hint, short_name=procedure.short_name)
        figures = [self.code_figure(link, "" if link.opens_procedure else zalo_hint) for link in links]
        short = self.links.short_url(procedure.id)
        return render(
            "scan.html",
            heading=self.words.scan,
            hint=self.words.scan_hint,
            codes=join(figures),
            short_url=render("short_url.html", label=self.words.short_url, url=display_url(short))
            if short
            else "",
        )

    def _footer(self, procedure: Procedure) -> Html:
        if procedure.last_verified is None:
            lines = [_text("verified", self.words.verifying)]
        else:
            lines = [_text("verified", fill(self.words.verified, date=f"{procedure.last_verified:%d/%m/%Y}"))]
        if self._marked:
            lines.append(_text("unverified", self.words.unverified))
        if procedure.source:
            lines.append(_text("source", fill(self.words.source, source=display_url(procedure.source))))
        return join(lines)


def _text(kind: str, text: str) -> Html:
    """A paragraph of escaped text with a CSS class."""
    return render("text.html", kind=kind, text=text)


def leaflet_html(procedure: Procedure, texts: OutreachTexts, links: BotLinks) -> Html:
    return LeafletBuilder(texts, links).html(procedure)
