"""FU13: a complaint from the child or guardian is investigated and answered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from followup.model import EventKind, Obligation, PlacementFacts, Policy, obligation_rule, state_of
from placement.core.clock import add_days


@obligation_rule("FU13", "complaints")
def fu13_complaint_answered(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    """Klagomål utrett och besvarat

    Checks: that every complaint received is answered within the policy's days, matched by its
    reference.
    Legal basis: SOSFS 2011:9 5 kap. 3 §; SOSFS 2014:5 5 kap. 23 §.
    Fails when: a complaint has no answer with its reference and the days have passed.
    Passes when: an answer with the same reference is recorded; or no complaint was received.
    """
    answered = {str(e.details.get("ref")) for e in facts.events if e.kind is EventKind.COMPLAINT_ANSWERED}
    for event in facts.events:
        if event.kind is not EventKind.COMPLAINT_RECEIVED:
            continue
        ref = str(event.details.get("ref", event.occurred_on.isoformat()))
        due = add_days(event.occurred_on, policy.complaint_answer_days)
        yield fu13_complaint_answered.obligation(
            due,
            state_of(due, today, policy, met=ref in answered),
            f"klagomål {ref} mottaget {event.occurred_on.isoformat()}",
            item=ref,
        )
