"""CH06: feedback to a professional reporter who asked for it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from followup.concern_model import ConcernFacts, ConcernItem, ConcernPolicy, concern_rule, state_of
from placement.core.clock import add_days
from placement.core.concern_vocabulary import PROFESSIONAL_REPORTERS, Phase


@concern_rule("CH06", "reporter_feedback", Phase.MOTTAGNING)
def ch06_reporter_feedback(
    facts: ConcernFacts, today: dt.date, policy: ConcernPolicy
) -> Iterable[ConcernItem]:
    """Återkoppling till anmälaren

    Checks: that a reporter under the duty to report who asked for it is told whether an
    investigation was opened, within a week of the decision (policy ``feedback_days``).
    Legal basis: SoL (2025:400) 19 kap. 6 §.
    Fails when: a professional reporter asked and was not told within the week (overdue), or was
    told later (late).
    Passes when: told in time; or the reporter did not ask, is not a professional, or no decision
    has been taken yet.
    """
    decided = facts.preliminary
    if not facts.feedback_requested or facts.reporter_kind not in PROFESSIONAL_REPORTERS or decided is None:
        return
    due = add_days(decided.decided_on, policy.feedback_days)
    state = state_of(due, today, policy, done_on=facts.feedback_given_on)
    given = facts.feedback_given_on
    detail = f"återkoppling {given.isoformat()}" if given else "ingen återkoppling ännu"
    yield ch06_reporter_feedback.item(due, state, detail, statutory=True)
