"""CH08: an investigation ends in a documented decision; a placement links back to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from followup.concern_model import ConcernFacts, ConcernItem, ConcernPolicy, ConcernState, concern_rule
from placement.core.concern_vocabulary import InvestigationOutcome, Phase, label


@concern_rule("CH08", "investigation_decision", Phase.UTREDNING)
def ch08_investigation_decision(
    facts: ConcernFacts, today: dt.date, policy: ConcernPolicy
) -> Iterable[ConcernItem]:
    """Utredningen avslutas med ett dokumenterat beslut

    Checks: that an ended investigation has a decision with its outcome and reasons, and that where
    it led to a placement the placement decision links back to the investigation (so the check
    before the placement can show it).
    Legal basis: SoL (2025:400) 20 kap. 3 §.
    Fails when: ended without an outcome or its reasons (deficient); a placement outcome with no
    placement decision linked to the investigation (open until linked).
    Passes when: ended with a documented decision (and a linked placement decision where it led to a
    placement); or the investigation has not ended.
    """
    investigation = facts.investigation
    if investigation is None or investigation.ended_on is None:
        return
    ended = investigation.ended_on
    if investigation.outcome is None or not investigation.outcome_reason:
        yield ch08_investigation_decision.item(ended, ConcernState.DEFICIENT, "beslut eller skäl saknas")
        return
    yield ch08_investigation_decision.item(ended, ConcernState.MET, label(investigation.outcome))
    if investigation.outcome is InvestigationOutcome.PLACEMENT:
        linked = facts.placement_decision_linked
        state = ConcernState.MET if linked else ConcernState.OPEN
        detail = "placeringsbeslutet hänvisar till utredningen" if linked else "koppla placeringsbeslutet"
        yield ch08_investigation_decision.item(ended, state, detail, item="placement_link")
