"""Which of two equally fitting procedures a citizen most likely means: the one written for citizens.

The catalogue holds the curated procedures (checked, with their filing script) and, beside them, the
national portal's ~2,600 (the portal tier), many for businesses, agencies or ministries, often with
near-identical names ("Đăng ký khai sinh" at the commune, and its variants for other cases and
levels). When the words fit both alike, the citizen asking a chatbot most likely means:
- the curated procedure before a portal one;
- among portal procedures, one handled at the commune or province before one handled by a ministry,
  and one that citizens file before one only businesses, organisations or officials file.

Each is a factor on the search score (search.ProcedureIndex._scored): enough to order near ties, too
small to put a procedure that fits the words worse ahead of one that fits them better.
"""

from __future__ import annotations

from bot.domain.catalogue import AgencyLevel, Procedure

# Most of the order is who files where, not which tier: a portal procedure near citizens is often the
# more exact request beside a curated one ("cấp lại giấy phép xây dựng" beside "cấp giấy phép xây dựng
# mới", "xóa đăng ký tạm trú" beside "đăng ký tạm trú"), and its words fit about as well; a larger
# tier factor gave those to the curated one. Ministry and business procedures stay about as far back
# as before (0.96 x 0.93 x 0.92 against 0.92 x 0.96 x 0.94).
PORTAL = 0.96  # a portal procedure, against a curated one
MINISTRY = 0.93  # a portal procedure handled only at ministry level
NOT_FOR_CITIZENS = 0.92  # a portal procedure that citizens do not file (businesses, organisations, officials)
CITIZENS = frozenset({"citizen", "foreigner"})


def prior(procedure: Procedure) -> float:
    if procedure.tier != "portal":
        return 1.0
    factor = PORTAL
    if procedure.agency.level == AgencyLevel.BO:
        factor *= MINISTRY
    filers = set(procedure.portal_page.filers) if procedure.portal_page is not None else set()
    if filers and not filers & CITIZENS:
        factor *= NOT_FOR_CITIZENS
    return factor
