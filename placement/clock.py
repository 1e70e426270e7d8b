"""Dates as the municipality sees them: calendar dates in Swedish time, not UTC instants."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SWEDEN = ZoneInfo("Europe/Stockholm")


def today_in_sweden() -> dt.date:
    return dt.datetime.now(SWEDEN).date()
