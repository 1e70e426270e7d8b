"""Contracts and their follow-up dates (pure)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from placement.core.clock import add_months


class ContractKind(StrEnum):
    RAMAVTAL = "ramavtal"
    DIREKTUPPHANDLING = "direktupphandling"
    INDIVIDAVTAL = "individavtal"


class FollowUpResult(StrEnum):
    OK = "ok"
    DEVIATIONS = "deviations"
    TERMINATED = "terminated"


LABELS: dict[StrEnum, str] = {
    ContractKind.RAMAVTAL: "ramavtal",
    ContractKind.DIREKTUPPHANDLING: "direktupphandling",
    ContractKind.INDIVIDAVTAL: "individavtal",
    FollowUpResult.OK: "utan anmärkning",
    FollowUpResult.DEVIATIONS: "med avvikelser",
    FollowUpResult.TERMINATED: "avtalet sägs upp",
}


def next_follow_up_due(valid_from: dt.date, last_follow_up: dt.date | None, interval_months: int) -> dt.date:
    """When the next follow-up is due: an interval after the last one, or after the start."""
    return add_months(last_follow_up or valid_from, interval_months)
