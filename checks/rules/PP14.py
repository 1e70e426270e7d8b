"""PP14: no documented assessment that the home meets this child's needs."""

from __future__ import annotations

from collections.abc import Iterable

from checks.facts import CheckFacts
from checks.registry import Finding, check_rule, finding
from placement.core.rulebook import Severity


@check_rule(
    "PP14",
    Severity.BLOCK,
    "needs_assessment",
    guidance="Dokumentera bedömningen av att hemmet kan tillgodose barnets behov.",
)
def pp14_needs_assessment(facts: CheckFacts) -> Iterable[Finding]:
    """Bedömning saknas av att hemmet kan tillgodose barnets behov

    Checks: that the assessment that this home meets this child's needs is documented.
    Legal basis: SOSFS 2012:11 5 kap. 1 §.
    Fails when: it is not documented.
    Passes when: it is.
    """
    if not facts.needs_assessment_documented:
        yield finding("PP14", "Dokumentera bedömningen av att hemmet kan tillgodose barnets behov")
