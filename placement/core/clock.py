"""Dates as the municipality sees them: calendar dates in Swedish time, not UTC instants.

Date arithmetic here never raises: a result beyond the calendar's ends is its first or last day,
so no date stored in the database, however odd, can make a rule fail. What the service accepts
is narrower (see the date rules below): nothing recorded as done lies after today, "until
further notice" is an open end (null), and the way case systems write it, 9999-12-31 (any date
from 9999-01-01), is read as open.
"""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

SWEDEN = ZoneInfo("Europe/Stockholm")

# Case systems write "until further notice" as 9999-12-31; any end from this day on is open.
OPEN_END_FROM = dt.date(9999, 1, 1)
# An end date further ahead than this (and not the open-end convention) is a typing error.
FURTHEST_END_YEARS = 100
# A placement or a decision's validity may be planned to start at most this far ahead.
FURTHEST_START_MONTHS = 12


def today_in_sweden() -> dt.date:
    return dt.datetime.now(SWEDEN).date()


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; a day the month lacks becomes its last (31 Aug + 6 = 28/29 Feb).
    Beyond the calendar's ends: its last (or first) day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if year > dt.MAXYEAR:
        return dt.date.max
    if year < dt.MINYEAR:
        return dt.date.min
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_days(day: dt.date, days: int) -> dt.date:
    """``days`` later (earlier, if negative); beyond the calendar's ends: its last (or first) day."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def open_end(day: dt.date | None) -> dt.date | None:
    """An end date as the service keeps it: None (until further notice) for 9999-... dates."""
    return None if day is None or day >= OPEN_END_FROM else day


def too_far_ahead(day: dt.date, today: dt.date) -> bool:
    """An end date more than FURTHEST_END_YEARS ahead (after the open-end convention is applied)."""
    return day > add_months(today, 12 * FURTHEST_END_YEARS)


def latest_start(today: dt.date) -> dt.date:
    """The last day a placement or a decision's validity may be planned to start on."""
    return add_months(today, FURTHEST_START_MONTHS)
