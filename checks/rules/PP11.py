"""PP11: no valid contract with the provider on the start date."""

from __future__ import annotations

from collections.abc import Iterable

from checks.facts import CheckFacts
from checks.registry import Finding, check_rule, finding
from placement.core.rulebook import Severity
from placement.core.supplier_vocabulary import Ownership


@check_rule(
    "PP11",
    Severity.WARN,
    "procurement_contract",
    severities={"policy_blocks": Severity.BLOCK},
    guidance="Köp utan avtal ska följa reglerna om direktupphandling; kontakta upphandlingen.",
)
def pp11_contract(facts: CheckFacts) -> Iterable[Finding]:
    """Det finns inget giltigt avtal med utföraren

    Checks: that a contract with the provider is valid on the planned start date (private units).
    Legal basis: LOU 19 and 19 a kap.; KL 10 kap. 7–8 §§.
    Fails when: no contract covers the start date (warns; blocks where the municipality's policy
    says so).
    Passes when: one does, or the unit is municipal.
    """
    unit = facts.unit_record()
    if unit is None or unit.ownership is not Ownership.PRIVATE:
        return
    start = facts.proposed.start_date
    if not any(
        c.valid_from <= start and (c.valid_to is None or c.valid_to >= start) for c in facts.contracts
    ):
        yield finding(
            "PP11",
            "Inget avtal med utföraren gäller på startdagen",
            variant="policy_blocks" if facts.policy.contract_missing_blocks else None,
            guidance="Köp utan avtal ska följa reglerna om direktupphandling.",
            provider_orgnr=unit.provider_orgnr,
        )
