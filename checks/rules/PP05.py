"""PP05: the child's sex is outside the permit's målgrupp."""

from __future__ import annotations

from collections.abc import Iterable

from checks.facts import CheckFacts
from checks.registry import Finding, check_rule, finding
from placement.core.rulebook import Severity
from placement.core.supplier_vocabulary import TargetSex
from placement.core.vocabulary import Sex


@check_rule(
    "PP05",
    Severity.BLOCK,
    "permit_target_group",
    severities={"sex_unknown": Severity.WARN},
    guidance="Välj en enhet vars målgrupp omfattar barnets kön, eller kontrollera uppgiften.",
)
def pp05_sex_in_target_group(facts: CheckFacts) -> Iterable[Finding]:
    """Barnets kön ligger utanför tillståndets målgrupp

    Checks: the child's sex against a permit limited to girls or to boys.
    Legal basis: the permit's målgrupp (SoF (2025:468) 15 kap. 6 § 2); IVO's decision.
    Fails when: the permit is for one sex and the child is of the other (blocks); or the child's
    sex is not recorded (warns: check by hand).
    Passes when: the permit is for all, or for the child's sex.
    """
    permit = facts.permit()
    if permit is None or permit.sex is TargetSex.ANY:
        return
    sex = facts.child.sex
    if sex is Sex.UNSPECIFIED:
        yield finding(
            "PP05",
            f"Tillståndet gäller endast {permit.sex.value}; barnets kön är inte angivet",
            variant="sex_unknown",
        )
    elif sex.value != permit.sex.value:
        yield finding("PP05", f"Tillståndet gäller endast {permit.sex.value}", permit_sex=permit.sex.value)
