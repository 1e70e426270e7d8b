"""PP02: the permit is not valid on the start date."""

from __future__ import annotations

from collections.abc import Iterable

from checks.facts import CheckFacts
from checks.registry import Finding, check_rule, finding
from placement.core.rulebook import Severity
from placement.core.supplier_vocabulary import PermitStatus


@check_rule(
    "PP02",
    Severity.BLOCK,
    "permit",
    guidance="Välj en enhet vars tillstånd gäller på startdagen, eller skjut upp starten.",
)
def pp02_permit_valid_on_start(facts: CheckFacts) -> Iterable[Finding]:
    """Tillståndet gäller inte på startdagen

    Checks: that the unit's permit is in force on the planned start date.
    Legal basis: SoL (2025:400) 26 kap. 1 §; 23 § LSS (formerly SoL (2001:453) 7 kap. 1 §).
    Fails when: the permit is revoked or ceased, not yet valid, or ended before the start.
    Passes when: the permit is valid and its period covers the start date.
    """
    permit = facts.permit()
    if permit is None:
        return
    start = facts.proposed.start_date
    snapshot = facts.unit.snapshot_id if facts.unit else None
    if permit.status is not PermitStatus.VALID:
        word = "återkallat" if permit.status is PermitStatus.REVOKED else "upphört"
        yield finding(
            "PP02",
            f"Tillståndet {permit.ivo_reference} är {word}",
            ivo_reference=permit.ivo_reference,
            snapshot_id=snapshot,
        )
    elif permit.valid_from > start:
        yield finding(
            "PP02",
            f"Tillståndet gäller först från {permit.valid_from.isoformat()}",
            ivo_reference=permit.ivo_reference,
            snapshot_id=snapshot,
        )
    elif permit.valid_to is not None and permit.valid_to < start:
        yield finding(
            "PP02",
            f"Tillståndet upphörde {permit.valid_to.isoformat()}",
            ivo_reference=permit.ivo_reference,
            snapshot_id=snapshot,
        )
