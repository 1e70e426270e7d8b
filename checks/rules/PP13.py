"""PP13: a foster or emergency home not investigated and approved, or register checks missing."""

from __future__ import annotations

from collections.abc import Iterable

from checks.facts import CheckFacts
from checks.registry import Finding, check_rule, finding
from placement.core.clock import add_months
from placement.core.rulebook import Severity
from placement.core.vocabulary import PlacementForm


@check_rule(
    "PP13",
    Severity.BLOCK,
    "foster_investigation",
    guidance="Slutför utredningen och registerkontrollerna innan barnet placeras.",
)
def pp13_foster_home_investigated(facts: CheckFacts) -> Iterable[Finding]:
    """Familjehemmet är inte utrett och godkänt, eller registerkontroller saknas

    Checks: that the foster or emergency home is investigated and approved, and that the
    belastningsregister, misstankeregister and socialregister checks are done and recent.
    Legal basis: SOSFS 2012:11 4 kap. (paragraph unconfirmed).
    Fails when: the home is not investigated or approved, or a register check is missing or older
    than the policy allows.
    Passes when: all are done and recent.
    """
    if facts.proposed.form not in (PlacementForm.FAMILJEHEM, PlacementForm.JOURHEM):
        return
    home = facts.foster_home
    if home is None or home.investigated_on is None or home.approved_on is None:
        yield finding("PP13", "Hemmet är inte utrett och godkänt")
        return
    oldest = add_months(facts.today, -facts.policy.register_check_max_age_months)
    for name, day in (
        ("belastningsregistret", home.belastningsregister_on),
        ("misstankeregistret", home.misstankeregister_on),
        ("socialregistret", home.socialregister_on),
    ):
        if day is None:
            yield finding("PP13", f"Kontroll i {name} saknas", register=name)
        elif day < oldest:
            yield finding("PP13", f"Kontrollen i {name} är från {day.isoformat()}", register=name)
