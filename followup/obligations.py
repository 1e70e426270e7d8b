"""What the municipality owes each placed child, and when (pure).

Facts go in (the placement, its decisions, the child's responsible social workers, recorded
events); obligations come out, each with its code, due date and state. Dates are calendar dates
in Swedish time; "six months" from 31 August is the last day of February (placement/core/clock.py
add_months). Recording the event that meets an obligation makes the next one due.

Thresholds that are guidance rather than law (visits per year, days for contact details and
grounds, the due-soon window) are the municipality's policy: :class:`Policy` holds their
documented defaults.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from placement.core.clock import add_months
from placement.core.rulebook import Severity, register
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

    def last(self, kind: EventKind, *, since: dt.date | None = None) -> dt.date | None:
        dates = [
            e.occurred_on for e in self.events if e.kind is kind and (since is None or e.occurred_on >= since)
        ]
        return max(dates) if dates else None

    def active_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


@dataclass(frozen=True, slots=True)
class Obligation:
    code: str
    item: str  # distinguishes several obligations of one code (FU09's plans, FU13's complaints)
    title: str
    due_on: dt.date
    state: State
    detail: str = ""


def _state(due: dt.date, today: dt.date, policy: Policy, *, met: bool) -> State:
    if met:
        return State.MET
    if today > due:
        return State.OVERDUE
    if (due - today).days <= policy.due_soon_days:
        return State.DUE_SOON
    return State.OPEN


Rule = Callable[[PlacementFacts, dt.date, Policy], Iterable[Obligation]]
RULES: list[tuple[str, Rule]] = []


def obligation_rule(
    code: str, title: str, legal_key: str, severity: Severity = Severity.WARN
) -> Callable[[Rule], Rule]:
    register(code, title, severity, legal_key)

    def add(rule: Rule) -> Rule:
        RULES.append((code, rule))
        return rule

    return add


def obligations(facts: PlacementFacts, today: dt.date, policy: Policy | None = None) -> list[Obligation]:
    """Every obligation of the placement, most urgent first."""
    policy = policy or Policy()
    found = [o for _, rule in RULES for o in rule(facts, today, policy)]
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
    one_day = dt.timedelta(days=1)
    soon = dt.timedelta(days=policy.due_soon_days)
    days: set[dt.date] = set()
    for o in found or obligations(facts, today, policy):
        days |= {o.due_on - soon, o.due_on + one_day}  # open -> due soon -> overdue (FU11's detail too)
    if facts.end_date is not None:
        # FU15 begins; the ongoing rules end (the day after the end is also FU14's: kept, not relied on)
        days |= {facts.end_date, facts.end_date + one_day}
    for a in facts.assignments:  # FU05's current social worker, FU06's change of social worker
        days.add(a.assigned_from)
        if a.assigned_to is not None:
            days.add(a.assigned_to + one_day)
    talks = [
        e.occurred_on for e in facts.events if e.kind is EventKind.VISIT and e.details.get("private_talk")
    ]
    if talks:  # FU08 says when the last private talk is more than the longest gap ago
        days.add(add_months(max(talks), policy.max_visit_gap_months) + one_day)
    days.add(add_months(facts.start_date, 24) - soon)  # FU09's two-year revision appears
    return min((d for d in days if d > today), default=None)


def _sol_care(facts: PlacementFacts) -> bool:
    return facts.legal_basis is LegalBasis.SOL and facts.form is not PlacementForm.LSS_BOENDE


def _ongoing(facts: PlacementFacts, today: dt.date) -> bool:
    return facts.end_date is None or facts.end_date >= today


def _six_monthly(
    facts: PlacementFacts, today: dt.date, policy: Policy, code: str, title: str, kind: EventKind
) -> Iterable[Obligation]:
    last = facts.last(kind)
    due = add_months(last or facts.start_date, 6)
    detail = f"senast {last.isoformat()}" if last else "inget ännu sedan placeringen började"
    yield Obligation(code, "", title, due, _state(due, today, policy, met=False), detail)


@obligation_rule("FU01", "Övervägande om vården fortfarande behövs (SoL)", "overvagande_sol")
def fu01(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    """SoL placements in familjehem, jourhem, HVB or stödboende (not LSS): every six months."""
    if _sol_care(facts) and _ongoing(facts, today):
        yield from _six_monthly(facts, today, policy, "FU01", "Övervägande (SoL)", EventKind.OVERVAGANDE)


@obligation_rule("FU02", "Övervägande om vården fortfarande behövs (2 § LVU)", "overvagande_lvu")
def fu02(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    if facts.legal_basis is LegalBasis.LVU_2 and _ongoing(facts, today):
        yield from _six_monthly(facts, today, policy, "FU02", "Övervägande (2 § LVU)", EventKind.OVERVAGANDE)


@obligation_rule("FU03", "Omprövning av vården (3 § LVU)", "omprovning_lvu")
def fu03(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    """Six months from enforcement (the placement's start), then every six months."""
    if facts.legal_basis is LegalBasis.LVU_3 and _ongoing(facts, today):
        yield from _six_monthly(facts, today, policy, "FU03", "Omprövning (3 § LVU)", EventKind.OMPROVNING)


@obligation_rule("FU04", "Överväg vårdnadsöverflyttning", "custody_transfer")
def fu04(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    """After two years in the same foster home, then every year."""
    if facts.form is not PlacementForm.FAMILJEHEM or not _ongoing(facts, today):
        return
    two_years = add_months(facts.start_date, 24)
    last = facts.last(EventKind.CUSTODY_TRANSFER_CONSIDERED, since=two_years - dt.timedelta(days=60))
    due = add_months(last, 12) if last else two_years
    yield Obligation(
        "FU04",
        "",
        "Överväg vårdnadsöverflyttning",
        due,
        _state(due, today, policy, met=False),
        f"senast övervägd {last.isoformat()}" if last else "två år i samma familjehem",
    )


@obligation_rule("FU05", "Ansvarig socialsekreterare är utsedd", "responsible_social_worker", Severity.BLOCK)
def fu05(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    if not _ongoing(facts, today):
        return
    day = max(facts.start_date, today)
    current = [
        a
        for a in facts.assignments
        if a.assigned_from <= day and (a.assigned_to is None or a.assigned_to >= day)
    ]
    if current:
        yield Obligation("FU05", "", "Ansvarig socialsekreterare", current[0].assigned_from, State.MET)
        return
    ended = [a.assigned_to for a in facts.assignments if a.assigned_to is not None and a.assigned_to < day]
    vacant_since = max([facts.start_date, *(d + dt.timedelta(days=1) for d in ended)])
    yield Obligation(
        "FU05",
        "",
        "Ansvarig socialsekreterare",
        vacant_since,
        _state(vacant_since, today, policy, met=False),
        "ingen ansvarig socialsekreterare utsedd",
    )


@obligation_rule("FU06", "Barnet har sin socialsekreterares kontaktuppgifter", "information_to_child")
def fu06(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    """Within policy days of the start and of every change of social worker."""
    if not _ongoing(facts, today):
        return
    changes = [a.assigned_from for a in facts.assignments if a.assigned_from <= today]
    trigger = max([facts.start_date, *changes])
    due = trigger + dt.timedelta(days=policy.contact_details_days)
    given = facts.last(EventKind.CONTACT_DETAILS_GIVEN, since=trigger)
    why = "sedan bytet av socialsekreterare" if trigger > facts.start_date else "sedan placeringen började"
    yield Obligation(
        "FU06",
        "",
        "Kontaktuppgifter till barnet",
        due,
        _state(due, today, policy, met=given is not None),
        f"gavs {given.isoformat()}" if given else f"inte lämnade {why}",
    )


@obligation_rule("FU07", "Barnet har fått veta skälen för placeringen", "grounds_to_child")
def fu07(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    """Within policy days of the start, and again when the legal basis changes."""
    if not _ongoing(facts, today):
        return
    trigger = max(
        [facts.start_date, *(e.occurred_on for e in facts.events if e.kind is EventKind.LEGAL_BASIS_CHANGED)]
    )
    due = trigger + dt.timedelta(days=policy.grounds_days)
    told = facts.last(EventKind.GROUNDS_EXPLAINED, since=trigger)
    yield Obligation(
        "FU07",
        "",
        "Skälen för placeringen förklarade",
        due,
        _state(due, today, policy, met=told is not None),
        f"förklarade {told.isoformat()}" if told else "inte förklarade",
    )


@obligation_rule("FU08", "Besök med enskilt samtal med barnet", "visits")
def fu08(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    """At the policy's rate (guidance: four a year), never more than six months apart."""
    if not _ongoing(facts, today):
        return
    talks = [
        e.occurred_on for e in facts.events if e.kind is EventKind.VISIT and e.details.get("private_talk")
    ]
    last = max(talks) if talks else None
    interval = min(12 // max(policy.visits_per_year, 1), policy.max_visit_gap_months)
    due = add_months(last or facts.start_date, interval)
    detail = f"senaste enskilda samtal {last.isoformat()}" if last else "inget enskilt samtal ännu"
    if last and add_months(last, policy.max_visit_gap_months) < today:
        detail += f"; mer än {policy.max_visit_gap_months} månader sedan"
    yield Obligation(
        "FU08", "", "Besök med enskilt samtal", due, _state(due, today, policy, met=False), detail
    )


@obligation_rule("FU09", "Vårdplan, genomförandeplan och översyn av vårdplanen", "care_plan")
def fu09(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    if not _ongoing(facts, today):
        return
    plan = facts.last(EventKind.CARE_PLAN)
    yield Obligation(
        "FU09",
        "care_plan",
        "Vårdplan",
        facts.start_date,
        _state(facts.start_date, today, policy, met=plan is not None),
    )
    due = facts.start_date + dt.timedelta(days=policy.implementation_plan_days)
    done = facts.last(EventKind.IMPLEMENTATION_PLAN)
    yield Obligation(
        "FU09",
        "implementation_plan",
        "Genomförandeplan",
        due,
        _state(due, today, policy, met=done is not None),
    )
    revision = add_months(facts.start_date, 24)
    if today >= revision - dt.timedelta(days=policy.due_soon_days):
        revised = facts.last(EventKind.CARE_PLAN_REVISED, since=revision - dt.timedelta(days=90))
        yield Obligation(
            "FU09",
            "care_plan_revised",
            "Översyn av vårdplanen efter två år",
            revision,
            _state(revision, today, policy, met=revised is not None),
        )


@obligation_rule("FU10", "Regionen underrättad om hälsoundersökning", "health_examination")
def fu10(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    if not _ongoing(facts, today):
        return
    due = facts.start_date + dt.timedelta(days=policy.health_notification_days)
    done = facts.last(EventKind.HEALTH_NOTIFICATION)
    yield Obligation(
        "FU10", "", "Hälsoundersökning erbjuden", due, _state(due, today, policy, met=done is not None)
    )


@obligation_rule("FU11", "Insatsen pågår utan gällande beslut", "decision_in_force", Severity.BLOCK)
def fu11(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    if not _ongoing(facts, today) or not facts.decisions:
        return
    if any(d.valid_to is None for d in facts.decisions):
        return
    ends = max(d.valid_to for d in facts.decisions if d.valid_to is not None)
    if facts.end_date is not None and facts.end_date <= ends:
        return
    yield Obligation(
        "FU11",
        "",
        "Beslutet gäller till",
        ends,
        _state(ends, today, policy, met=False),
        f"beslutet gällde till {ends.isoformat()}" if ends < today else "förläng eller avsluta i tid",
    )


_FAVOURABLE = {DecisionKind.PLACEMENT_SOL, DecisionKind.LSS_HOUSING}


@obligation_rule("FU12", "Gynnande beslut ej verkställt inom tre månader", "unenforced_decisions")
def fu12(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    """A favourable decision whose placement started more than three months after it: report to IVO."""
    for decision in facts.decisions:
        if decision.kind not in _FAVOURABLE:
            continue
        limit = add_months(decision.decided_on, 3)
        if facts.start_date > limit:
            yield Obligation(
                "FU12",
                decision.decided_on.isoformat(),
                "Rapportera ej verkställt beslut till IVO",
                limit,
                State.OVERDUE,
                f"beslut {decision.decided_on.isoformat()}, verkställt {facts.start_date.isoformat()}",
            )


@obligation_rule("FU13", "Klagomål utrett och besvarat", "complaints")
def fu13(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    answered = {str(e.details.get("ref")) for e in facts.events if e.kind is EventKind.COMPLAINT_ANSWERED}
    for event in facts.events:
        if event.kind is not EventKind.COMPLAINT_RECEIVED:
            continue
        ref = str(event.details.get("ref", event.occurred_on.isoformat()))
        due = event.occurred_on + dt.timedelta(days=policy.complaint_answer_days)
        yield Obligation(
            "FU13",
            ref,
            "Klagomål besvarat",
            due,
            _state(due, today, policy, met=ref in answered),
            f"klagomål {ref} mottaget {event.occurred_on.isoformat()}",
        )


@obligation_rule("FU14", "Avslutad placering har orsak angiven", "ending_reason")
def fu14(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    if facts.end_date is None:
        return
    yield Obligation(
        "FU14",
        "",
        "Orsak till avslut",
        facts.end_date,
        _state(facts.end_date, today, policy, met=facts.end_reason is not None),
        "planerat, omplacering eller oplanerat, och varför",
    )


@obligation_rule("FU15", "Uppföljning efter avslutad LVU-vård", "lvu_aftercare")
def fu15(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    if facts.end_date is None or facts.end_date > today:
        return
    if facts.legal_basis not in (LegalBasis.LVU_2, LegalBasis.LVU_3):
        return
    if add_months(facts.child_birth_date, 18 * 12) <= facts.end_date:
        return
    due = facts.end_date + dt.timedelta(days=policy.aftercare_days)
    done = facts.last(EventKind.AFTERCARE_FOLLOW_UP, since=facts.end_date)
    yield Obligation(
        "FU15", "", "Uppföljning efter LVU-vård", due, _state(due, today, policy, met=done is not None)
    )


@obligation_rule("FU16", "Jourhem längre än två månader efter avslutad utredning", "jourhem_time")
def fu16(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    if facts.form is not PlacementForm.JOURHEM:
        return
    ended = facts.last(EventKind.INVESTIGATION_ENDED)
    if ended is None:
        return
    limit = add_months(ended, 2)
    moved_in_time = facts.end_date is not None and facts.end_date <= limit
    yield Obligation(
        "FU16",
        "",
        "Jourhemsplaceringen ska avslutas eller ha särskilda skäl",
        limit,
        _state(limit, today, policy, met=moved_in_time),
        f"utredningen avslutades {ended.isoformat()}",
    )
