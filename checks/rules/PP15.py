"""PP15: the handläggare or decision-maker has a link to the provider or foster home."""

from __future__ import annotations

from collections.abc import Iterable

from checks.facts import CheckFacts
from checks.registry import Finding, check_rule, finding
from placement.core.rulebook import Severity

WHO = {"handlaggare": "Handläggaren", "decision_maker": "Beslutsfattaren"}


@check_rule(
    "PP15",
    Severity.BLOCK,
    "conflict_in_decision",
    guidance="Personen får inte delta; låt någon annan handlägga eller besluta.",
)
def pp15_no_conflict_of_interest(facts: CheckFacts) -> Iterable[Finding]:
    """Handläggare eller beslutsfattare har koppling till utföraren eller familjehemmet

    Checks: declared or detected links (confirmed, or scoring at or above policy) between the
    handläggare or the decision-maker and the provider's officers or the foster home.
    Legal basis: FL 16–18 §§; KL 6 kap. 28–32 §§; LOA 7 §.
    Fails when: such a link exists (blocks that person: another must handle or decide).
    Passes when: none does.
    """
    for conflict in facts.conflicts:
        if conflict.confirmed or conflict.score >= facts.policy.conflict_score_threshold:
            who = WHO.get(conflict.person, conflict.person)
            yield finding(
                "PP15",
                f"{who} har en koppling: {conflict.detail}".rstrip(": "),
                guidance=f"{who} får inte delta; låt någon annan handlägga eller besluta.",
                person=conflict.person,
            )
