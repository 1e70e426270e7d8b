"""SV08: the provider company's status or F-skatt changed while in use."""

from __future__ import annotations

from placement.core.rulebook import Severity
from placement.core.supplier_vocabulary import ChangeKind
from suppliers.rules._form import supplier_rule


@supplier_rule(
    "SV08", Severity.WARN, "company_register", raised_by=frozenset({ChangeKind.COMPANY_STATUS_CHANGED})
)
def sv08_company_status_changed(change: ChangeKind) -> bool:
    """Huvudmannens bolagsstatus eller F-skatt har ändrats

    Checks: each new company register snapshot against the last, for providers in use.
    Legal basis: Bolagsverket's register; Skatteverket's F-skatt register.
    Fails when: the company is bankrupt, in liquidation or deregistered, or lost its F-skatt.
    Passes when: any other change, or none.
    """
    return change in sv08_company_status_changed.raised_by
