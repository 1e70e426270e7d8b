"""PP10: IVO intervention against the unit or provider in the last 24 months."""

from __future__ import annotations

from collections.abc import Iterable

from checks.facts import CheckFacts
from checks.registry import Finding, check_rule, finding
from placement.core.clock import add_months
from placement.core.rulebook import Severity


@check_rule(
    "PP10",
    Severity.WARN,
    "ivo_register",
    guidance="Läs IVO:s beslut och dokumentera hur bristerna påverkar placeringen.",
)
def pp10_interventions(facts: CheckFacts) -> Iterable[Finding]:
    """IVO har ingripit mot enheten eller huvudmannen de senaste 24 månaderna

    Checks: IVO's interventions (föreläggande, vite, återkallelse, tillsyn with faults).
    Legal basis: IVO's register.
    Fails when: an intervention is dated within 24 months before the check.
    Passes when: none is.
    """
    if facts.unit is None:
        return
    since = add_months(facts.today, -24)
    for intervention in facts.unit.interventions:
        if intervention.decided_on >= since:
            yield finding(
                "PP10",
                f"{intervention.kind.value} {intervention.decided_on.isoformat()}: "
                f"{intervention.summary}".rstrip(": "),
                case_number=intervention.case_number,
            )
