"""EK05: children given their social worker's contact details and told the grounds."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from checks.egenkontroll._indicator import NOT_COUNTED, Dimension, Verdict, indicator
from placement.core.clock import add_days


class InformationFacts(BaseModel):
    """What a placed child had been told by the day it is measured."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start_date: dt.date = dt.date(2026, 1, 1)
    measured_on: dt.date = dt.date(2026, 12, 31)
    contact_details_given: dt.date | None = None
    grounds_explained: dt.date | None = None
    contact_details_days: int = 14
    grounds_days: int = 14


@indicator(
    "EK05",
    "self_monitoring",
    dimensions=(Dimension.UNIT, Dimension.PROVIDER, Dimension.HANDLAGGARE),
    subject_word="barn",
    met_word="informerade",
)
def ek05_informed(facts: InformationFacts) -> Verdict:
    """Barn som fått kontaktuppgifter och skälen för placeringen

    Checks: each child placed in the period whose days to be told had passed by the day it is
    measured: the social worker's contact details given (FU06) and the grounds for the placement
    explained (FU07).
    Legal basis: SoL (2025:400) 22 kap. 10 §; LVU (1990:52) 11 §; SOSFS 2011:9.
    Fails when: either is not recorded by the day it is measured.
    Passes when: both are recorded; not counted while the policy's days have not passed.
    """
    due = max(
        add_days(facts.start_date, facts.contact_details_days), add_days(facts.start_date, facts.grounds_days)
    )
    if due > facts.measured_on:
        return NOT_COUNTED
    missing = []
    if facts.contact_details_given is None or facts.contact_details_given > facts.measured_on:
        missing.append("kontaktuppgifter")
    if facts.grounds_explained is None or facts.grounds_explained > facts.measured_on:
        missing.append("skälen för placeringen")
    if not missing:
        return None
    return ek05_informed.finding("Saknas: " + " och ".join(missing))
