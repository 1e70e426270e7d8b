"""PP23: placing in a home in another municipality without informing and consulting it."""

from __future__ import annotations

from collections.abc import Iterable

from checks.facts import CheckFacts
from checks.registry import Finding, check_rule, finding
from placement.core.rulebook import Severity
from placement.core.vocabulary import PlacementForm


@check_rule(
    "PP23",
    Severity.WARN,
    "host_municipality",
    guidance="Informera och samråd med kommunen där hemmet ligger, och med andra kommuner som har barn där, "
    "innan beslutet.",
)
def pp23_host_municipality(facts: CheckFacts) -> Iterable[Finding]:
    """Kommunen där hemmet ligger eller andra placerande kommuner är inte informerade och hörda

    Checks: for a familjehem or jourhem, whether the home lies in another municipality (its
    kommunkod against the municipality's) and whether other municipalities have children placed
    there (the keyed anonymous count), and that each was informed and consulted before the decision.
    Legal basis: SoL (2025:400) 22 kap. 6 §.
    Fails when: the home lies in another municipality and no consultation with it is recorded; or
    other municipalities place children there and no consultation with them is recorded.
    Passes when: the home lies in the municipality and nobody else places there; or the
    consultations are recorded.
    """
    home = facts.foster_home
    if home is None or facts.proposed.form not in (PlacementForm.FAMILJEHEM, PlacementForm.JOURHEM):
        return
    own = facts.municipality_kommunkod
    elsewhere = home.kommunkod is not None and own is not None and home.kommunkod != own
    if elsewhere and facts.host_municipality_consulted_on is None:
        yield finding(
            "PP23",
            f"Hemmet ligger i kommun {home.kommunkod}; ingen information och inget samråd är registrerat",
            host_kommunkod=home.kommunkod,
        )
    others = (home.placing_municipalities or 0) - (1 if home.concurrent_placements else 0)
    if others > 0 and facts.other_placing_municipalities_consulted_on is None:
        yield finding(
            "PP23",
            f"{others} andra kommuner har barn placerade i hemmet; inget samråd med dem är registrerat",
            other_municipalities=others,
        )
