"""PP21: the placement would make more than three children placed in one foster home."""

from __future__ import annotations

from collections.abc import Iterable

from checks.facts import CheckFacts
from checks.registry import Finding, check_rule, finding
from placement.core.rulebook import Severity
from placement.core.vocabulary import PlacementForm

MOST_WITHOUT_NOTICE = 3


@check_rule(
    "PP21",
    Severity.WARN,
    "foster_home_count",
    guidance="Anmäl beslutet till IVO; anmälan följs upp som en skyldighet tills den är gjord.",
)
def pp21_more_than_three_children(facts: CheckFacts) -> Iterable[Finding]:
    """Fler än tre barn blir placerade i familjehemmet: nämnden ska anmäla till IVO

    Checks: the children placed in the familjehem or jourhem now, counted across municipalities by
    the keyed anonymous count (where that is unknown, this municipality's own), plus this child.
    Legal basis: SoF (2025:468) 16 kap. 2 §.
    Fails when: with this child more than three children would be placed in the home (warns: the
    decision must be notified to IVO).
    Passes when: three or fewer; or not a familjehem or jourhem.
    """
    home = facts.foster_home
    if home is None or facts.proposed.form not in (PlacementForm.FAMILJEHEM, PlacementForm.JOURHEM):
        return
    now = home.placed_children if home.placed_children is not None else home.concurrent_placements
    counted = "i alla kommuner" if home.placed_children is not None else "från kommunen (andra okända)"
    if now + 1 > MOST_WITHOUT_NOTICE:
        yield finding(
            "PP21",
            f"Med detta barn blir {now + 1} barn placerade i hemmet ({now} placerade nu, {counted})",
            placed_now=now,
            across_municipalities=home.placed_children is not None,
        )
