"""FU07: the child is told the grounds for the placement."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from followup.model import EventKind, Obligation, PlacementFacts, Policy, obligation_rule, state_of
from placement.core.clock import add_days


@obligation_rule("FU07", "grounds_to_child")
def fu07_grounds_explained(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    """Barnet har fått veta skälen för placeringen

    Checks: that the child is told why it is placed within the policy's days of the start, and
    again when the legal basis changes.
    Legal basis: SOSFS 2012:11 7 kap. 1 §; the child's right to information in SoL (2025:400).
    Fails when: not recorded as told since the start or the latest change of basis, past the days.
    Passes when: told on or after the latest start or change of basis.
    """
    if not facts.ongoing(today):
        return
    changes = (e.occurred_on for e in facts.events if e.kind is EventKind.LEGAL_BASIS_CHANGED)
    trigger = max([facts.start_date, *changes])
    due = add_days(trigger, policy.grounds_days)
    told = facts.last(EventKind.GROUNDS_EXPLAINED, since=trigger)
    yield fu07_grounds_explained.obligation(
        due,
        state_of(due, today, policy, met=told is not None),
        f"förklarade {told.isoformat()}" if told else "inte förklarade",
    )
