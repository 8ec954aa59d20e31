"""Volunteer quick mode: a procedure's whole checklist at once, and a handover to the citizen's own phone.

- checklist.py: a procedure as one printable checklist (documents, fee, time, where, online level).
- handover.py: the links and QR codes a citizen scans to continue on Zalo, Telegram or the web chat.
- sessions.py: counting assisted sessions per volunteer and ward, with consent, nothing about the citizen.
"""
