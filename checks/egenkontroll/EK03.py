"""EK03: children visited with a private talk in the last six months and at the target rate."""

from __future__ import annotations

import datetime as dt
import math

from pydantic import BaseModel, ConfigDict

from checks.egenkontroll._indicator import NOT_COUNTED, Dimension, Verdict, indicator
from placement.core.clock import add_months


class VisitFacts(BaseModel):
    """A placed child's visits in the twelve months before the day it is measured."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start_date: dt.date = dt.date(2026, 1, 1)
    measured_on: dt.date = dt.date(2026, 12, 31)
    visits: tuple[dt.date, ...] = ()
    private_talks: tuple[dt.date, ...] = ()
    visits_per_year: int = 4  # the municipality's policy (Socialstyrelsen's guidance)
    max_visit_gap_months: int = 6


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start`` to ``end`` (at most 12)."""
    months = 0
    while months < 12 and add_months(start, months + 1) <= end:
        months += 1
    return months


@indicator(
    "EK03",
    "self_monitoring",
    dimensions=(Dimension.UNIT, Dimension.PROVIDER, Dimension.HANDLAGGARE),
    subject_word="barn",
    met_word="besökta",
)
def ek03_visited(facts: VisitFacts) -> Verdict:
    """Barn besökta med enskilt samtal senaste sex månaderna och i målfrekvens

    Checks: each child placed for at least six months when the period ended (or the placement
    ended): a visit with a private talk within the last six months, and as many visits in the last
    twelve months (or since the start, if shorter) as the policy's rate asks (four a year by
    default, so two in six months).
    Legal basis: SoL (2025:400) 22 kap. 11–12 §§; Socialstyrelsen's guidance; SOSFS 2011:9.
    Fails when: no private talk in the last six months, or fewer visits than the rate asks.
    Passes when: both hold; not counted when placed for less than six months.
    """
    gap = facts.max_visit_gap_months
    if add_months(facts.start_date, gap) > facts.measured_on:
        return NOT_COUNTED
    window_start = max(facts.start_date, add_months(facts.measured_on, -12))
    visits = [v for v in facts.visits if window_start <= v <= facts.measured_on]
    required = math.ceil(facts.visits_per_year * months_between(window_start, facts.measured_on) / 12)
    end = facts.measured_on
    talked = any(add_months(t, gap) >= end for t in facts.private_talks if t <= end)
    problems = []
    if not talked:
        problems.append(f"inget enskilt samtal de senaste {gap} månaderna")
    if len(visits) < required:
        problems.append(f"{len(visits)} besök av {required} enligt målet")
    if not problems:
        return None
    return ek03_visited.finding("; ".join(problems).capitalize())
