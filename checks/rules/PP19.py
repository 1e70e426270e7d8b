"""PP19: a jourhem planned for more than two months after the investigation, without reasons."""

from __future__ import annotations

from collections.abc import Iterable

from checks.facts import CheckFacts
from checks.registry import Finding, check_rule, finding
from placement.core.clock import add_months
from placement.core.rulebook import Severity
from placement.core.vocabulary import PlacementForm


@check_rule(
    "PP19",
    Severity.WARN,
    "jourhem_time",
    guidance="Avsluta placeringen i tid eller ange de särskilda skälen.",
)
def pp19_jourhem_time(facts: CheckFacts) -> Iterable[Finding]:
    """Jourhem planeras längre än två månader efter avslutad utredning

    Checks: a jourhem placement's planned end against the end of the investigation plus two months.
    Legal basis: SoL (2025:400) 22 kap. 4 § (formerly SoL (2001:453) 6 kap. 6 §).
    Fails when: the placement is planned to last longer, or has no planned end, and no special
    reasons are stated.
    Passes when: it ends in time, or special reasons are stated.
    """
    ended = facts.investigation_ended_on
    if facts.proposed.form is not PlacementForm.JOURHEM or ended is None or facts.jourhem_special_reasons:
        return
    limit = add_months(ended, 2)
    planned = facts.proposed.planned_end_date
    if planned is None or planned > limit:
        yield finding(
            "PP19",
            f"Placeringen ska avslutas senast {limit.isoformat()} om inte särskilda skäl anges",
            limit=limit.isoformat(),
        )
