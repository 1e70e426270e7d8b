"""SV06: a staff member, or a declared interest, matches a supplier person or a foster parent."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field

from placement.core.rulebook import Severity
from suppliers.rules._form import Flag, supplier_rule


class MatchFacts(BaseModel):
    staff_id: uuid.UUID | None = None
    provider_orgnr: str | None = None
    foster_home_id: uuid.UUID | None = None
    foster_home_name: str | None = None
    subject_name: str = "Medarbetare"
    officer_name: str = "Företrädare"
    officer_role: str = "board_member"
    score: int = Field(ge=0, le=100)
    status: Literal["open", "confirmed", "dismissed"] = "open"
    involvement: list[str] = Field(
        default_factory=list, description="What the staff member decided, handled or followed up there."
    )


@supplier_rule(
    "SV06",
    Severity.WARN,
    "conflict_of_interest",
    severities={"involved": Severity.BLOCK},
)
def sv06_conflict_of_interest(facts: MatchFacts, flag_score: int) -> Flag | None:
    """Medarbetare har koppling till en utförare eller ett familjehem

    Checks: screening matches of staff and their declared relatives and engagements against
    provider officers (owner, board member, föreståndare, signatory) and foster parents.
    Legal basis: FL (2017:900) 16–18 §§; LOA (1994:260) 7 §.
    Fails when: a match is confirmed, or open with a score at or above the policy's
    ``screening_flag_score`` (warns); raised to block ("involved") when the person decided,
    handled or followed up something involving that provider or home.
    Passes when: the match was dismissed on review, or is open below the score.
    """
    if facts.status == "dismissed" or (facts.status == "open" and facts.score < flag_score):
        return None
    state = "bekräftad" if facts.status == "confirmed" else f"obekräftad, {facts.score} poäng"
    where = facts.provider_orgnr or f"familjehemmet {facts.foster_home_name}"
    return sv06_conflict_of_interest.flag(
        f"{facts.subject_name} ~ {facts.officer_name} ({facts.officer_role}) hos {where}; {state}",
        variant="involved" if facts.involvement else None,
        staff_id=facts.staff_id,
        provider_orgnr=facts.provider_orgnr,
        foster_home_id=facts.foster_home_id,
        involvement=facts.involvement,
    )
