"""PP13: the foster home is not investigated and approved, or register extracts are missing."""

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
    guidance="Slutför utredningen och hämta in registerutdrag för varje person i hemmet innan "
    "barnet placeras.",
)
def pp13_foster_home_investigated(facts: CheckFacts) -> Iterable[Finding]:
    """Familjehemmet är inte utrett och godkänt, eller registerutdrag saknas

    Checks: that the foster or emergency home is investigated and approved; that extracts from
    belastningsregistret and misstankeregistret are obtained for each person the nämnd means to
    engage for the care, before the child is placed, and are no older on the start date than the
    policy allows (guidance default 12 months); and that the home's socialregister check is done.
    Legal basis: SoL (2025:400) 22 kap. 2 och 4 §§; SoF (2025:468) 3 kap. 3 §; SOSFS 2012:11 4 kap.
    Fails when: the home is not investigated or approved; no person in the home is recorded; a
    person lacks an extract, or it is dated after the start or older than the policy allows; the
    socialregister check is missing or too old.
    Passes when: all are done, per person, and recent.
    """
    if facts.proposed.form not in (PlacementForm.FAMILJEHEM, PlacementForm.JOURHEM):
        return
    home = facts.foster_home
    if home is None or home.investigated_on is None or home.approved_on is None:
        yield finding("PP13", "Hemmet är inte utrett och godkänt")
        return
    start = facts.proposed.start_date
    oldest = add_months(start, -facts.policy.register_check_max_age_months)
    if not home.people:
        yield finding(
            "PP13", "Ingen person i hemmet är registrerad; registerutdrag kan inte visas per person"
        )
    for person in home.people:
        for register, day in (
            ("belastningsregistret", person.belastningsregister_on),
            ("misstankeregistret", person.misstankeregister_on),
        ):
            if day is None:
                yield finding("PP13", f"Utdrag ur {register} saknas för {person.name}", register=register)
            elif day > start:
                yield finding(
                    "PP13",
                    f"Utdraget ur {register} för {person.name} är från {day.isoformat()}, efter startdagen",
                    register=register,
                )
            elif day < oldest:
                yield finding(
                    "PP13",
                    f"Utdraget ur {register} för {person.name} är från {day.isoformat()}, äldre än "
                    f"{facts.policy.register_check_max_age_months} månader på startdagen",
                    register=register,
                )
    if home.socialregister_on is None:
        yield finding("PP13", "Kontroll i socialregistret saknas", register="socialregistret")
    elif home.socialregister_on < oldest:
        yield finding(
            "PP13",
            f"Kontrollen i socialregistret är från {home.socialregister_on.isoformat()}",
            register="socialregistret",
        )
