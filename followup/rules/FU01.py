"""FU01: övervägande whether care under SoL is still needed, every six months."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from followup.model import EventKind, Obligation, PlacementFacts, Policy, obligation_rule, six_monthly


@obligation_rule("FU01", "overvagande_sol")
def fu01_overvagande_sol(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    """Övervägande om vården fortfarande behövs (SoL)

    Checks: that the nämnd considers, at least every six months, whether care under SoL in a
    familjehem, jourhem, HVB or stödboende is still needed (not LSS housing).
    Legal basis: SoL (2025:400) 22 kap. 13 § (tidigare 6 kap. 8 § 1 st.).
    Fails when: six months have passed since the start or the last övervägande.
    Passes when: an övervägande was recorded within six months; or the care is not under SoL.
    """
    if facts.sol_care() and facts.ongoing(today):
        yield from six_monthly(fu01_overvagande_sol, facts, today, policy, EventKind.OVERVAGANDE)
