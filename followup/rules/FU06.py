"""FU06: the child has the current social worker's contact details."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from followup.model import EventKind, Obligation, PlacementFacts, Policy, obligation_rule, state_of
from placement.core.clock import add_days


@obligation_rule("FU06", "information_to_child")
def fu06_contact_details(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    """Barnet har sin socialsekreterares kontaktuppgifter

    Checks: that the child is given the social worker's contact details within the policy's days
    of the start and of every change of social worker.
    Legal basis: SOSFS 2012:11 7 kap. 1 §.
    Fails when: no contact details recorded as given since the start or the last change, past the days.
    Passes when: given on or after the latest start or change.
    """
    if not facts.ongoing(today):
        return
    changes = [a.assigned_from for a in facts.assignments if a.assigned_from <= today]
    trigger = max([facts.start_date, *changes])
    due = add_days(trigger, policy.contact_details_days)
    given = facts.last(EventKind.CONTACT_DETAILS_GIVEN, since=trigger)
    why = "sedan bytet av socialsekreterare" if trigger > facts.start_date else "sedan placeringen började"
    yield fu06_contact_details.obligation(
        due,
        state_of(due, today, policy, met=given is not None),
        f"gavs {given.isoformat()}" if given else f"inte lämnade {why}",
    )
