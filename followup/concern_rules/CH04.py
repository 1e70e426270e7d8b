"""CH04: the child moves; the duty to finish stays, and a transfer request is followed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from followup.concern_model import (
    ConcernFacts,
    ConcernItem,
    ConcernPolicy,
    ConcernState,
    concern_rule,
    state_of,
)
from placement.core.clock import add_months
from placement.core.concern_vocabulary import Phase, TransferAnswer


@concern_rule("CH04", "case_transfer", Phase.UTREDNING)
def ch04_child_moves(facts: ConcernFacts, today: dt.date, policy: ConcernPolicy) -> Iterable[ConcernItem]:
    """Barnet flyttar: utredningen slutförs eller ärendet flyttas över

    Checks: that a change of vistelsekommun does not end the duty to finish an investigation; where
    the nämnd asked the other municipality to take the case over, that it answered, and that the
    nämnd applied to IVO when the answer was no or none came within a month.
    Legal basis: SoL (2025:400) 29 kap. 9–12 §§.
    Fails when: a transfer request refused or unanswered after a month and no application to IVO
    (overdue).
    Passes when: the other municipality accepted; the nämnd applied to IVO in time; the child moved
    and the investigation goes on here (open: the duty to finish stays); or the child did not move.
    """
    investigation = facts.investigation
    if facts.moved_on is None or investigation is None:
        return
    request = facts.transfer
    if request is None:
        if investigation.ended_on is None:
            due = facts.investigation_due() or facts.moved_on
            detail = "barnet har flyttat; utredningen ska slutföras om ärendet inte flyttas över"
            yield ch04_child_moves.item(due, ConcernState.OPEN, detail, item="duty_to_finish")
        return
    due = add_months(request.requested_on, policy.transfer_answer_months)
    if request.answer is TransferAnswer.ACCEPTED:
        state = state_of(due, today, policy, done_on=request.answered_on or request.requested_on)
        yield ch04_child_moves.item(due, state, "den andra kommunen har tagit över", item="transfer")
        return
    if request.ivo_applied_on is not None:
        state = state_of(due, today, policy, done_on=request.ivo_applied_on)
        # Applying after a refusal is always in time; only waiting past the month for an answer is late.
        if request.answer is TransferAnswer.REFUSED:
            state = ConcernState.MET
        yield ch04_child_moves.item(due, state, "ansökan till IVO gjord", item="transfer")
        return
    if request.answer is TransferAnswer.REFUSED:
        state = ConcernState.OVERDUE if today > due else ConcernState.DUE_SOON
        yield ch04_child_moves.item(due, state, "avböjd: ansök till IVO", item="transfer")
        return
    state = state_of(due, today, policy, done_on=None)
    detail = "inget svar inom en månad: ansök till IVO" if today > due else "väntar på svar"
    yield ch04_child_moves.item(due, state, detail, item="transfer")
