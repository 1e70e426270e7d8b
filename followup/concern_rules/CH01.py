"""CH01: the skyddsbedömning, at once and documented."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from followup.concern_model import ConcernFacts, ConcernItem, ConcernPolicy, concern_rule, state_of
from placement.core.clock import add_days
from placement.core.concern_vocabulary import Phase


@concern_rule("CH01", "protection_assessment", Phase.MOTTAGNING)
def ch01_protection_assessment(
    facts: ConcernFacts, today: dt.date, policy: ConcernPolicy
) -> Iterable[ConcernItem]:
    """Omedelbar skyddsbedömning gjord och dokumenterad

    Checks: that a report is followed at once by a skyddsbedömning documented with who made it
    (name and role), when, the facts it rests on and its conclusion. Due by policy: the same day,
    at the latest the next (``protection_days``, default 1). Information that reached the nämnd
    otherwise than as a report asks for none.
    Legal basis: SoL (2025:400) 20 kap. 1 §; SOSFS 2014:5.
    Fails when: no skyddsbedömning by the end of the next day (overdue); made later (late); made
    without name and role, time, facts or conclusion (deficient).
    Passes when: made and documented in time; or the case is other information, not a report.
    """
    if not facts.is_report:
        return
    due = add_days(facts.received_on, policy.protection_days)
    made = facts.protection
    if made is None:
        yield ch01_protection_assessment.item(due, state_of(due, today, policy, done_on=None), "ingen ännu")
        return
    missing = made.documented()
    done_on = made.made_on or facts.received_on
    detail = f"saknar {', '.join(missing)}" if missing else f"gjord {done_on.isoformat()}"
    state = state_of(due, today, policy, done_on=done_on, complete=not missing)
    yield ch01_protection_assessment.item(due, state, detail)
