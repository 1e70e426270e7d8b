"""CH05: this stage's decisions, taken by an authorised delegate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from followup.concern_model import ConcernFacts, ConcernItem, ConcernPolicy, ConcernState, concern_rule
from placement.core.concern_vocabulary import ConcernDecisionKind, Phase, label


@concern_rule("CH05", "concern_delegation", Phase.MOTTAGNING)
def ch05_delegate(facts: ConcernFacts, today: dt.date, policy: ConcernPolicy) -> Iterable[ConcernItem]:
    """Beslut fattade av behörig delegat

    Checks: that decisions to open or not open an investigation, to extend the förhandsbedömning
    or the investigation, and the investigation's outcome are taken by someone the delegation order
    authorises; a sub-delegation counts only where the order allows it and it was reported to the
    nämnd.
    Legal basis: SoL (2025:400) 30 kap.; KL (2017:725) 6 kap. 37–38 §§.
    Fails when: a decision by someone the order does not authorise (deficient).
    Passes when: every decision by an authorised delegate; or no decision yet.
    """
    for decision in facts.decisions:
        phase = Phase.MOTTAGNING if decision.kind in _MOTTAGNING else Phase.UTREDNING
        if decision.authorised is False:
            state, detail = ConcernState.DEFICIENT, f"{label(decision.kind)}: ej behörig delegat"
        elif decision.authorised is None:
            state, detail = ConcernState.OPEN, f"{label(decision.kind)}: delegaten okänd"
        else:
            state, detail = ConcernState.MET, f"{label(decision.kind)}: behörig delegat"
        yield ch05_delegate.item(decision.decided_on, state, detail, item=decision.kind.value, phase=phase)


_MOTTAGNING = frozenset({ConcernDecisionKind.PRELIMINARY, ConcernDecisionKind.PRELIMINARY_EXTENSION})
