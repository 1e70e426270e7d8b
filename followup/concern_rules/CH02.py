"""CH02: the förhandsbedömning within 14 days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from followup.concern_model import ConcernFacts, ConcernItem, ConcernPolicy, concern_rule, state_of
from placement.core.clock import add_days
from placement.core.concern_vocabulary import Phase


@concern_rule("CH02", "preliminary_assessment", Phase.MOTTAGNING)
def ch02_preliminary_assessment(
    facts: ConcernFacts, today: dt.date, policy: ConcernPolicy
) -> Iterable[ConcernItem]:
    """Förhandsbedömning inom 14 dagar

    Checks: that within 14 days of a report's receipt the nämnd decides whether to open an
    investigation (or that one is already open), having considered and described its prior
    knowledge and obtained the child's view or said why not. The time may be extended only by a
    decision with documented synnerliga skäl, taken before the 14 days end.
    Legal basis: SoL (2025:400) 20 kap. 2 §.
    Fails when: no decision after 14 days (overdue); decided later without such an extension
    (late); decided without describing prior knowledge or the child's view or why not
    (deficient); an extension without its reason does not move the deadline.
    Passes when: decided in time, documented; or within an extension with its reason; or the case is
    other information, not a report.
    """
    if not facts.is_report:
        return
    statutory = add_days(facts.received_on, 14)
    due = facts.preliminary_due()
    decided = facts.preliminary
    extension = facts.preliminary_extension
    if decided is None:
        state = state_of(due, today, policy, done_on=None)
        detail = "inget beslut ännu"
        if extension and due == statutory:
            detail += "; förlängningen saknar dokumenterade synnerliga skäl eller kom för sent"
        elif due != statutory:
            detail += f"; förlängd med synnerliga skäl till {due.isoformat()}"
        yield ch02_preliminary_assessment.item(due, state, detail, statutory=True)
        return
    missing = []
    if not decided.prior_knowledge:
        missing.append("hur tidigare kännedom beaktats")
    if not (decided.child_view or decided.child_view_missing_reason):
        missing.append("barnets inställning eller varför den inte inhämtats")
    state = state_of(due, today, policy, done_on=decided.decided_on, complete=not missing)
    detail = f"saknar {', '.join(missing)}" if missing else f"beslut {decided.decided_on.isoformat()}"
    yield ch02_preliminary_assessment.item(due, state, detail, statutory=True)
