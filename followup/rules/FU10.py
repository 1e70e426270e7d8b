"""FU10: the region is notified so that the child is offered a health examination."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from followup.model import EventKind, Obligation, PlacementFacts, Policy, obligation_rule, state_of
from placement.core.clock import add_days


@obligation_rule("FU10", "health_examination")
def fu10_health_notification(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    """Regionen underrättad om hälsoundersökning

    Checks: that the region is notified, so that the child is offered a health examination,
    within the policy's days of the start.
    Legal basis: SoL (2025:400) 22 kap. 7 § (tidigare 11 kap. 3 a §).
    Fails when: no notification recorded and the days have passed.
    Passes when: a notification is recorded.
    """
    if not facts.ongoing(today):
        return
    due = add_days(facts.start_date, policy.health_notification_days)
    done = facts.last(EventKind.HEALTH_NOTIFICATION)
    yield fu10_health_notification.obligation(due, state_of(due, today, policy, met=done is not None))
