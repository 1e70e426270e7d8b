"""PP16: the intended decision-maker lacks delegation for this decision."""

from __future__ import annotations

from collections.abc import Iterable

from checks.facts import CheckFacts
from checks.registry import Finding, check_rule, finding
from placement.core.rulebook import Severity


@check_rule(
    "PP16", Severity.BLOCK, "delegation", guidance="Låt en delegat med rätt delegation fatta beslutet."
)
def pp16_delegation(facts: CheckFacts) -> Iterable[Finding]:
    """Beslutsfattaren saknar delegation för beslutet

    Checks: that the municipality's delegationsordning lets the intended decision-maker take this
    kind of decision.
    Legal basis: KL 6 kap. 37–38 §§; old SoL 10 kap. 5 § (list unconfirmed).
    Fails when: the delegation order gives no such right, or no decision-maker is named.
    Passes when: it does.
    """
    if facts.decision_maker_has_delegation is not True:
        detail = facts.delegation_basis or "Ingen delegation för beslutet hittades"
        yield finding("PP16", detail, guidance="Låt en delegat med rätt delegation fatta beslutet.")
