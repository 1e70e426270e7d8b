"""PP22: no agreement with the foster parents recorded at the placement decision."""

from __future__ import annotations

from collections.abc import Iterable

from checks.facts import CheckFacts
from checks.registry import Finding, check_rule, finding
from placement.core.rulebook import Severity
from placement.core.vocabulary import PlacementForm


@check_rule(
    "PP22",
    Severity.WARN,
    "foster_agreement",
    guidance="Ingå avtal med familjehemsföräldrarna om nämndens och deras åtaganden i samband med beslutet.",
)
def pp22_foster_agreement(facts: CheckFacts) -> Iterable[Finding]:
    """Avtal med familjehemsföräldrarna saknas

    Checks: that an agreement with the foster parents, setting out the nämnd's and their
    commitments for the child's need of protection and support, is recorded for a placement in a
    familjehem.
    Legal basis: SoL (2025:400) 22 kap. 3 §.
    Fails when: a familjehem placement has no agreement date, or the agreement is dated after the
    start.
    Passes when: an agreement is recorded by the start; or the form is not familjehem.
    """
    if facts.proposed.form is not PlacementForm.FAMILJEHEM:
        return
    agreed = facts.foster_agreement_on
    if agreed is None:
        yield finding("PP22", "Inget avtal med familjehemsföräldrarna är registrerat")
    elif agreed > facts.proposed.start_date:
        yield finding(
            "PP22", f"Avtalet med familjehemsföräldrarna är daterat {agreed.isoformat()}, efter startdagen"
        )
