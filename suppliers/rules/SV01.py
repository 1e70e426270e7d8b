"""SV01: a permit was revoked or ceased while the municipality has children placed at the unit."""

from __future__ import annotations

from placement.core.rulebook import Severity
from placement.core.supplier_vocabulary import ChangeKind
from suppliers.rules._form import supplier_rule


@supplier_rule(
    "SV01",
    Severity.BLOCK,
    "permit",
    raised_by=frozenset({ChangeKind.PERMIT_REVOKED, ChangeKind.PERMIT_CEASED}),
)
def sv01_permit_gone(change: ChangeKind) -> bool:
    """Tillståndet har återkallats eller upphört medan barn är placerade

    Checks: each new register snapshot against the last, for units where children are placed now.
    Legal basis: SoL (2025:400) 26 kap. 1 §; SoF (2025:468) 15 kap. 11 § (IVO's register).
    Fails when: the permit is revoked, has ceased, or the unit is gone from the register.
    Passes when: any other change, or none.
    """
    return change in sv01_permit_gone.raised_by
