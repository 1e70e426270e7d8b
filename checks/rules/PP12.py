"""PP12: a foster home showing signs of being run as a business."""

from __future__ import annotations

from collections.abc import Iterable

from checks.facts import CheckFacts
from checks.registry import Finding, check_rule, finding
from placement.core.rulebook import Severity
from placement.core.vocabulary import PlacementForm


@check_rule(
    "PP12", Severity.WARN, "foster_business", guidance="Låt juridiken bedöma om hemmet behöver tillstånd."
)
def pp12_foster_home_not_a_business(facts: CheckFacts) -> Iterable[Finding]:
    """Familjehemmet kan drivas yrkesmässigt

    Checks: the signs of a foster home run as a business: concurrent placements at or above
    policy, placements from several municipalities, care run through the foster parent's company.
    Legal basis: SoL (2025:400) 9 kap. 2 § (formerly SoF (2001:937) 3 kap. 2 §).
    Fails when: any sign is present (warns, for legal review: such a home needs a permit).
    Passes when: none is.
    """
    home = facts.foster_home
    if home is None or facts.proposed.form not in (PlacementForm.FAMILJEHEM, PlacementForm.JOURHEM):
        return
    signs = []
    if home.concurrent_placements >= facts.policy.concurrent_foster_placements_threshold:
        signs.append(f"{home.concurrent_placements} samtidiga placeringar")
    if (
        home.placing_municipalities is not None
        and home.placing_municipalities >= facts.policy.placing_municipalities_threshold
    ):
        signs.append(f"placeringar från {home.placing_municipalities} kommuner")
    if home.company_orgnr:
        signs.append(f"vården drivs genom företaget {home.company_orgnr}")
    if signs:
        yield finding("PP12", "; ".join(signs), guidance="Låt juridiken bedöma om hemmet behöver tillstånd.")
