"""QR codes as inline SVG: vector, so they stay sharp at any print size.

Error correction "q" (25% of the code may be lost) lets a code survive a photocopy, a fold or a pen mark;
segno raises it to "h" when that fits in the same size. The 4-module white quiet zone is part of the
SVG, so a grey or busy background around it cannot stop a phone from finding the code.
"""

from __future__ import annotations

import segno

from bot.outreach.render import Html

QUIET_ZONE = 4  # modules; the QR specification's minimum
SVG_NS = "http://www.w3.org/2000/svg"


def qr_svg(data: str) -> Html:
    """The code for `data` as an <svg> element whose size is set by CSS (class "qr")."""
    code = segno.make(data, error="q", micro=False, boost_error=True)
    svg: str = code.svg_inline(
        scale=1, border=QUIET_ZONE, omitsize=True, dark="#000", light="#fff", svgclass="qr", lineclass=None
    )
    # crispEdges: no anti-aliased seams between modules when a printer or viewer rasterises the code.
    # The namespace costs nothing inline in HTML and makes the same markup an SVG document wherever it is
    # parsed as XML (the volunteer page's DOMParser): without it the code is an unknown element, 0×0.
    return Html(svg.replace("<svg ", f'<svg xmlns="{SVG_NS}" shape-rendering="crispEdges" ', 1))
