"""FU11: the placement continues past the end of its decision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from followup.model import Obligation, PlacementFacts, Policy, obligation_rule, state_of
from placement.core.rulebook import Severity


@obligation_rule("FU11", "decision_in_force", Severity.BLOCK)
def fu11_decision_in_force(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    """Insatsen pågår utan gällande beslut

    Checks: that an ongoing placement is covered by a decision: due on the last day the latest
    decision is valid.
    Legal basis: a decision is required for an ongoing insats (the seeds' avvikelser 2022).
    Fails when: every decision has an end date and the placement continues past the latest one.
    Passes when: a decision is open-ended; or the placement ends by the decision's end; or there
    are no decisions recorded yet.
    """
    if not facts.ongoing(today) or not facts.decisions:
        return
    if any(d.valid_to is None for d in facts.decisions):
        return
    ends = max(d.valid_to for d in facts.decisions if d.valid_to is not None)
    if facts.end_date is not None and facts.end_date <= ends:
        return
    yield fu11_decision_in_force.obligation(
        ends,
        state_of(ends, today, policy, met=False),
        f"beslutet gällde till {ends.isoformat()}" if ends < today else "förläng eller avsluta i tid",
    )
