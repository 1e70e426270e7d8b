"""Statutory time as lag (1930:173) counts it: a last day on a day off moves to the next weekday,
and an obligation whose statutory last day moves keeps both days."""

from __future__ import annotations

import datetime as dt

import pytest

from followup.obligations import Assignment, PlacementFacts, obligations
from placement.core.statutory_time import deadline, is_day_off, months_after, rolled
from placement.core.vocabulary import LegalBasis, PlacementForm

D = dt.date


@pytest.mark.parametrize(
    ("last_day", "moved_to", "why"),
    [
        (D(2026, 6, 19), D(2026, 6, 22), "midsommarafton, then a weekend"),
        (D(2026, 12, 24), D(2026, 12, 28), "julafton, juldagen, annandag jul, a Sunday"),
        (D(2026, 12, 31), D(2027, 1, 4), "nyårsafton, nyårsdagen, a weekend"),
        (D(2026, 4, 3), D(2026, 4, 7), "långfredagen to annandag påsk"),
        (D(2026, 5, 30), D(2026, 6, 1), "a Saturday"),
        (D(2026, 6, 7), D(2026, 6, 8), "a Sunday (not in the library's default calendar)"),
        (D(2026, 6, 6), D(2026, 6, 8), "nationaldagen on a Saturday"),
        (D(2026, 6, 5), D(2026, 6, 5), "an ordinary Friday stays"),
        (D(2026, 4, 30), D(2026, 4, 30), "valborgsmässoafton is a working day"),
    ],
)
def test_a_last_day_off_moves_to_the_next_weekday(last_day: dt.date, moved_to: dt.date, why: str) -> None:
    assert rolled(last_day) == moved_to, why
    assert is_day_off(last_day) is (last_day != moved_to)


def test_a_month_period_ends_on_the_same_day_or_the_months_last() -> None:
    assert months_after(D(2025, 8, 31), 6) == deadline(D(2026, 2, 28))
    assert months_after(D(2025, 8, 31), 6).rolled == D(2026, 3, 2)  # 28 February 2026 is a Saturday
    assert months_after(D(2026, 1, 6), 6).differs is False  # 6 July 2026 is a Monday


def test_the_overvagande_shows_both_days_where_they_differ() -> None:
    """Six months from 19 December is midsommarafton 2026: due that day (the cautious reading),
    and the day the act would allow shown beside it."""
    facts = PlacementFacts(
        form=PlacementForm.HVB,
        legal_basis=LegalBasis.SOL,
        start_date=D(2025, 12, 19),
        end_date=None,
        end_reason=None,
        child_birth_date=D(2012, 5, 5),
        assignments=(Assignment(D(2025, 12, 19), None),),
    )
    [fu01] = [o for o in obligations(facts, D(2026, 6, 1)) if o.code == "FU01"]
    assert (fu01.due_on, fu01.rolled_due_on) == (D(2026, 6, 19), D(2026, 6, 22))
    [contact] = [o for o in obligations(facts, D(2026, 6, 1)) if o.code == "FU06"]
    assert contact.rolled_due_on is None  # policy days, not a statutory period
