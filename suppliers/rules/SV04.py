"""SV04: a contract in use whose follow-up is overdue."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel

from placement.core.rulebook import Severity
from suppliers.contracts import next_follow_up_due
from suppliers.rules._form import Flag, supplier_rule


class ContractFacts(BaseModel):
    contract_id: uuid.UUID | None = None
    provider_orgnr: str = "5599000014"
    reference: str | None = None
    valid_from: dt.date
    last_follow_up: dt.date | None = None
    follow_up_interval_months: int = 12
    in_use: bool = True


@supplier_rule("SV04", Severity.WARN, "contract_follow_up")
def sv04_follow_up_overdue(facts: ContractFacts, today: dt.date) -> Flag | None:
    """Avtalsuppföljningen är försenad

    Checks: contracts in force whose units have children of the municipality placed now, against
    their follow-up interval (policy: at least yearly while in use).
    Legal basis: KL (2017:725) 10 kap. 8 §.
    Fails when: the contract is in use and its next follow-up day (an interval after the last
    follow-up, or after the start) has passed.
    Passes when: followed up within the interval; or nobody is placed under it now.
    """
    due = next_follow_up_due(facts.valid_from, facts.last_follow_up, facts.follow_up_interval_months)
    if not facts.in_use or due >= today:
        return None
    return sv04_follow_up_overdue.flag(
        f"{facts.reference or 'Avtal'}: uppföljning skulle ha gjorts senast {due.isoformat()}",
        provider_orgnr=facts.provider_orgnr,
        contract_id=facts.contract_id,
    )
