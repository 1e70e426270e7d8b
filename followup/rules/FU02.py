"""FU02: övervägande of care under 2 § LVU, every six months."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from followup.model import EventKind, Obligation, PlacementFacts, Policy, obligation_rule, six_monthly
from placement.core.vocabulary import LegalBasis


@obligation_rule("FU02", "overvagande_lvu")
def fu02_overvagande_lvu(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    """Övervägande om vården fortfarande behövs (2 § LVU)

    Checks: that care under 2 § LVU is considered at least every six months.
    Legal basis: LVU (1990:52) 13 § 1 st.
    Fails when: six months have passed since the start or the last övervägande.
    Passes when: an övervägande was recorded within six months; or the basis is not 2 § LVU.
    """
    if facts.legal_basis is LegalBasis.LVU_2 and facts.ongoing(today):
        yield from six_monthly(fu02_overvagande_lvu, facts, today, policy, EventKind.OVERVAGANDE)
