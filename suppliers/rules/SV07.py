"""SV07: staff in placement, procurement or decision roles without a recent declaration."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel

from placement.core.clock import add_months
from placement.core.rulebook import Severity
from placement.core.vocabulary import StaffRole
from suppliers.rules._form import Flag, supplier_rule

# Roles whose holders must declare their interests and secondary occupations (LOA 7 c–7 d §§).
DECLARING_ROLES = frozenset(
    {StaffRole.PLACERINGSSTOD, StaffRole.SOCIALSEKRETERARE, StaffRole.TEAMLEDARE, StaffRole.UPPHANDLARE}
)


class StaffFacts(BaseModel):
    staff_id: uuid.UUID | None = None
    name: str = "Medarbetare"
    roles: frozenset[StaffRole] = frozenset()
    latest_declaration: dt.date | None = None


@supplier_rule("SV07", Severity.WARN, "declarations")
def sv07_declaration_missing(facts: StaffFacts, today: dt.date, max_age_months: int) -> Flag | None:
    """Medarbetare saknar jävs- och bisysslodeklaration de senaste 12 månaderna

    Checks: active staff in roles that must declare (placeringsstöd, socialsekreterare, teamledare,
    upphandlare) against their latest declaration of interests and bisysslor.
    Legal basis: LOA (1994:260) 7 c–7 d §§; the government's action plan against corruption (July 2024).
    Fails when: a declaring role has no declaration, or the latest is older than the policy's
    ``declaration_max_age_months`` (default 12).
    Passes when: the latest declaration is recent enough; or no role that must declare.
    """
    if not facts.roles & DECLARING_ROLES:
        return None
    latest = facts.latest_declaration
    if latest is not None and add_months(latest, max_age_months) >= today:
        return None
    return sv07_declaration_missing.flag(
        f"{facts.name}: " + (f"senaste deklaration {latest.isoformat()}" if latest else "ingen deklaration"),
        staff_id=facts.staff_id,
    )
