"""FU12: a favourable decision not enforced within three months goes in the quarterly report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from followup.model import Obligation, PlacementFacts, Policy, State, obligation_rule
from placement.core.clock import add_months
from placement.core.vocabulary import DecisionKind

FAVOURABLE = {DecisionKind.PLACEMENT_SOL, DecisionKind.LSS_HOUSING}


@obligation_rule("FU12", "unenforced_decisions")
def fu12_unenforced_decision(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    """Gynnande beslut ej verkställt inom tre månader

    Checks: favourable decisions (placement under SoL, LSS housing) whose placement started more
    than three months after the decision: they must be reported to IVO and the auditors.
    Legal basis: SoL (2025:400) 34 kap. 1–3 §§ (tidigare 16 kap. 6 f–6 h §§).
    Fails when: the start is more than three months after a favourable decision.
    Passes when: the placement started within three months; or the decision is not favourable.
    """
    for decision in facts.decisions:
        if decision.kind not in FAVOURABLE:
            continue
        limit = add_months(decision.decided_on, 3)
        if facts.start_date > limit:
            yield fu12_unenforced_decision.obligation(
                limit,
                State.OVERDUE,
                f"beslut {decision.decided_on.isoformat()}, verkställt {facts.start_date.isoformat()}",
                item=decision.decided_on.isoformat(),
                statutory=True,
            )
