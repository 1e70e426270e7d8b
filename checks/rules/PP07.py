"""PP07: no free place at the unit."""

from __future__ import annotations

from collections.abc import Iterable

from checks.facts import CheckFacts
from checks.registry import Finding, check_rule, finding
from placement.core.rulebook import Severity


@check_rule(
    "PP07",
    Severity.BLOCK,
    "permit",
    severities={"occupancy_unknown": Severity.WARN},
    guidance="Fråga enheten om ledig plats och dokumentera svaret innan beslut.",
)
def pp07_free_place(facts: CheckFacts) -> Iterable[Finding]:
    """Enheten har ingen ledig plats

    Checks: the known occupancy (the provider's report, if fresh, and the placements the service
    knows of across municipalities) against the permitted number of places.
    Legal basis: the permit's number of places (SoF (2025:468) 15 kap. 6 § 3).
    Fails when: occupancy is at or above the places (blocks); occupancy is unknown or the report
    older than policy (warns: ask the unit).
    Passes when: a fresh report and the known placements both leave a place free.
    """
    unit = facts.unit_record()
    if facts.unit is None or unit is None or unit.permit is None:
        return
    places = unit.permit.places
    reported = unit.reported_occupancy
    fresh = (
        reported is not None
        and unit.occupancy_reported_on is not None
        and (facts.today - unit.occupancy_reported_on).days <= facts.policy.occupancy_stale_days
    )
    known = max(reported if fresh and reported is not None else 0, facts.unit.active_placements or 0)
    if known >= places:
        yield finding("PP07", f"{known} av {places} platser är belagda", occupancy=known, places=places)
    elif not fresh:
        yield finding(
            "PP07",
            "Beläggningen är okänd eller inaktuell; fråga enheten om ledig plats",
            variant="occupancy_unknown",
            reported=reported,
            places=places,
        )
