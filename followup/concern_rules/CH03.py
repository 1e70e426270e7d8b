"""CH03: the utredning within four months, and its steps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from followup.concern_model import ConcernFacts, ConcernItem, ConcernPolicy, concern_rule, state_of
from placement.core.clock import add_days
from placement.core.concern_vocabulary import Phase


@concern_rule("CH03", "investigation_time", Phase.UTREDNING)
def ch03_investigation(facts: ConcernFacts, today: dt.date, policy: ConcernPolicy) -> Iterable[ConcernItem]:
    """Utredning klar inom fyra månader

    Checks: that an investigation ends within four months of its start, extended only by a decision
    with its särskilda skäl, for a set time, taken before the four months end; that those concerned are
    told it has started (policy: within ``concerned_told_days``), the family invited to plan it,
    the child heard (or why not documented) and kommunicering done before the end.
    Legal basis: SoL (2025:400) 20 kap. 3–4 §§.
    Fails when: not ended after four months and no extension (overdue); ended later (late); a step
    not taken in its time (overdue) or missing when the investigation ended (deficient).
    Passes when: ended in time with every step taken; or no investigation was opened.
    """
    investigation = facts.investigation
    due = facts.investigation_due()
    if investigation is None or due is None:
        return
    ended = investigation.ended_on
    detail = f"avslutad {ended.isoformat()}" if ended else "pågår"
    if investigation.extension and due != investigation.extension.until:
        detail += "; förlängningen saknar beslutat skäl eller kom för sent"
    elif investigation.extension:
        detail += f"; förlängd till {due.isoformat()}"
    yield ch03_investigation.item(
        due, state_of(due, today, policy, done_on=ended), detail, item="finish", statutory=True
    )
    told_due = add_days(investigation.started_on, policy.concerned_told_days)
    steps = (
        ("concerned_told", told_due, investigation.concerned_told_on, "de berörda underrättade"),
        ("family_invited", told_due, investigation.family_invited_on, "familjen inbjuden att planera"),
        (
            "child_heard",
            due,
            investigation.child_heard_on or (ended if investigation.child_not_heard_reason else None),
            "barnet hört eller skäl dokumenterat",
        ),
        ("communicated", due, investigation.communicated_on, "kommunicering före beslut"),
    )
    for item, step_due, done_on, what in steps:
        if done_on is None and ended is not None:
            state = state_of(step_due, today, policy, done_on=ended, complete=False)
            yield ch03_investigation.item(step_due, state, f"{what}: saknas", item=item)
            continue
        state = state_of(step_due, today, policy, done_on=done_on)
        yield ch03_investigation.item(step_due, state, what, item=item)
