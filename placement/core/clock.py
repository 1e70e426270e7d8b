"""Dates as the municipality sees them: calendar dates in Swedish time, not UTC instants."""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

SWEDEN = ZoneInfo("Europe/Stockholm")


def today_in_sweden() -> dt.date:
    return dt.datetime.now(SWEDEN).date()


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; a day the month lacks becomes its last (31 Aug + 6 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
