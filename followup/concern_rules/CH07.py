"""CH07: violence assessed and a decision on a police report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from followup.concern_model import ConcernFacts, ConcernItem, ConcernPolicy, concern_rule, state_of
from placement.core.concern_vocabulary import Phase


@concern_rule("CH07", "violence_assessment", Phase.UTREDNING)
def ch07_violence(facts: ConcernFacts, today: dt.date, policy: ConcernPolicy) -> Iterable[ConcernItem]:
    """Våld och brott: riskbedömning och ställningstagande till polisanmälan

    Checks: where a report concerns violence, that the risk of further violence is assessed and
    documented; where it concerns a crime against a child, that a decision whether to report it to
    the police is documented; both before the investigation ends (its deadline), or by the
    förhandsbedömning's decision where none is opened.
    Legal basis: SOSFS 2014:4; SOSFS 2014:5; Socialstyrelsens vägledning.
    Fails when: the deadline passed without it (overdue), or the case closed without it (deficient).
    Passes when: assessed and decided in time; or the report concerns neither violence nor crime.
    """
    due = facts.investigation_due() or facts.preliminary_due()
    closed_on = _closed_on(facts)
    wanted = (
        (
            facts.concerns_violence,
            "risk_assessment",
            facts.risk_assessed_on,
            "risk för ytterligare våld bedömd",
        ),
        (
            facts.concerns_crime,
            "police_report",
            facts.police_report_decided_on,
            "ställningstagande till polisanmälan",
        ),
    )
    for applies, item, done_on, what in wanted:
        if not applies:
            continue
        if done_on is None and closed_on is not None:
            state = state_of(due, today, policy, done_on=closed_on, complete=False)
            yield ch07_violence.item(due, state, f"{what}: saknas", item=item)
            continue
        yield ch07_violence.item(due, state_of(due, today, policy, done_on=done_on), what, item=item)


def _closed_on(facts: ConcernFacts) -> dt.date | None:
    if facts.investigation is not None:
        return facts.investigation.ended_on
    if facts.closed() and facts.preliminary is not None:
        return facts.preliminary.decided_on
    return None
