"""FU04: consider transferring custody after two years in the same foster home, then yearly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from followup.model import EventKind, Obligation, PlacementFacts, Policy, obligation_rule, state_of
from placement.core.clock import add_days, add_months
from placement.core.vocabulary import PlacementForm


@obligation_rule("FU04", "custody_transfer")
def fu04_custody_transfer(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    """Överväg vårdnadsöverflyttning

    Checks: that the nämnd considers transferring custody to the foster parents when the child has
    been in the same familjehem for two years, and then every year.
    Legal basis: SoL (2025:400) 22 kap. 14 §; LVU (1990:52) 13 §.
    Fails when: two years in the same familjehem have passed without a recorded consideration, or
    a year since the last one.
    Passes when: considered within the year; or not a familjehem; or less than two years.
    """
    if facts.form is not PlacementForm.FAMILJEHEM or not facts.ongoing(today):
        return
    two_years = add_months(facts.start_date, 24)
    last = facts.last(EventKind.CUSTODY_TRANSFER_CONSIDERED, since=add_days(two_years, -60))
    due = add_months(last, 12) if last else two_years
    yield fu04_custody_transfer.obligation(
        due,
        state_of(due, today, policy, met=False),
        f"senast övervägd {last.isoformat()}" if last else "två år i samma familjehem",
        statutory=True,
    )
