"""EK06: placements that ended as planned, and the reasons for moves and unplanned endings."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from checks.egenkontroll._indicator import Dimension, Verdict, indicator
from placement.core.vocabulary import EndReason

REASON_WORDS = {EndReason.MOVE: "flytt till annat boende", EndReason.UNPLANNED: "oplanerat avbrott"}


class EndingFacts(BaseModel):
    """A placement that ended in the period."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    end_date: dt.date = dt.date(2026, 6, 30)
    end_reason: EndReason | None = EndReason.PLANNED
    end_reason_note: str | None = None


@indicator(
    "EK06",
    "self_monitoring",
    dimensions=(Dimension.PROVIDER, Dimension.UNIT, Dimension.HANDLAGGARE),
    subject_word="avslutade placeringar",
    met_word="planerat avslutade",
)
def ek06_ended_as_planned(facts: EndingFacts) -> Verdict:
    """Placeringar som avslutats planerat

    Checks: each placement that ended in the period, by its recorded reason: planned, a move to
    another home, or an unplanned ending (sammanbrott), per provider and unit.
    Legal basis: SOSFS 2011:9 5 kap. 2 § (egenkontroll); IVO's decision (skäl till flyttar och avbrott).
    Fails when: it ended by a move or unplanned, or without a recorded reason.
    Passes when: it ended as planned.
    """
    if facts.end_reason is EndReason.PLANNED:
        return None
    if facts.end_reason is None:
        return ek06_ended_as_planned.finding("Avslutad utan angivet skäl")
    detail = REASON_WORDS[facts.end_reason].capitalize()
    if facts.end_reason_note:
        detail += f": {facts.end_reason_note}"
    return ek06_ended_as_planned.finding(detail)
