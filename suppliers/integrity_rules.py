"""When a declaration is overdue and a contract's follow-up is late (pure; SV07, SV04)."""

from __future__ import annotations

import datetime as dt

from placement.core.clock import add_months
from placement.core.vocabulary import StaffRole

# Roles whose holders must declare their interests and secondary occupations (LOA 7 c–7 d §§).
DECLARING_ROLES = frozenset(
    {StaffRole.PLACERINGSSTOD, StaffRole.SOCIALSEKRETERARE, StaffRole.TEAMLEDARE, StaffRole.UPPHANDLARE}
)


def must_declare(roles: frozenset[StaffRole]) -> bool:
    return bool(roles & DECLARING_ROLES)


def declaration_overdue(latest: dt.date | None, today: dt.date, max_age_months: int) -> bool:
    """SV07: no declaration, or the latest older than the policy allows."""
    return latest is None or add_months(latest, max_age_months) < today


def follow_up_overdue(next_due: dt.date, today: dt.date, *, in_use: bool) -> bool:
    """SV04: a contract in use whose next follow-up date has passed."""
    return in_use and next_due < today
