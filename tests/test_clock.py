"""Date arithmetic never raises, and the dates a case system writes for "until further notice"
are read as open: no date in the database, however odd, can make an obligation rule fail."""

from __future__ import annotations

import datetime as dt
import itertools

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
from placement.core.clock import add_days, add_months, open_end, too_far_ahead
from placement.core.vocabulary import DecisionKind, EndReason, LegalBasis, PlacementForm

D = dt.date
EDGES = (dt.date.max, D(9999, 12, 1), D(9998, 12, 31), dt.date.min, D(1, 2, 28))


def test_months_and_days_stop_at_the_calendars_ends() -> None:
    assert add_months(D(9999, 12, 31), 6) == dt.date.max
    assert add_months(D(9999, 8, 31), 2) == D(9999, 10, 31)
    assert add_months(D(1, 3, 1), -6) == dt.date.min
    assert add_days(D(9999, 12, 31), 1) == dt.date.max
    assert add_days(D(1, 1, 1), -1) == dt.date.min
    assert add_months(D(2025, 8, 31), 6) == D(2026, 2, 28)  # unchanged inside the calendar


def test_until_further_notice_is_open() -> None:
    assert open_end(D(9999, 12, 31)) is None
    assert open_end(D(9999, 1, 1)) is None
    assert open_end(D(2030, 6, 30)) == D(2030, 6, 30)
    assert open_end(None) is None
    assert too_far_ahead(D(2200, 1, 1), D(2026, 11, 29))
    assert not too_far_ahead(D(2099, 12, 31), D(2026, 11, 29))


@pytest.mark.parametrize(
    ("form", "basis"),
    [
        (PlacementForm.HVB, LegalBasis.SOL),
        (PlacementForm.JOURHEM, LegalBasis.LVU_2),
        (PlacementForm.FAMILJEHEM, LegalBasis.LVU_3),
    ],
)
def test_no_date_makes_a_rule_raise(form: PlacementForm, basis: LegalBasis) -> None:
    """Every rule and the review day, over placements starting, ending, decided, valid to and with
    events at the calendar's ends (the 9999-12-31 a case system writes), on such days too."""
    policy = Policy()
    for start, edge, today in itertools.product((D(2026, 1, 10), *EDGES), EDGES, (D(2026, 11, 29), *EDGES)):
        facts = PlacementFacts(
            form=form,
            legal_basis=basis,
            start_date=start,
            end_date=edge if edge >= start else None,
            end_reason=EndReason.UNPLANNED if edge >= start else None,
            child_birth_date=min(start, D(2012, 5, 5)),
            decisions=(
                DecisionFact(DecisionKind.PLACEMENT_SOL, start, start, edge if edge >= start else None),
            ),
            assignments=(Assignment(start, None),),
            events=(
                Event(EventKind.VISIT, edge, {"in_home": True, "private_talk": True}),
                Event(EventKind.COMPLAINT_RECEIVED, edge, {"ref": "K1"}),
                Event(EventKind.INVESTIGATION_ENDED, edge, {}),
                Event(EventKind.OVERVAGANDE, edge, {}),
            ),
        )
        found = obligations(facts, today, policy)
        next_review(facts, today, policy, found)
