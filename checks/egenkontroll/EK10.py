"""EK10: staff who must declare their interests have a recent declaration and no open flag."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from checks.egenkontroll._indicator import Dimension, Verdict, indicator
from placement.core.clock import add_months


class DeclarationFacts(BaseModel):
    """A member of staff in a declaring role, on the period's last day."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    measured_on: dt.date = dt.date(2026, 12, 31)
    latest_declaration: dt.date | None = None
    open_flags: int = 0
    max_age_months: int = 12


@indicator(
    "EK10",
    "declarations",
    dimensions=(Dimension.UNIT,),
    subject_word="medarbetare",
    met_word="med aktuell deklaration",
    split_by_sex=False,
)
def ek10_declared(facts: DeclarationFacts) -> Verdict:
    """Medarbetare med aktuell jävsdeklaration och utan öppen jävsflagga

    Checks: each active member of staff in a role that must declare (placeringsstöd,
    socialsekreterare, teamledare, upphandlare; as SV07): a declaration within the policy's months
    before the period's last day, and no screening match still open (not confirmed or dismissed).
    Legal basis: LOA (1994:260) 7 c–7 d §§; FL (2017:900) 16–18 §§.
    Fails when: no declaration, an old one, or an open flag.
    Passes when: a recent declaration and no open flag.
    """
    problems = []
    latest = facts.latest_declaration
    if latest is None or latest > facts.measured_on:
        problems.append("ingen deklaration")
    elif add_months(latest, facts.max_age_months) < facts.measured_on:
        problems.append(f"senaste deklaration {latest.isoformat()}")
    if facts.open_flags:
        problems.append(f"{facts.open_flags} öppna jävsflaggor")
    if not problems:
        return None
    return ek10_declared.finding("; ".join(problems).capitalize())
