"""Statutory time as lag (1930:173) om beräkning av lagstadgad tid counts it (pure).

A period in months ends on the same day number in the last month, or on that month's last day
where the day number is missing (placement/core/clock.py ``add_months``). A last day that falls on a
Saturday, a Sunday, a public holiday, midsommarafton, julafton or nyårsafton moves to the next day
that is none of these (2 §).

Whether the act applies to the nämnd's own time limits (six-monthly övervägande, three months to
enforce a decision) is not settled, so a :class:`Deadline` keeps both days: the calendar day (what
the service counts as due, the cautious reading) and the rolled day (what the act would allow).

The public holidays come from the ``holidays`` package; its Swedish calendar does not list
Sundays (unless asked) nor the three eves, which the act names, so they are added here.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import holidays

from placement.core.clock import add_days, add_months

SATURDAY, SUNDAY = 5, 6


@functools.cache
def _public_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("SE", years=year))


def _eves(year: int) -> frozenset[dt.date]:
    """Midsommarafton (the Friday from 19 to 25 June), julafton and nyårsafton."""
    midsummer_eve = next(dt.date(year, 6, d) for d in range(19, 26) if dt.date(year, 6, d).weekday() == 4)
    return frozenset({midsummer_eve, dt.date(year, 12, 24), dt.date(year, 12, 31)})


def is_day_off(day: dt.date) -> bool:
    """A Saturday, a Sunday, a public holiday or one of the eves lag (1930:173) names."""
    return day.weekday() in (SATURDAY, SUNDAY) or day in _public_holidays(day.year) or day in _eves(day.year)


def rolled(day: dt.date) -> dt.date:
    """The last day of a period, moved past days off to the next weekday that is not one (at the
    calendar's end, its last day: no date makes this raise)."""
    while is_day_off(day) and day < dt.date.max:
        day = add_days(day, 1)
    return day


@dataclass(frozen=True)
class Deadline:
    calendar: dt.date
    rolled: dt.date

    @property
    def differs(self) -> bool:
        return self.rolled != self.calendar

    @property
    def rolled_if_different(self) -> dt.date | None:
        return self.rolled if self.differs else None


def deadline(calendar_day: dt.date) -> Deadline:
    """The last day of a period, as the calendar gives it and as the act would move it."""
    return Deadline(calendar_day, rolled(calendar_day))


def months_after(start: dt.date, months: int) -> Deadline:
    """The last day of a period of ``months`` months from ``start``."""
    return deadline(add_months(start, months))
