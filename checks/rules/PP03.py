"""PP03: the permit's kind of operation does not fit the placement."""

from __future__ import annotations

from collections.abc import Iterable

from checks.facts import CheckFacts
from checks.registry import Finding, check_rule, finding
from placement.core.rulebook import Severity
from placement.core.supplier_vocabulary import OperationKind
from placement.core.vocabulary import LegalBasis, PlacementForm

FITS = {
    PlacementForm.HVB: {OperationKind.HVB_CHILDREN},
    PlacementForm.STODBOENDE: {OperationKind.STODBOENDE},
    PlacementForm.LSS_BOENDE: {OperationKind.LSS_CHILDREN},
}
STODBOENDE_AGES = (16, 20)


@check_rule(
    "PP03",
    Severity.BLOCK,
    "permit",
    guidance="Välj en enhet vars tillstånd avser den verksamhet barnet behöver.",
)
def pp03_operation_fits(facts: CheckFacts) -> Iterable[Finding]:
    """Tillståndets verksamhetstyp passar inte placeringen

    Checks: that the permit is for the kind of operation the placement needs (HVB for children,
    stödboende within its ages, an LSS home only with an LSS decision).
    Legal basis: SoL (2025:400) 26 kap. 1 §; 23 § LSS; the permit's terms.
    Fails when: an HVB for adults for a child; stödboende for a child under 16 or over 20; an LSS
    home without a decision under LSS; any other mismatch of kind.
    Passes when: the permit's kind matches the form, and the ages and basis agree.
    """
    form = facts.proposed.form
    permit = facts.permit()
    if permit is not None and form in FITS and permit.operation_kind not in FITS[form]:
        yield finding(
            "PP03",
            f"Tillståndet avser {permit.operation_kind.value}, inte {form.value}",
            ivo_reference=permit.ivo_reference,
        )
    if form is PlacementForm.STODBOENDE:
        age = facts.child.age_on(facts.proposed.start_date)
        if not STODBOENDE_AGES[0] <= age <= STODBOENDE_AGES[1]:
            yield finding("PP03", f"Stödboende är för 16–20 år; barnet är {age} år på startdagen", age=age)
    if form is PlacementForm.LSS_BOENDE and facts.proposed.legal_basis is not LegalBasis.LSS:
        yield finding("PP03", "Bostad med särskild service kräver ett beslut enligt LSS")
