"""PP08: the föreståndare known to the municipality differs from the permit's."""

from __future__ import annotations

from collections.abc import Iterable

from checks.facts import CheckFacts
from checks.registry import Finding, check_rule, finding
from placement.core.names import normalise
from placement.core.rulebook import Severity


@check_rule(
    "PP08", Severity.WARN, "permit", guidance="Kontrollera med enheten och IVO vem som är föreståndare."
)
def pp08_manager_matches(facts: CheckFacts) -> Iterable[Finding]:
    """Föreståndaren stämmer inte med tillståndet

    Checks: the manager the municipality knows of against the one named in the permit.
    Legal basis: the permit names its föreståndare (SoF (2025:468) 15 kap. 6 § 4); a change needs
    IVO's approval.
    Fails when: both are known and differ.
    Passes when: they are the same person, or either is unknown.
    """
    unit = facts.unit
    permit = unit.unit.permit if unit and unit.unit else None
    if permit is None or unit is None or not permit.manager_name or not unit.manager_known_to_municipality:
        return
    if normalise(permit.manager_name) != normalise(unit.manager_known_to_municipality):
        yield finding(
            "PP08",
            f"Tillståndet anger {permit.manager_name}, kommunen känner till "
            f"{unit.manager_known_to_municipality}",
        )
