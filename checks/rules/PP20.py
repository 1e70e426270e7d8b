"""PP20: the permit's holder is not the provider the municipality contracts and pays."""

from __future__ import annotations

from collections.abc import Iterable

from checks.facts import CheckFacts
from checks.registry import Finding, check_rule, finding
from placement.core.rulebook import Severity


@check_rule(
    "PP20",
    Severity.BLOCK,
    "permit_holder",
    guidance="Avtala med och betala den som har tillståndet, eller kontrollera med IVO vem som har det.",
)
def pp20_permit_holder(facts: CheckFacts) -> Iterable[Finding]:
    """Tillståndshavaren är inte den huvudman kommunen avtalar med och betalar

    Checks: the organisationsnummer of the permit's holder against the unit's provider in the
    register and the providers of the municipality's contracts for the placement.
    Legal basis: SoF (2025:468) 15 kap. 6 § 1 and 7 § (a permit names its holder and may not be
    transferred); SoL (2025:400) 26 kap. 1 §.
    Fails when: the holder is known and differs from the unit's provider or a contracted provider.
    Passes when: they are the same; or the register does not name the holder.
    """
    permit = facts.permit()
    unit = facts.unit_record()
    if permit is None or unit is None or permit.holder_orgnr is None:
        return
    paid = {unit.provider_orgnr} | {c.provider_orgnr for c in facts.contracts}
    for orgnr in sorted(o for o in paid if o is not None and o != permit.holder_orgnr):
        yield finding(
            "PP20",
            f"Tillståndet innehas av {permit.holder_orgnr}, men kommunen avtalar med eller betalar {orgnr}",
            holder_orgnr=permit.holder_orgnr,
            provider_orgnr=orgnr,
            ivo_reference=permit.ivo_reference,
        )
