"""FU09: vårdplan at the start, genomförandeplan within policy days, vårdplan revised at two years."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from followup.model import EventKind, Obligation, PlacementFacts, Policy, obligation_rule, state_of
from placement.core.clock import add_days, add_months


@obligation_rule("FU09", "care_plan")
def fu09_care_plans(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    """Vårdplan, genomförandeplan och översyn av vårdplanen

    Checks: three items: a vårdplan from the start; a genomförandeplan within the policy's days;
    the vårdplan revised when the placement has lasted two years.
    Legal basis: SoL (2025:400) 9 kap. 12–13 §§ (tidigare 11 kap. 3 §).
    Fails when: an item's day has passed without the plan recorded.
    Passes when: each plan is recorded (the revision within 90 days before the two years).
    """
    if not facts.ongoing(today):
        return
    rule = fu09_care_plans
    plan = facts.last(EventKind.CARE_PLAN)
    yield rule.obligation(
        facts.start_date,
        state_of(facts.start_date, today, policy, met=plan is not None),
        "vårdplan",
        item="care_plan",
    )
    due = add_days(facts.start_date, policy.implementation_plan_days)
    done = facts.last(EventKind.IMPLEMENTATION_PLAN)
    yield rule.obligation(
        due,
        state_of(due, today, policy, met=done is not None),
        "genomförandeplan",
        item="implementation_plan",
    )
    revision = add_months(facts.start_date, 24)
    if today >= add_days(revision, -policy.due_soon_days):
        revised = facts.last(EventKind.CARE_PLAN_REVISED, since=add_days(revision, -90))
        yield rule.obligation(
            revision,
            state_of(revision, today, policy, met=revised is not None),
            "översyn av vårdplanen efter två år",
            item="care_plan_revised",
            statutory=True,
        )
