"""PP06: the child's needs are not covered by the målgrupp."""

from __future__ import annotations

from collections.abc import Iterable

from checks.facts import CheckFacts
from checks.registry import Finding, check_rule, finding
from placement.core.rulebook import Severity


@check_rule(
    "PP06",
    Severity.BLOCK,
    "permit_target_group",
    severities={"primary_need": Severity.BLOCK, "other_need": Severity.WARN},
    guidance="Välj en enhet vars målgrupp omfattar barnets behov, eller dokumentera varför den ändå passar.",
)
def pp06_needs_in_target_group(facts: CheckFacts) -> Iterable[Finding]:
    """Barnets behov omfattas inte av tillståndets målgrupp

    Checks: the child's primary and other needs against the kinds of need the permit covers.
    Legal basis: the permit's målgrupp (SoF (2025:468) 15 kap. 6 § 2); IVO's decision.
    Fails when: the primary need is not covered (blocks); another need is not covered (warns).
    Passes when: every need is covered, or the permit names no kinds of need.
    """
    permit = facts.permit()
    if permit is None or not permit.needs:
        return
    covered = set(permit.needs)
    primary = facts.child.primary_need
    if primary is not None and primary not in covered:
        yield finding(
            "PP06", f"Huvudbehovet {primary.value} omfattas inte", variant="primary_need", need=primary.value
        )
    for need in facts.child.other_needs:
        if need not in covered:
            yield finding(
                "PP06", f"Behovet {need.value} omfattas inte", variant="other_need", need=need.value
            )
