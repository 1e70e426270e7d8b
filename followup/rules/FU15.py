"""FU15: follow-up after LVU care ends for a child under 18."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from followup.model import EventKind, Obligation, PlacementFacts, Policy, obligation_rule, state_of
from placement.core.clock import add_days, add_months
from placement.core.vocabulary import LegalBasis


@obligation_rule("FU15", "lvu_aftercare")
def fu15_lvu_aftercare(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    """Uppföljning efter avslutad LVU-vård

    Checks: that the child's situation is followed up after care under LVU ended before the child
    turned 18, within the policy's days of the end.
    Legal basis: LVU (1990:52) 21 b–21 c §§.
    Fails when: care under LVU has ended for a child under 18 and no follow-up is recorded in time.
    Passes when: a follow-up is recorded after the end; or the care was not under LVU; or the
    child was 18 at the end.
    """
    if facts.end_date is None or facts.end_date > today:
        return
    if facts.legal_basis not in (LegalBasis.LVU_2, LegalBasis.LVU_3):
        return
    if add_months(facts.child_birth_date, 18 * 12) <= facts.end_date:
        return
    due = add_days(facts.end_date, policy.aftercare_days)
    done = facts.last(EventKind.AFTERCARE_FOLLOW_UP, since=facts.end_date)
    yield fu15_lvu_aftercare.obligation(due, state_of(due, today, policy, met=done is not None))
