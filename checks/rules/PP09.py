"""PP09: many unplanned endings and moves at the unit in the last 12 months."""

from __future__ import annotations

from collections.abc import Iterable

from checks.facts import CheckFacts
from checks.registry import Finding, check_rule, finding
from placement.core.rulebook import Severity


@check_rule(
    "PP09",
    Severity.WARN,
    "stability",
    guidance="Ta reda på orsakerna till avbrotten och dokumentera bedömningen av enhetens stabilitet.",
)
def pp09_unplanned_endings(facts: CheckFacts) -> Iterable[Finding]:
    """Många oplanerade avslut och omplaceringar på enheten

    Checks: unplanned endings and moves at the unit over the last 12 months, across every
    municipality (counts only), against the policy threshold.
    Legal basis: IVO's decision (trygghet och säkerhet); SOSFS 2012:11 3 kap. 3 §.
    Fails when: the count is at or above the threshold.
    Passes when: it is below.
    """
    if facts.unit is None:
        return
    count = facts.unit.unplanned_endings_12m + facts.unit.moves_12m
    if count >= facts.policy.unplanned_endings_threshold:
        yield finding(
            "PP09",
            f"{count} oplanerade avslut eller omplaceringar de senaste 12 månaderna",
            count=count,
            threshold=facts.policy.unplanned_endings_threshold,
        )
