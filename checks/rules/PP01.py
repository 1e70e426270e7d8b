"""PP01: a private unit without an IVO permit; a municipal unit not registered with IVO."""

from __future__ import annotations

from collections.abc import Iterable

from checks.facts import CheckFacts
from checks.registry import Finding, check_rule, finding
from placement.core.rulebook import Severity
from placement.core.supplier_vocabulary import Ownership
from placement.core.vocabulary import PlacementForm

NEEDS_REGISTER = {PlacementForm.HVB, PlacementForm.STODBOENDE, PlacementForm.LSS_BOENDE}


@check_rule(
    "PP01",
    Severity.BLOCK,
    "permit",
    guidance="Placera inte i en enskild verksamhet utan tillstånd; kontrollera enheten i IVO:s register.",
)
def pp01_permit_exists(facts: CheckFacts) -> Iterable[Finding]:
    """Enheten saknar tillstånd från IVO

    Checks: that an HVB, stödboende or LSS home is in IVO's register, and that a private one holds
    a permit (a municipal unit is registered instead).
    Legal basis: SoL (2025:400) 26 kap. 1 §; 23 § LSS (formerly SoL (2001:453) 7 kap. 1 §).
    Fails when: the unit is not in the register, or it is private and holds no permit.
    Passes when: a private unit holds a permit, or a municipal unit is registered.
    """
    if facts.proposed.form not in NEEDS_REGISTER:
        return
    unit = facts.unit
    if unit is None or not unit.in_register or unit.unit is None:
        yield finding(
            "PP01",
            "Enheten finns inte i IVO:s register",
            guidance="Kontrollera enhetens namn och kod mot IVO:s register innan beslut.",
        )
        return
    if unit.unit.ownership is Ownership.PRIVATE and unit.unit.permit is None:
        yield finding(
            "PP01",
            f"{unit.unit.name} är en enskild verksamhet utan tillstånd",
            guidance="Placera inte i en enskild verksamhet som saknar tillstånd.",
            snapshot_id=unit.snapshot_id,
        )
