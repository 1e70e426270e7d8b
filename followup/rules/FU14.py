"""FU14: an ended placement has its reason recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from followup.model import Obligation, PlacementFacts, Policy, obligation_rule, state_of


@obligation_rule("FU14", "ending_reason")
def fu14_ending_reason(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    """Avslutad placering har orsak angiven

    Checks: that a placement with an end date has its reason recorded (planned, a move, unplanned,
    and why), due on the end date.
    Legal basis: SOSFS 2012:11 3 kap. 3 §.
    Fails when: the placement has ended without a reason.
    Passes when: a reason is recorded; or the placement has no end date.
    """
    if facts.end_date is None:
        return
    yield fu14_ending_reason.obligation(
        facts.end_date,
        state_of(facts.end_date, today, policy, met=facts.end_reason is not None),
        "planerat, omplacering eller oplanerat, och varför",
    )
