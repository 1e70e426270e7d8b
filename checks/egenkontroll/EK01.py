"""EK01: a placement decision without a preceding check run, or with an unresolved block."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from placement.core.rulebook import Severity, register


class DecisionCheckFacts(BaseModel):
    """A placement decision and the check runs around it (for this child, form and home)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    decided_on: dt.date = dt.date(2026, 11, 1)
    urgent: bool = False
    urgent_reason: str | None = None
    checked_before: bool = False
    unresolved_blocks_before: int = 0
    checked_since: bool = False


class Finding(BaseModel):
    code: str
    severity: Severity
    title: str
    detail: str


def ek01_decision_without_check(facts: DecisionCheckFacts) -> Finding | None:
    """Placeringsbeslut utan föregående kontroll eller med olöst spärr

    Checks: each placement decision against the check run for the same child, form and home.
    Legal basis: SOSFS 2011:9 (the management system for systematic quality work); IVO's decision.
    Fails when: no check run preceded the decision, or it had an unresolved block, and no check
    has been run since (an urgent decision with a reason is allowed: the check runs afterwards,
    and until it does the gap is reported).
    Passes when: a complete check preceded the decision; or an urgent decision was checked since.
    """
    if facts.checked_before and facts.unresolved_blocks_before == 0:
        return None
    if facts.checked_since:
        return None
    if not facts.checked_before:
        detail = "Beslutet fattades utan föregående kontroll"
    else:
        detail = f"Beslutet fattades med {facts.unresolved_blocks_before} olösta spärrar"
    if facts.urgent:
        detail += "; brådskande beslut, kontrollen är ännu inte gjord"
    return Finding(code=EK01.code, severity=EK01.severity, title=EK01.title, detail=detail)


EK01 = register(
    "EK01",
    (ek01_decision_without_check.__doc__ or "").strip().splitlines()[0],
    Severity.WARN,
    "self_monitoring",
)
