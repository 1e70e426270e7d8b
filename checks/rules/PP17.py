"""PP17: the placement form does not fit the legal basis."""

from __future__ import annotations

from collections.abc import Iterable

from checks.facts import CheckFacts
from checks.registry import Finding, check_rule, finding
from placement.core.rulebook import Severity
from placement.core.vocabulary import LegalBasis, PlacementForm


@check_rule(
    "PP17",
    Severity.WARN,
    "lvu_placement_form",
    guidance="Pröva om en annan placeringsform passar den rättsliga grunden bättre.",
)
def pp17_form_fits_basis(facts: CheckFacts) -> Iterable[Finding]:
    """Placeringsformen passar inte den rättsliga grunden

    Checks: that the form suits the basis: close supervision under 3 § LVU means a särskilt
    ungdomshem; SiS takes children cared for under LVU; an LSS basis means an LSS home.
    Legal basis: LVU 12 §.
    Fails when: 3 § LVU with a need of close supervision outside SiS; SiS without LVU; LSS outside
    an LSS home.
    Passes when: form and basis agree.
    """
    form, basis = facts.proposed.form, facts.proposed.legal_basis
    if (
        basis is LegalBasis.LVU_3
        and facts.proposed.close_supervision_needed
        and form is not PlacementForm.SIS
    ):
        yield finding("PP17", "Behov av särskilt noggrann tillsyn enligt 3 § LVU: överväg SiS")
    if form is PlacementForm.SIS and basis not in (LegalBasis.LVU_2, LegalBasis.LVU_3):
        yield finding("PP17", "Särskilt ungdomshem förutsätter vård enligt LVU")
    if basis is LegalBasis.LSS and form is not PlacementForm.LSS_BOENDE:
        yield finding("PP17", "Ett beslut enligt LSS avser bostad med särskild service")
