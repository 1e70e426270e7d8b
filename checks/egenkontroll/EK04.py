"""EK04: the number of different social workers a child had in twelve months."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from checks.egenkontroll._indicator import Dimension, Verdict, indicator


class SocialWorkerFacts(BaseModel):
    """A placed child's responsible social workers in the twelve months before it is measured."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    measured_on: dt.date = dt.date(2026, 12, 31)
    social_workers: int = 1  # different staff assigned at any time in the twelve months
    max_social_workers: int = 2  # the municipality's target


@indicator(
    "EK04",
    "self_monitoring",
    dimensions=(Dimension.UNIT, Dimension.PROVIDER, Dimension.HANDLAGGARE),
    subject_word="barn",
    met_word="högst målet",
)
def ek04_social_workers(facts: SocialWorkerFacts) -> Verdict:
    """Antal olika socialsekreterare per barn under tolv månader

    Checks: each child placed in the period: how many different responsible social workers it had
    in the twelve months before the period's last day (or the placement's end), against the
    municipality's target (two by default).
    Legal basis: SOSFS 2011:9 5 kap. 2 § (egenkontroll); IVO's decision (kontinuitet för barnet).
    Fails when: more social workers than the target, or none at all.
    Passes when: at least one and no more than the target.
    """
    if facts.social_workers == 0:
        return ek04_social_workers.finding("Ingen ansvarig socialsekreterare under perioden")
    if facts.social_workers > facts.max_social_workers:
        return ek04_social_workers.finding(
            f"{facts.social_workers} olika socialsekreterare på tolv månader (mål högst "
            f"{facts.max_social_workers})"
        )
    return None
