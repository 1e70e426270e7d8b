"""SV09: the provider's owners or board changed: screening is run again."""

from __future__ import annotations

from placement.core.rulebook import Severity
from placement.core.supplier_vocabulary import ChangeKind
from suppliers.rules._form import supplier_rule


@supplier_rule(
    "SV09", Severity.WARN, "permit_owner_change", raised_by=frozenset({ChangeKind.OFFICERS_CHANGED})
)
def sv09_officers_changed(change: ChangeKind) -> bool:
    """Huvudmannens ägare eller styrelse har ändrats

    Checks: each new company register snapshot against the last, for providers in use.
    Legal basis: changes in owners and management reach IVO within a month (SoL (2025:400) 26 kap. 7 §).
    Fails when: the provider's officers (owners, board, signatories) changed.
    Passes when: any other change, or none.
    """
    return change in sv09_officers_changed.raised_by
