"""PP04: the child's age on the start date is outside the permit's age range."""

from __future__ import annotations

from collections.abc import Iterable

from checks.facts import CheckFacts
from checks.registry import Finding, check_rule, finding
from placement.core.rulebook import Severity


@check_rule(
    "PP04",
    Severity.BLOCK,
    "permit_target_group",
    follows="PP03",
    guidance="Välj en enhet vars målgrupp omfattar barnets ålder på startdagen.",
)
def pp04_age_in_target_group(facts: CheckFacts) -> Iterable[Finding]:
    """Barnets ålder ligger utanför tillståndets målgrupp

    Checks: the child's age in completed years on the planned start date against the permit's range.
    Legal basis: the permit's målgrupp (SoF (2025:468) 15 kap. 6 § 2); IVO's decision.
    Fails when: the child is younger than the permit's lowest age or older than its highest.
    Passes when: the age is within the range, the day the child turns the highest age included.
    Shown under PP03 when the permit's kind is also wrong (an adult HVB for a 16-year-old is PP03;
    its age range follows from that and is not a second block beside it).
    """
    permit = facts.permit()
    if permit is None:
        return
    age = facts.child.age_on(facts.proposed.start_date)
    if not permit.age_min <= age <= permit.age_max:
        yield finding(
            "PP04",
            f"Barnet är {age} år på startdagen; tillståndet gäller {permit.age_min}–{permit.age_max} år",
            age=age,
            age_min=permit.age_min,
            age_max=permit.age_max,
            ivo_reference=permit.ivo_reference,
        )
