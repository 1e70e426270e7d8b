"""The facts and obligations of a placed child, and how an obligation rule is declared (pure).

Each obligation rule lives in its own module, followup/rules/FUxx.py, named by its code: the
function's name starts with the code, the first docstring line is the registered title, and the
docstring has the sections of :data:`DOCSTRING_SECTIONS`. Its severity and legal reference are data
on the rule (placement/core/rulebook.py); its cases are tests/followup/cases/FUxx.yml.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from placement.core.clock import add_months
from placement.core.rulebook import Rule, Severity, register
from placement.core.statutory_time import deadline
from placement.core.vocabulary import DecisionKind, EndReason, LegalBasis, PlacementForm


class EventKind(StrEnum):
    OVERVAGANDE = "overvagande"
    OMPROVNING = "omprovning"
    CUSTODY_TRANSFER_CONSIDERED = "custody_transfer_considered"
    VISIT = "visit"
    CONTACT_DETAILS_GIVEN = "contact_details_given"
    GROUNDS_EXPLAINED = "grounds_explained"
    CARE_PLAN = "care_plan"
    IMPLEMENTATION_PLAN = "implementation_plan"
    CARE_PLAN_REVISED = "care_plan_revised"
    HEALTH_NOTIFICATION = "health_notification"
    COMPLAINT_RECEIVED = "complaint_received"
    COMPLAINT_ANSWERED = "complaint_answered"
    LEGAL_BASIS_CHANGED = "legal_basis_changed"
    INVESTIGATION_ENDED = "investigation_ended"
    AFTERCARE_FOLLOW_UP = "aftercare_follow_up"
    IVO_NOTIFIED_CHILD_COUNT = "ivo_notified_child_count"  # SoF 16 kap. 2 § (FU17)


class State(StrEnum):
    OPEN = "open"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET = "met"
    WAIVED = "waived"


URGENCY = {State.OVERDUE: 0, State.DUE_SOON: 1, State.OPEN: 2, State.WAIVED: 3, State.MET: 4}


@dataclass(frozen=True)
class Policy:
    """The municipality's policy values, with their documented defaults."""

    due_soon_days: int = 14
    contact_details_days: int = 14
    grounds_days: int = 14
    visits_per_year: int = 4  # Socialstyrelsen's guidance, not law
    max_visit_gap_months: int = 6
    implementation_plan_days: int = 30
    health_notification_days: int = 30
    complaint_answer_days: int = 30
    aftercare_days: int = 30


@dataclass(frozen=True, slots=True)
class Event:
    kind: EventKind
    occurred_on: dt.date
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DecisionFact:
    kind: DecisionKind
    decided_on: dt.date
    valid_from: dt.date
    valid_to: dt.date | None


@dataclass(frozen=True, slots=True)
class Assignment:
    assigned_from: dt.date
    assigned_to: dt.date | None


@dataclass(frozen=True)
class PlacementFacts:
    form: PlacementForm
    legal_basis: LegalBasis
    start_date: dt.date
    end_date: dt.date | None
    end_reason: EndReason | None
    child_birth_date: dt.date
    decisions: Sequence[DecisionFact] = ()
    assignments: Sequence[Assignment] = ()
    events: Sequence[Event] = ()
    other_municipality: bool = False
    # The check run before the placement found that it makes more than three children placed in
    # the foster home (PP21, counted across municipalities): the nämnd must notify IVO (FU17).
    ivo_notice_required: bool = False

    def last(self, kind: EventKind, *, since: dt.date | None = None) -> dt.date | None:
        dates = [
            e.occurred_on for e in self.events if e.kind is kind and (since is None or e.occurred_on >= since)
        ]
        return max(dates) if dates else None

    def active_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)

    def ongoing(self, today: dt.date) -> bool:
        return self.end_date is None or self.end_date >= today

    def sol_care(self) -> bool:
        """Care under SoL in familjehem, jourhem, HVB or stödboende (not LSS)."""
        return self.legal_basis is LegalBasis.SOL and self.form is not PlacementForm.LSS_BOENDE

    def private_talks(self) -> list[dt.date]:
        return [
            e.occurred_on for e in self.events if e.kind is EventKind.VISIT and e.details.get("private_talk")
        ]


@dataclass(frozen=True, slots=True)
class Obligation:
    code: str
    item: str  # distinguishes several obligations of one code (FU09's plans, FU13's complaints)
    title: str
    due_on: dt.date
    state: State
    detail: str = ""
    # A statutory period's last day moved past days off as lag (1930:173) would; None where it is
    # the same day or the obligation is not a statutory period. The state follows ``due_on``.
    rolled_due_on: dt.date | None = None


def state_of(due: dt.date, today: dt.date, policy: Policy, *, met: bool) -> State:
    if met:
        return State.MET
    if today > due:
        return State.OVERDUE
    if (due - today).days <= policy.due_soon_days:
        return State.DUE_SOON
    return State.OPEN


ObligationFunction = Callable[[PlacementFacts, dt.date, Policy], Iterable[Obligation]]
DOCSTRING_SECTIONS = ("Checks:", "Legal basis:", "Fails when:", "Passes when:")


@dataclass(frozen=True)
class ObligationRule:
    rule: Rule
    function: ObligationFunction
    docstring: str

    def obligation(
        self, due_on: dt.date, state: State, detail: str = "", *, item: str = "", statutory: bool = False
    ) -> Obligation:
        """An obligation of this rule, titled from the registry. A ``statutory`` period's last day
        also carries the day lag (1930:173) would move it to, where that differs."""
        rolled_due_on = deadline(due_on).rolled_if_different if statutory else None
        return Obligation(self.rule.code, item, self.rule.title, due_on, state, detail, rolled_due_on)


RULES: dict[str, ObligationRule] = {}


def obligation_rule(
    code: str, legal_key: str, severity: Severity = Severity.WARN
) -> Callable[[ObligationFunction], ObligationRule]:
    """Register an obligation rule; its title is the first line of the function's docstring."""

    def add(function: ObligationFunction) -> ObligationRule:
        if not function.__name__.upper().startswith(code):
            raise ValueError(f"rule {code}'s function must be named after its code")
        doc = function.__doc__ or ""
        title = doc.strip().splitlines()[0] if doc.strip() else ""
        registered = ObligationRule(register(code, title, severity, legal_key), function, doc)
        RULES[code] = registered
        return registered

    return add


def six_monthly(
    rule: ObligationRule, facts: PlacementFacts, today: dt.date, policy: Policy, kind: EventKind
) -> Iterable[Obligation]:
    """Due six months after the start or the last event of ``kind``."""
    last = facts.last(kind)
    due = add_months(last or facts.start_date, 6)
    detail = f"senast {last.isoformat()}" if last else "inget ännu sedan placeringen började"
    yield rule.obligation(due, state_of(due, today, policy, met=False), detail, statutory=True)
