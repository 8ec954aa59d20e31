"""Printed outreach: A5 leaflets and A4 posters whose QR codes open the bot at one procedure.

texts.py     the words (outreach.yaml, loaded by bot/content/outreach_file.py) and their placeholders
links.py     which links may be printed, from Settings (never a link that cannot work)
qr.py        QR codes as inline vector SVG
render.py    a tiny HTML template filler that escapes every value it is given
leaflet.py   Procedure -> leaflet HTML
poster.py    procedures -> poster HTML
pdf.py       HTML -> PDF through Debian's headless Chromium (Playwright)
printer.py   the above together, with a bounded cache of rendered PDFs
"""
