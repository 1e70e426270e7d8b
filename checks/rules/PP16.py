"""PP16: the intended decision-maker lacks delegation for this decision, or it may not be delegated."""

from __future__ import annotations

from collections.abc import Iterable

from checks.facts import CheckFacts
from checks.registry import Finding, check_rule, finding
from placement.core.rulebook import Severity
from placement.core.vocabulary import DecisionKind, LegalBasis, PlacementForm

# Decisions the nämnd may delegate only to an utskott, never to an official: under SoL (2025:400)
# 30 kap. 6 § care in a familjehem, jourhem or other private home (22 kap. 2 and 4 §§), övervägande
# and vårdnadsöverflyttning (22 kap. 13–14 §§); under 30 kap. 7 § the LVU decisions on where the
# care is given (LVU 11 §), immediate custody (6 §) and övervägande and omprövning (13 §).
RESERVED_KINDS = {
    DecisionKind.OVERVAGANDE: "övervägande (SoL 22 kap. 13 §, LVU 13 §)",
    DecisionKind.OMPROVNING: "omprövning (LVU 13 §)",
    DecisionKind.PLACEMENT_LVU: "vårdens utformning och placering enligt LVU 11 §",
    DecisionKind.IMMEDIATE_CUSTODY_LVU: "omedelbart omhändertagande (LVU 6 §)",
    DecisionKind.PLACEMENT_FOSTER_HOME_PERMANENT: "vård i familjehem (SoL 22 kap. 2 §)",
    DecisionKind.MEDGIVANDE: "medgivande att ta emot ett barn i ett enskilt hem (SoL 22 kap. 2 §)",
}
RESERVED_FORMS = {
    PlacementForm.FAMILJEHEM: "vård i familjehem (SoL 22 kap. 2 §)",
    PlacementForm.JOURHEM: "vård i jourhem (SoL 22 kap. 4 §)",
}


def reserved_for_the_namnd(kind: DecisionKind, form: PlacementForm, basis: LegalBasis) -> str | None:
    """What makes the decision one only the nämnd or its utskott may take, or None if an official
    may take it with delegation."""
    if kind in RESERVED_KINDS:
        return RESERVED_KINDS[kind]
    if basis is LegalBasis.LVU_2 or basis is LegalBasis.LVU_3:
        return RESERVED_KINDS[DecisionKind.PLACEMENT_LVU]
    if kind is DecisionKind.PLACEMENT_SOL:
        return RESERVED_FORMS.get(form)
    return None


@check_rule(
    "PP16",
    Severity.BLOCK,
    "delegation",
    guidance="Låt en delegat med rätt delegation fatta beslutet, eller nämnden eller dess utskott där "
    "beslutet inte får delegeras till en tjänsteperson.",
)
def pp16_delegation(facts: CheckFacts) -> Iterable[Finding]:
    """Beslutsfattaren saknar delegation för beslutet

    Checks: that the decision is taken by someone allowed to: the nämnd or its utskott where the
    law reserves it (placement in a familjehem or jourhem, LVU care and its placement, övervägande,
    omprövning, medgivande); otherwise an official whom the municipality's delegationsordning
    gives the right.
    Legal basis: KL (2017:725) 6 kap. 37–38 §§; SoL (2025:400) 30 kap. 6–7 §§.
    Fails when: a reserved decision is to be taken by an official (whatever the delegation order
    says); or the delegation order gives the official no such right; or no decision-maker is named.
    Passes when: the nämnd or its utskott decides; or a delegable decision by an official with delegation.
    """
    if facts.decided_by_namnd:
        return
    reserved = reserved_for_the_namnd(facts.decision_kind, facts.proposed.form, facts.proposed.legal_basis)
    if reserved is not None:
        yield finding(
            "PP16",
            f"Beslut om {reserved} får inte delegeras till en tjänsteperson; det fattas av nämnden "
            "eller dess utskott (SoL 30 kap. 6–7 §§)",
            reserved=reserved,
        )
        return
    if facts.decision_maker_has_delegation is not True:
        yield finding("PP16", facts.delegation_basis or "Ingen delegation för beslutet hittades")
