"""EK11: favourable decisions enforced within three months, and those IVO must be told of."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from checks.egenkontroll._indicator import NOT_COUNTED, Dimension, Verdict, indicator
from placement.core.clock import add_months

AGE_BANDS = ((0, 6, "0–6 år"), (7, 12, "7–12 år"), (13, 17, "13–17 år"), (18, 20, "18–20 år"))


def age_band(birth: dt.date, on: dt.date) -> str:
    """The person's age band on a day, as IVO's report asks for it (no exact age, no birth date)."""
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return next((words for low, high, words in AGE_BANDS if low <= age <= high), "21 år eller äldre")


class EnforcementFacts(BaseModel):
    """A favourable decision (placement under SoL, LSS housing) and when it was enforced."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    decided_on: dt.date = dt.date(2026, 3, 1)
    measured_on: dt.date = dt.date(2026, 12, 31)
    enforced_on: dt.date | None = None  # the placement's start, if it had started by then


@indicator(
    "EK11",
    "unenforced_decisions",
    dimensions=(Dimension.UNIT, Dimension.HANDLAGGARE),
    subject_word="gynnande beslut",
    met_word="verkställda inom tre månader",
)
def ek11_enforced_in_time(facts: EnforcementFacts) -> Verdict:
    """Gynnande beslut verkställda inom tre månader

    Checks: each favourable decision whose three months had passed by the period's last day and
    whose placement had not started before the period: enforced (the placement started) within
    three months of the decision, as FU12 follows each one. Those not are the quarter's report to
    IVO and the auditors.
    Legal basis: SoL (2025:400) 34 kap. 1–3 §§ (tidigare 16 kap. 6 f–6 h §§).
    Fails when: not enforced within three months (whether enforced since or not).
    Passes when: enforced within three months; not counted while the three months run.
    """
    limit = add_months(facts.decided_on, 3)
    if limit > facts.measured_on:
        return NOT_COUNTED
    enforced = facts.enforced_on if facts.enforced_on and facts.enforced_on <= facts.measured_on else None
    if enforced is not None and enforced <= limit:
        return None
    if enforced is None:
        return ek11_enforced_in_time.finding(f"Ej verkställt; tre månader gick ut {limit.isoformat()}")
    return ek11_enforced_in_time.finding(
        f"Verkställt {enforced.isoformat()}; tre månader gick ut {limit.isoformat()}"
    )
