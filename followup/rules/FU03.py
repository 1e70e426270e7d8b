"""FU03: omprövning of care under 3 § LVU, six months from enforcement and then every six months."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from followup.model import EventKind, Obligation, PlacementFacts, Policy, obligation_rule, six_monthly
from placement.core.vocabulary import LegalBasis


@obligation_rule("FU03", "omprovning_lvu")
def fu03_omprovning_lvu(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    """Omprövning av vården (3 § LVU)

    Checks: that care under 3 § LVU is re-decided (an appealable decision) six months from
    enforcement (the placement's start), then every six months.
    Legal basis: LVU (1990:52) 13 § 2 st.
    Fails when: six months have passed since the start or the last omprövning.
    Passes when: an omprövning was recorded within six months; or the basis is not 3 § LVU.
    """
    if facts.legal_basis is LegalBasis.LVU_3 and facts.ongoing(today):
        yield from six_monthly(fu03_omprovning_lvu, facts, today, policy, EventKind.OMPROVNING)
