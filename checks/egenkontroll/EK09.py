"""EK09: purchases of care under a contract that has been followed up in time."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from checks.egenkontroll._indicator import Dimension, Verdict, indicator
from suppliers.contracts import next_follow_up_due


class PurchaseFacts(BaseModel):
    """A placement in the period at a unit of a private provider, and the contract covering it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    measured_on: dt.date = dt.date(2026, 12, 31)
    under_contract: bool = True
    contract_valid_from: dt.date | None = dt.date(2025, 1, 1)
    last_follow_up: dt.date | None = None
    follow_up_interval_months: int = 12


@indicator(
    "EK09",
    "contract_follow_up",
    dimensions=(Dimension.PROVIDER, Dimension.UNIT),
    subject_word="köpta placeringar",
    met_word="under uppföljt avtal",
)
def ek09_purchase_under_followed_contract(facts: PurchaseFacts) -> Verdict:
    """Köpta placeringar under avtal som följts upp i tid

    Checks: each placement in the period at a unit of a private provider: a contract in force
    covers it (the unit or its provider), and that contract's follow-up was not overdue on the
    period's last day (the interval after its last follow-up, or after its start, as SV04 reads).
    Legal basis: KL (2017:725) 10 kap. 8 §; LOU (2016:1145) 19 a kap. (köp utan avtal).
    Fails when: bought without a contract, or the contract's follow-up is overdue.
    Passes when: under a contract followed up within its interval.
    """
    if not facts.under_contract or facts.contract_valid_from is None:
        return ek09_purchase_under_followed_contract.finding("Köpt utan avtal")
    due = next_follow_up_due(facts.contract_valid_from, facts.last_follow_up, facts.follow_up_interval_months)
    if due >= facts.measured_on:
        return None
    return ek09_purchase_under_followed_contract.finding(
        f"Avtalets uppföljning skulle ha gjorts senast {due.isoformat()}"
    )
