"""FU16: a jourhem placement lasting more than two months after the investigation ended."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from followup.model import EventKind, Obligation, PlacementFacts, Policy, obligation_rule, state_of
from placement.core.clock import add_months
from placement.core.vocabulary import PlacementForm


@obligation_rule("FU16", "jourhem_time")
def fu16_jourhem_time(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    """Jourhem längre än två månader efter avslutad utredning

    Checks: that a child in a jourhem moves on within two months of the investigation's end.
    Legal basis: SoL (2025:400) 22 kap. 4 § (tidigare 6 kap. 6 §).
    Fails when: two months after the investigation ended the child is still in the jourhem.
    Passes when: the placement ended by then; or it is not a jourhem; or no investigation end is recorded.
    """
    if facts.form is not PlacementForm.JOURHEM:
        return
    ended = facts.last(EventKind.INVESTIGATION_ENDED)
    if ended is None:
        return
    limit = add_months(ended, 2)
    moved_in_time = facts.end_date is not None and facts.end_date <= limit
    yield fu16_jourhem_time.obligation(
        limit,
        state_of(limit, today, policy, met=moved_in_time),
        f"utredningen avslutades {ended.isoformat()}",
        statutory=True,
    )
