"""EK07: complaints received and answered within the policy's days."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from checks.egenkontroll._indicator import NOT_COUNTED, Dimension, Verdict, indicator
from placement.core.clock import add_days


class ComplaintFacts(BaseModel):
    """A complaint received in the period, and its answer (matched by reference)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    received_on: dt.date = dt.date(2026, 3, 1)
    answered_on: dt.date | None = None
    measured_on: dt.date = dt.date(2026, 12, 31)
    answer_days: int = 30


@indicator(
    "EK07",
    "complaints",
    dimensions=(Dimension.UNIT, Dimension.PROVIDER, Dimension.HANDLAGGARE),
    subject_word="klagomål",
    met_word="besvarade i tid",
)
def ek07_complaints_answered(facts: ComplaintFacts) -> Verdict:
    """Klagomål besvarade i tid

    Checks: each complaint received in the period: answered (an answer with its reference) within
    the policy's days (30 by default), as FU13 follows each one.
    Legal basis: SOSFS 2011:9 5 kap. 3 §; SOSFS 2014:5 5 kap. 23 §.
    Fails when: answered late, or not answered and the days have passed.
    Passes when: answered within the days; not counted while still within them, unanswered.
    """
    due = add_days(facts.received_on, facts.answer_days)
    answered = facts.answered_on if facts.answered_on and facts.answered_on <= facts.measured_on else None
    if answered is not None and answered <= due:
        return None
    if answered is None and due >= facts.measured_on:
        return NOT_COUNTED
    if answered is None:
        return ek07_complaints_answered.finding(f"Obesvarat, skulle besvaras senast {due.isoformat()}")
    return ek07_complaints_answered.finding(f"Besvarat {answered.isoformat()}, senast {due.isoformat()}")
