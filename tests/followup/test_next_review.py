"""next_review: the day the scan must look at a placement again. Between today and that day,
time alone must not change a single obligation; this walks every day in between for many
generated placements, so a date a rule compares with that next_review forgot fails here."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from followup.obligations import (
    Assignment,
    DecisionFact,
    Event,
    EventKind,
    PlacementFacts,
    Policy,
    next_review,
    obligations,
)
from placement.core.vocabulary import DecisionKind, EndReason, LegalBasis, PlacementForm

D = dt.date
HORIZON = 400  # days walked after today; a next review further away is checked up to here


def generated(rng: random.Random) -> tuple[PlacementFacts, dt.date]:
    """A placement with a random history, and a random day to look at it from."""
    start = D(2023, 1, 1) + dt.timedelta(days=rng.randrange(0, 1200))

    def around(spread: int = 900) -> dt.date:
        return start + dt.timedelta(days=rng.randrange(-60, spread))

    form = rng.choice(list(PlacementForm))
    basis = rng.choice(list(LegalBasis))
    ended = rng.random() < 0.35
    end = start + dt.timedelta(days=rng.randrange(0, 900)) if ended else None
    assignments = []
    day = start - dt.timedelta(days=rng.randrange(0, 30))
    for _ in range(rng.randrange(0, 4)):
        until = day + dt.timedelta(days=rng.randrange(0, 300)) if rng.random() < 0.6 else None
        assignments.append(Assignment(day, until))
        if until is None:
            break
        day = until + dt.timedelta(days=rng.randrange(1, 60))
    events = []
    for _ in range(rng.randrange(0, 12)):
        kind = rng.choice(list(EventKind))
        details: dict[str, object] = {}
        if kind is EventKind.VISIT:
            details = {"in_home": True, "private_talk": rng.random() < 0.7}
        if kind in (EventKind.COMPLAINT_RECEIVED, EventKind.COMPLAINT_ANSWERED):
            details = {"ref": f"K{rng.randrange(3)}"}
        events.append(Event(kind, around(), details))
    decisions = []
    for _ in range(rng.randrange(0, 3)):
        decided = start - dt.timedelta(days=rng.randrange(0, 150))
        valid_to = decided + dt.timedelta(days=rng.randrange(30, 900)) if rng.random() < 0.7 else None
        decisions.append(DecisionFact(rng.choice(list(DecisionKind)), decided, decided, valid_to))
    facts = PlacementFacts(
        form=form,
        legal_basis=basis,
        start_date=start,
        end_date=end,
        end_reason=rng.choice([None, *EndReason]) if ended else None,
        child_birth_date=start - dt.timedelta(days=rng.randrange(200, 6800)),
        decisions=tuple(decisions),
        assignments=tuple(assignments),
        events=tuple(events),
    )
    return facts, around(1100)


@pytest.mark.parametrize("seed", range(8))
def test_nothing_changes_before_the_next_review(seed: int) -> None:
    rng = random.Random(seed)
    policy = Policy(due_soon_days=rng.choice([7, 14, 30]), visits_per_year=rng.choice([2, 4, 6]))
    walked = 0
    for _ in range(40):
        facts, today = generated(rng)
        now = obligations(facts, today, policy)
        review = next_review(facts, today, policy, now)
        assert review is None or review > today
        last = (
            today + dt.timedelta(days=HORIZON)
            if review is None
            else min(review, today + dt.timedelta(HORIZON))
        )
        day = today + dt.timedelta(days=1)
        while day < last:
            assert obligations(facts, day, policy) == now, (facts, today, day, review)
            day += dt.timedelta(days=1)
            walked += 1
    assert walked > 1000  # the generator makes placements that stay unchanged for a while


def test_the_next_review_is_a_day_something_changes() -> None:
    """Overdue the day after the due date: the review falls on it, not later."""
    facts = PlacementFacts(
        form=PlacementForm.HVB,
        legal_basis=LegalBasis.SOL,
        start_date=D(2026, 1, 10),
        end_date=None,
        end_reason=None,
        child_birth_date=D(2012, 5, 5),
        assignments=(Assignment(D(2026, 1, 10), None),),
        events=tuple(
            Event(kind, D(2026, 1, 12), {"in_home": True, "private_talk": True})
            for kind in EventKind
            if kind not in (EventKind.COMPLAINT_RECEIVED, EventKind.LEGAL_BASIS_CHANGED)
        ),
    )
    today = D(2026, 3, 1)
    review = next_review(facts, today)
    assert review is not None
    assert obligations(facts, review) != obligations(facts, review - dt.timedelta(days=1))
