"""FU05: a responsible social worker is appointed at the start and whenever the post is vacant."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from followup.model import Obligation, PlacementFacts, Policy, State, obligation_rule, state_of
from placement.core.clock import add_days
from placement.core.rulebook import Severity


@obligation_rule("FU05", "responsible_social_worker", Severity.BLOCK)
def fu05_responsible_social_worker(
    facts: PlacementFacts, today: dt.date, policy: Policy
) -> Iterable[Obligation]:
    """Ansvarig socialsekreterare är utsedd

    Checks: that the placed child has an appointed responsible social worker today (or on the
    start day, for a placement that has not started).
    Legal basis: SoL (2025:400) 22 kap. 12 §.
    Fails when: nobody is assigned on the day; due from the start or from the day the post fell vacant.
    Passes when: an assignment covers the day.
    """
    if not facts.ongoing(today):
        return
    day = max(facts.start_date, today)
    current = [
        a
        for a in facts.assignments
        if a.assigned_from <= day and (a.assigned_to is None or a.assigned_to >= day)
    ]
    if current:
        yield fu05_responsible_social_worker.obligation(current[0].assigned_from, State.MET)
        return
    ended = [a.assigned_to for a in facts.assignments if a.assigned_to is not None and a.assigned_to < day]
    vacant_since = max([facts.start_date, *(add_days(d, 1) for d in ended)])
    yield fu05_responsible_social_worker.obligation(
        vacant_since,
        state_of(vacant_since, today, policy, met=False),
        "ingen ansvarig socialsekreterare utsedd",
    )
