"""The obligations of a placed child (FU01–FU17): pass and fail cases, and the calendar's edges."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from followup.obligations import (
    Assignment,
    DecisionFact,
    Event,
    EventKind,
    Obligation,
    PlacementFacts,
    Policy,
    State,
    obligations,
)
from placement.core.rulebook import all_rules
from placement.core.vocabulary import DecisionKind, EndReason, LegalBasis, PlacementForm

D = dt.date
BORN = D(2012, 5, 5)


def facts(**changes: Any) -> PlacementFacts:
    base: dict[str, Any] = {
        "form": PlacementForm.HVB,
        "legal_basis": LegalBasis.SOL,
        "start_date": D(2026, 1, 10),
        "end_date": None,
        "end_reason": None,
        "child_birth_date": BORN,
        "assignments": (Assignment(D(2026, 1, 10), None),),
    }
    base.update(changes)
    return PlacementFacts(**base)


def one(f: PlacementFacts, today: dt.date, code: str, item: str = "") -> Obligation:
    found = [o for o in obligations(f, today) if o.code == code and o.item == item]
    assert len(found) == 1, found
    return found[0]


def codes(f: PlacementFacts, today: dt.date) -> set[str]:
    return {o.code for o in obligations(f, today)}


def ev(kind: EventKind, day: dt.date, **details: Any) -> Event:
    return Event(kind, day, details)


# FU01 / FU02 / FU03 -----------------------------------------------------------------------------


def test_six_months_from_31_august_is_the_last_day_of_february() -> None:
    f = facts(start_date=D(2025, 8, 31), assignments=(Assignment(D(2025, 8, 31), None),))
    assert one(f, D(2025, 9, 1), "FU01").due_on == D(2026, 2, 28)
    leap = facts(start_date=D(2027, 8, 31), assignments=(Assignment(D(2027, 8, 31), None),))
    assert one(leap, D(2027, 9, 1), "FU01").due_on == D(2028, 2, 29)


def test_overvagande_recorded_makes_the_next_due() -> None:
    f = facts(events=(ev(EventKind.OVERVAGANDE, D(2026, 7, 1)),))
    assert one(f, D(2026, 7, 2), "FU01").due_on == D(2027, 1, 1)
    assert one(facts(), D(2026, 7, 11), "FU01").state is State.OVERDUE
    assert one(facts(), D(2026, 7, 1), "FU01").state is State.DUE_SOON
    assert one(facts(), D(2026, 3, 1), "FU01").state is State.OPEN


def test_lss_placement_has_no_overvagande() -> None:
    lss = facts(form=PlacementForm.LSS_BOENDE, legal_basis=LegalBasis.LSS)
    assert not codes(lss, D(2026, 9, 1)) & {"FU01", "FU02", "FU03"}


def test_lvu_2_is_considered_and_lvu_3_reconsidered_from_enforcement() -> None:
    assert "FU02" in codes(facts(legal_basis=LegalBasis.LVU_2), D(2026, 2, 1))
    lvu3 = facts(
        legal_basis=LegalBasis.LVU_3,
        start_date=D(2026, 3, 15),
        assignments=(Assignment(D(2026, 3, 15), None),),
    )
    assert one(lvu3, D(2026, 4, 1), "FU03").due_on == D(2026, 9, 15)
    assert "FU01" not in codes(lvu3, D(2026, 4, 1))


# FU04 -------------------------------------------------------------------------------------------


def test_two_years_in_the_same_foster_home_reached_today() -> None:
    f = facts(
        form=PlacementForm.FAMILJEHEM,
        start_date=D(2024, 11, 22),
        assignments=(Assignment(D(2024, 11, 22), None),),
    )
    today = D(2026, 11, 22)
    assert (one(f, today, "FU04").due_on, one(f, today, "FU04").state) == (today, State.DUE_SOON)
    considered = facts(
        form=PlacementForm.FAMILJEHEM,
        start_date=D(2024, 11, 22),
        events=(ev(EventKind.CUSTODY_TRANSFER_CONSIDERED, D(2026, 11, 22)),),
    )
    assert one(considered, today, "FU04").due_on == D(2027, 11, 22)
    assert "FU04" not in codes(facts(), today)


# FU05 / FU06 / FU07 ------------------------------------------------------------------------------


def test_responsible_social_worker() -> None:
    assert one(facts(), D(2026, 2, 1), "FU05").state is State.MET
    vacant = facts(assignments=(Assignment(D(2026, 1, 10), D(2026, 5, 31)),))
    late = one(vacant, D(2026, 7, 1), "FU05")
    assert (late.state, late.due_on) == (State.OVERDUE, D(2026, 6, 1))


def test_contact_details_not_regiven_after_a_change_of_social_worker() -> None:
    changed = (Assignment(D(2026, 1, 10), D(2026, 5, 31)), Assignment(D(2026, 6, 1), None))
    given_once = facts(assignments=changed, events=(ev(EventKind.CONTACT_DETAILS_GIVEN, D(2026, 1, 12)),))
    fu06 = one(given_once, D(2026, 7, 1), "FU06")
    assert (fu06.state, fu06.due_on) == (State.OVERDUE, D(2026, 6, 15))
    regiven = facts(assignments=changed, events=(ev(EventKind.CONTACT_DETAILS_GIVEN, D(2026, 6, 3)),))
    assert one(regiven, D(2026, 7, 1), "FU06").state is State.MET


def test_grounds_explained_again_when_the_legal_basis_changes() -> None:
    told = facts(events=(ev(EventKind.GROUNDS_EXPLAINED, D(2026, 1, 15)),))
    assert one(told, D(2026, 3, 1), "FU07").state is State.MET
    changed = facts(
        events=(
            ev(EventKind.GROUNDS_EXPLAINED, D(2026, 1, 15)),
            ev(EventKind.LEGAL_BASIS_CHANGED, D(2026, 4, 1)),
        )
    )
    assert one(changed, D(2026, 5, 1), "FU07").state is State.OVERDUE


# FU08 -------------------------------------------------------------------------------------------


def test_last_private_talk_seven_months_ago() -> None:
    f = facts(
        events=(
            ev(EventKind.VISIT, D(2026, 4, 20), private_talk=True),
            ev(EventKind.VISIT, D(2026, 9, 1), private_talk=False),
        )
    )
    fu08 = one(f, D(2026, 11, 22), "FU08")
    assert fu08.state is State.OVERDUE
    assert "mer än 6 månader" in fu08.detail
    recent = facts(events=(ev(EventKind.VISIT, D(2026, 10, 1), private_talk=True),))
    assert one(recent, D(2026, 11, 22), "FU08").due_on == D(2027, 1, 1)


def test_visit_rate_is_policy() -> None:
    f = facts(events=(ev(EventKind.VISIT, D(2026, 10, 1), private_talk=True),))
    twice = next(o for o in obligations(f, D(2026, 11, 22), Policy(visits_per_year=2)) if o.code == "FU08")
    assert twice.due_on == D(2027, 4, 1)


# FU09 / FU10 ------------------------------------------------------------------------------------


def test_plans_and_health() -> None:
    today = D(2026, 3, 1)
    assert one(facts(), today, "FU09", "care_plan").state is State.OVERDUE
    assert one(facts(), today, "FU09", "implementation_plan").state is State.OVERDUE
    done = facts(
        events=(
            ev(EventKind.CARE_PLAN, D(2026, 1, 10)),
            ev(EventKind.IMPLEMENTATION_PLAN, D(2026, 2, 1)),
            ev(EventKind.HEALTH_NOTIFICATION, D(2026, 1, 20)),
        )
    )
    assert one(done, today, "FU09", "care_plan").state is State.MET
    assert one(done, today, "FU10").state is State.MET
    assert one(facts(), today, "FU10").state is State.OVERDUE
    two_years = facts(events=done.events)
    assert one(two_years, D(2028, 1, 10), "FU09", "care_plan_revised").state is State.DUE_SOON


# FU11 / FU12 ------------------------------------------------------------------------------------


def test_a_decision_that_expired_while_the_placement_continues() -> None:
    expired = facts(
        decisions=(DecisionFact(DecisionKind.PLACEMENT_SOL, D(2026, 1, 5), D(2026, 1, 10), D(2026, 6, 30)),)
    )
    fu11 = one(expired, D(2026, 7, 15), "FU11")
    assert (fu11.state, fu11.due_on) == (State.OVERDUE, D(2026, 6, 30))
    extended = facts(
        decisions=(
            *expired.decisions,
            DecisionFact(DecisionKind.EXTENSION, D(2026, 6, 20), D(2026, 7, 1), D(2026, 12, 31)),
        )
    )
    assert one(extended, D(2026, 7, 15), "FU11").state is State.OPEN
    open_ended = facts(
        decisions=(DecisionFact(DecisionKind.PLACEMENT_LVU, D(2026, 1, 5), D(2026, 1, 10), None),)
    )
    assert "FU11" not in codes(open_ended, D(2026, 7, 15))


def test_favourable_decision_not_enforced_within_three_months() -> None:
    late = facts(
        start_date=D(2026, 5, 1),
        decisions=(DecisionFact(DecisionKind.PLACEMENT_SOL, D(2026, 1, 15), D(2026, 5, 1), None),),
    )
    assert one(late, D(2026, 5, 2), "FU12", "2026-01-15").due_on == D(2026, 4, 15)
    on_time = facts(
        decisions=(DecisionFact(DecisionKind.PLACEMENT_SOL, D(2026, 1, 5), D(2026, 1, 10), None),)
    )
    assert "FU12" not in codes(on_time, D(2026, 5, 2))


# FU13 / FU14 / FU15 / FU16 -------------------------------------------------------------------------


def test_complaints_are_answered() -> None:
    received = facts(events=(ev(EventKind.COMPLAINT_RECEIVED, D(2026, 3, 1), ref="K1"),))
    assert one(received, D(2026, 4, 15), "FU13", "K1").state is State.OVERDUE
    answered = facts(events=(*received.events, ev(EventKind.COMPLAINT_ANSWERED, D(2026, 3, 20), ref="K1")))
    assert one(answered, D(2026, 4, 15), "FU13", "K1").state is State.MET


def test_ended_placement_needs_a_reason() -> None:
    ended = facts(end_date=D(2026, 6, 1))
    assert one(ended, D(2026, 6, 10), "FU14").state is State.OVERDUE
    assert (
        one(facts(end_date=D(2026, 6, 1), end_reason=EndReason.PLANNED), D(2026, 6, 10), "FU14").state
        is State.MET
    )
    assert "FU01" not in codes(ended, D(2026, 6, 10))


def test_follow_up_after_lvu_for_a_child_under_18() -> None:
    ended = facts(legal_basis=LegalBasis.LVU_3, end_date=D(2026, 6, 1), end_reason=EndReason.PLANNED)
    assert one(ended, D(2026, 7, 15), "FU15").state is State.OVERDUE
    adult = facts(legal_basis=LegalBasis.LVU_3, end_date=D(2026, 6, 1), child_birth_date=D(2008, 1, 1))
    assert "FU15" not in codes(adult, D(2026, 7, 15))
    followed = facts(
        legal_basis=LegalBasis.LVU_3,
        end_date=D(2026, 6, 1),
        events=(ev(EventKind.AFTERCARE_FOLLOW_UP, D(2026, 6, 20)),),
    )
    assert one(followed, D(2026, 7, 15), "FU15").state is State.MET


def test_jourhem_longer_than_two_months_after_the_investigation() -> None:
    jour = facts(form=PlacementForm.JOURHEM, events=(ev(EventKind.INVESTIGATION_ENDED, D(2026, 3, 1)),))
    assert one(jour, D(2026, 5, 2), "FU16").state is State.OVERDUE
    moved = facts(
        form=PlacementForm.JOURHEM, end_date=D(2026, 4, 20), end_reason=EndReason.MOVE, events=jour.events
    )
    assert one(moved, D(2026, 5, 2), "FU16").state is State.MET
    assert "FU16" not in codes(facts(form=PlacementForm.JOURHEM), D(2026, 5, 2))


def test_every_fu_code_is_registered_with_a_reference() -> None:
    fu = [r for r in all_rules() if r.family == "FU"]
    assert [r.code for r in fu] == [f"FU{n:02d}" for n in range(1, 18)]


@pytest.mark.parametrize("today", [D(2026, 1, 10), D(2026, 12, 31), D(2028, 2, 29)])
def test_obligations_are_ordered_by_urgency(today: dt.date) -> None:
    found = obligations(facts(), today)
    ranks = [("overdue", "due_soon", "open", "waived", "met").index(o.state.value) for o in found]
    assert ranks == sorted(ranks)
