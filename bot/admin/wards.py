"""The queues a volunteer can belong to: the wards the published flows.yaml's `handoff:` section sends
conversations to (`ward`, and the values of `wards`). A volunteer whose ward is none of them would watch an
empty inbox forever, so `motcua user add` refuses it and names the ones that exist.

The published revision is read when there is one (officials may have edited flows.yaml on the admin
pages), else the flows file of the settings, as the first start would import it.
"""

from __future__ import annotations

from pathlib import Path

from bot.admin.users import UserError
from bot.content import FLOWS, Revisions, YamlError, parse_yaml
from bot.handoff.inbox import same_ward
from bot.storage.sql import Units


async def known_wards(units: Units, flows_file: Path) -> list[str]:
    """The queues handoffs go to, as flows.yaml spells them; [] when no handoff is set up."""
    revisions = Revisions(units)
    latest = await revisions.latest_id()
    text = await revisions.file_text(latest, FLOWS) if latest is not None else None
    if text is None:
        try:
            text = flows_file.read_text(encoding="utf-8")
        except OSError:
            return []
    try:
        data = parse_yaml(text, FLOWS).data
    except YamlError:
        return []  # `motcua validate` and the server report a broken file; here there is nothing to check
    handoff = data.get("handoff") if isinstance(data, dict) else None
    if not isinstance(handoff, dict):
        return []
    routed = handoff.get("wards")
    names = [handoff.get("ward"), *(routed.values() if isinstance(routed, dict) else ())]
    return list(dict.fromkeys(n.strip() for n in names if isinstance(n, str) and n.strip()))


def volunteer_ward(given: str | None, known: list[str]) -> str | None:
    """The ward to store for a volunteer, spelt as flows.yaml spells it; UserError when it matches no
    queue. With no handoff set up there is nothing to check against and the ward is kept as given."""
    if not known:
        return given
    listed = ", ".join(f'"{name}"' for name in known)
    if not given or not given.strip():
        raise UserError(f"a volunteer takes the handoffs of one ward: give --ward, one of {listed}")
    for name in known:
        if same_ward(given, name):
            return name
    raise UserError(
        f'no handoff goes to the ward "{given}", so this volunteer would see an empty inbox. '
        f"Known wards (flows.yaml, handoff.ward and handoff.wards): {listed}"
    )
