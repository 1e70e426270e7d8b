"""FU08: visits with a private talk, at the policy's rate and never more than six months apart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from followup.model import Obligation, PlacementFacts, Policy, obligation_rule, state_of
from placement.core.clock import add_months


@obligation_rule("FU08", "visits")
def fu08_visits(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    """Besök med enskilt samtal med barnet

    Checks: that the social worker visits the child and talks with it alone at the policy's rate
    (Socialstyrelsen's guidance: four a year), never more than the policy's months apart.
    Legal basis: SoL (2025:400) 22 kap. 11–12 §§; Socialstyrelsen's guidance; IVO's decision.
    Fails when: the interval has passed since the start or the last private talk.
    Passes when: the last private talk is within the interval.
    """
    if not facts.ongoing(today):
        return
    talks = facts.private_talks()
    last = max(talks) if talks else None
    interval = min(12 // max(policy.visits_per_year, 1), policy.max_visit_gap_months)
    due = add_months(last or facts.start_date, interval)
    detail = f"senaste enskilda samtal {last.isoformat()}" if last else "inget enskilt samtal ännu"
    if last and add_months(last, policy.max_visit_gap_months) < today:
        detail += f"; mer än {policy.max_visit_gap_months} månader sedan"
    yield fu08_visits.obligation(due, state_of(due, today, policy, met=False), detail)
