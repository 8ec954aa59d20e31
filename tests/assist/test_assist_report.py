"""The quarterly report counts the assisted sessions the handover records, per ward."""

from __future__ import annotations

from bot.report.load import load_history
from bot.report.people import assisted_figures
from bot.report.quarter import Quarter
from bot.storage.base import utcnow
from bot.storage.database import create_engine_for
from tests.assist.conftest import AssistKit


def _hand_over(kit: AssistKit, bearer: dict[str, str], procedure: str, consent: bool) -> None:
    body = {"procedure": procedure, "consent": consent}
    answer = kit.client.post("/admin/api/assist/handover", json=body, headers=bearer)
    assert answer.status_code == 200, answer.text


async def test_the_report_counts_consented_sessions_by_ward(kit: AssistKit) -> None:
    quarter = Quarter.containing(utcnow())
    engine = create_engine_for(kit.database_url)
    try:
        before = await load_history(engine, quarter)
        # Until a first session is recorded the report says "no data yet" (None), not a row of zeros.
        start = (
            {f.ward: f.sessions for f in assisted_figures(before.assisted, quarter).wards}
            if before.assisted is not None
            else {}
        )
        _hand_over(kit, kit.volunteer.bearer, "khai-sinh", True)
        _hand_over(kit, kit.volunteer.bearer, "khai-sinh", True)
        _hand_over(kit, kit.other_ward.bearer, "khai-sinh", True)
        _hand_over(kit, kit.other_ward.bearer, "khai-sinh", False)
        after = await load_history(engine, quarter)
    finally:
        await engine.dispose()
    assert after.assisted is not None
    figures = assisted_figures(after.assisted, quarter)
    counts = {f.ward: f.sessions for f in figures.wards}
    assert counts["Phường Bến Nghé"] - start.get("Phường Bến Nghé", 0) == 2
    assert counts["Phường Đa Kao"] - start.get("Phường Đa Kao", 0) == 1
    assert {r.volunteer for r in after.assisted} >= {str(kit.volunteer.id), str(kit.other_ward.id)}
