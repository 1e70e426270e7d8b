"""What the municipality owes each placed child, and when (pure).

Facts go in (the placement, its decisions, the child's responsible social workers, recorded
events); obligations come out, each with its code, due date and state. Dates are calendar dates
in Swedish time; "six months" from 31 August is the last day of February (placement/core/clock.py
add_months). Recording the event that meets an obligation makes the next one due.

Each rule is one module, followup/rules/FUxx.py (the types and the rule form are in
followup/model.py). Thresholds that are guidance rather than law (visits per year, days for
contact details and grounds, the due-soon window) are the municipality's policy: :class:`Policy`
holds their documented defaults.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import followup.rules  # noqa: F401 - registers FU01-FU16
from followup.model import (
    RULES,
    URGENCY,
    Assignment,
    DecisionFact,
    Event,
    EventKind,
    Obligation,
    ObligationRule,
    PlacementFacts,
    Policy,
    State,
)
from placement.core.clock import add_days, add_months

__all__ = [
    "RULES",
    "URGENCY",
    "Assignment",
    "DecisionFact",
    "Event",
    "EventKind",
    "Obligation",
    "ObligationRule",
    "PlacementFacts",
    "Policy",
    "State",
    "next_review",
    "obligations",
]


def obligations(facts: PlacementFacts, today: dt.date, policy: Policy | None = None) -> list[Obligation]:
    """Every obligation of the placement, most urgent first."""
    policy = policy or Policy()
    found = [o for _, rule in sorted(RULES.items()) for o in rule.function(facts, today, policy)]
    return sorted(found, key=lambda o: (URGENCY[o.state], o.due_on, o.code))


def next_review(
    facts: PlacementFacts, today: dt.date, policy: Policy | None = None, found: Sequence[Obligation] = ()
) -> dt.date | None:
    """The first day after ``today`` on which the obligations may differ from today's with the
    facts unchanged (the passing of time alone), or None if they never will. The scan recomputes a
    placement on that day, or as soon as its facts change. ``found`` is today's obligations, if the
    caller has them. Erring early costs a recomputation; erring late would leave a state stale, so
    every date a rule compares ``today`` with is here (and a test walks the days between)."""
    policy = policy or Policy()
    soon = policy.due_soon_days
    days: set[dt.date] = set()
    for o in found or obligations(facts, today, policy):
        # open -> due soon -> overdue (FU11's detail too)
        days |= {add_days(o.due_on, -soon), add_days(o.due_on, 1)}
    if facts.end_date is not None:
        # FU15 begins; the ongoing rules end (the day after the end is also FU14's: kept, not relied on)
        days |= {facts.end_date, add_days(facts.end_date, 1)}
    for a in facts.assignments:  # FU05's current social worker, FU06's change of social worker
        days.add(a.assigned_from)
        if a.assigned_to is not None:
            days.add(add_days(a.assigned_to, 1))
    talks = facts.private_talks()
    if talks:  # FU08 says when the last private talk is more than the longest gap ago
        days.add(add_days(add_months(max(talks), policy.max_visit_gap_months), 1))
    days.add(add_days(add_months(facts.start_date, 24), -soon))  # FU09's two-year revision appears
    return min((d for d in days if d > today), default=None)
