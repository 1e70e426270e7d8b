"""EK02: övervägande and omprövning on time, per placement."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from checks.egenkontroll._indicator import NOT_COUNTED, Dimension, Verdict, indicator
from placement.core.clock import add_months
from placement.core.vocabulary import LegalBasis


class ReviewFacts(BaseModel):
    """A placement in the period, measured on the period's last day or the day it ended."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    legal_basis: LegalBasis = LegalBasis.SOL
    start_date: dt.date = dt.date(2026, 1, 1)
    measured_on: dt.date = dt.date(2026, 12, 31)
    last_overvagande: dt.date | None = None
    last_omprovning: dt.date | None = None


@indicator(
    "EK02",
    "self_monitoring",
    dimensions=(Dimension.UNIT, Dimension.PROVIDER, Dimension.HANDLAGGARE),
    subject_word="placeringar",
    met_word="i tid",
)
def ek02_review_on_time(facts: ReviewFacts) -> Verdict:
    """Övervägande och omprövning i tid

    Checks: each placement under SoL or LVU that had lasted six months when the period ended (or
    when it ended): the latest övervägande (SoL, LVU 2 §) or omprövning (LVU 3 §) lies within the
    six months before that day, as FU01–FU03 require.
    Legal basis: SoL (2025:400) 6 kap. 8 § (övervägande); LVU (1990:52) 13 §; SOSFS 2011:9.
    Fails when: no övervägande or omprövning in the six months before the day it is measured.
    Passes when: one lies within the six months; not counted when placed for less than six
    months, or an LSS placement.
    """
    if facts.legal_basis is LegalBasis.LSS or add_months(facts.start_date, 6) > facts.measured_on:
        return NOT_COUNTED
    omprovning = facts.legal_basis is LegalBasis.LVU_3
    last = facts.last_omprovning if omprovning else facts.last_overvagande
    word = "omprövning" if omprovning else "övervägande"
    if last is not None and last >= facts.start_date and add_months(last, 6) >= facts.measured_on:
        return None
    if last is None or last < facts.start_date:
        return ek02_review_on_time.finding(f"Inget {word} sedan placeringen började")
    return ek02_review_on_time.finding(f"Senaste {word} {last.isoformat()}, mer än sex månader sedan")
