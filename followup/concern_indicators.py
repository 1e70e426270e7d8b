"""The egenkontroll indicators of reports of concern (pure): the share of skyddsbedömningar made in
time and documented, of förhandsbedömningar and of utredningar in time, per unit, by sex and age
band, each with the numbers behind it and against the nämnd's targets.

The cohort is the reports received in the period. A report counts for a measure once its outcome is
known on ``as_of``: the step was taken, or its deadline has passed without it (still-running ones
whose deadline lies ahead are left out, so a share never improves by waiting):

- skyddsbedömning: reports (not other information); in time = CH01 met (made by its due day and
  documented with name and role, time, facts and conclusion);
- förhandsbedömning: reports; in time = decided on or before the day CH02 counts to (14 days, or an
  extension with its reasons decided in time);
- utredning: investigations opened from those reports; in time = ended on or before the day CH03
  counts to (four months, or a documented extension decided in time).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from followup.concern_model import RULES, ConcernFacts, ConcernPolicy, ConcernState
from placement.core.vocabulary import Sex

ALL = "alla"
NO_UNIT = "(ingen enhet)"
AGE_BANDS = (("0-5", 0, 5), ("6-12", 6, 12), ("13-17", 13, 17), ("18-", 18, 200))


class Measure(StrEnum):
    PROTECTION = "protection_in_time_documented"
    PRELIMINARY = "preliminary_in_time"
    INVESTIGATION = "investigation_in_time"


MEASURE_LABELS = {
    Measure.PROTECTION: "skyddsbedömningar gjorda i tid och dokumenterade",
    Measure.PRELIMINARY: "förhandsbedömningar klara inom 14 dagar",
    Measure.INVESTIGATION: "utredningar klara inom fyra månader",
}


@dataclass(frozen=True)
class IndicatorRow:
    """One report with what the indicators split it by (no name, no personnummer)."""

    facts: ConcernFacts
    reception_unit: str | None  # counts the skyddsbedömning and the förhandsbedömning
    org_unit: str | None  # the unit handling it now: counts the investigation
    sex: Sex
    birth_date: dt.date


@dataclass(frozen=True)
class Targets:
    """The nämnd's targets in percent (policy ``concerns``)."""

    protection: float = 100
    preliminary: float = 70
    investigation: float = 75

    def of(self, measure: Measure) -> float:
        return {
            Measure.PROTECTION: self.protection,
            Measure.PRELIMINARY: self.preliminary,
            Measure.INVESTIGATION: self.investigation,
        }[measure]


@dataclass(frozen=True)
class Cell:
    measure: Measure
    org_unit: str
    sex: str
    age_band: str
    in_time: int
    total: int
    target_percent: float

    @property
    def percent(self) -> float | None:
        return round(100 * self.in_time / self.total, 1) if self.total else None

    @property
    def meets_target(self) -> bool | None:
        share = self.percent
        return None if share is None else share >= self.target_percent


def age_band(birth_date: dt.date, on: dt.date) -> str:
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    return next(name for name, low, high in AGE_BANDS if low <= age <= high) if age >= 0 else AGE_BANDS[0][0]


def outcome(measure: Measure, facts: ConcernFacts, as_of: dt.date, policy: ConcernPolicy) -> bool | None:
    """Whether the report counts as in time for the measure; None where it does not count (yet)."""
    if measure is Measure.PROTECTION:
        if not facts.is_report:
            return None
        [item] = RULES["CH01"].function(facts, as_of, policy)
        if item.state in (ConcernState.OPEN, ConcernState.DUE_SOON):
            return None
        return item.state is ConcernState.MET
    if measure is Measure.PRELIMINARY:
        if not facts.is_report:
            return None
        preliminary_due = facts.preliminary_due()
        if facts.preliminary is not None:
            return facts.preliminary.decided_on <= preliminary_due
        return False if as_of > preliminary_due else None
    investigation, investigation_due = facts.investigation, facts.investigation_due()
    if investigation is None or investigation_due is None:
        return None
    if investigation.ended_on is not None:
        return investigation.ended_on <= investigation_due
    return False if as_of > investigation_due else None


def indicators(
    rows: Iterable[IndicatorRow], *, as_of: dt.date, policy: ConcernPolicy, targets: Targets
) -> list[Cell]:
    """Every measure for every unit, sex and age band and their totals (``alla``), with the counts.
    The skyddsbedömning and the förhandsbedömning count for the unit that received the report, the
    investigation for the unit handling it."""
    leaves: dict[tuple[Measure, str, str, str], list[int]] = {}
    for row in rows:
        band = age_band(row.birth_date, row.facts.received_on)
        for measure in Measure:
            result = outcome(measure, row.facts, as_of, policy)
            if result is None:
                continue
            unit = row.org_unit if measure is Measure.INVESTIGATION else row.reception_unit
            count = leaves.setdefault((measure, unit or NO_UNIT, row.sex.value, band), [0, 0])
            count[0] += int(result)
            count[1] += 1
    counts: dict[tuple[Measure, str, str, str], list[int]] = {}
    for (measure, unit, sex, band), (in_time, total) in leaves.items():
        for key in itertools.product((unit, ALL), (sex, ALL), (band, ALL)):
            count = counts.setdefault((measure, *key), [0, 0])
            count[0] += in_time
            count[1] += total
    return [
        Cell(measure, unit, sex, band, in_time, total, targets.of(measure))
        for (measure, unit, sex, band), (in_time, total) in sorted(counts.items(), key=_order)
    ]


def _order(entry: tuple[tuple[Measure, str, str, str], Sequence[int]]) -> tuple[int, str, str, str]:
    (measure, unit, sex, band), _ = entry
    return (
        list(Measure).index(measure),
        "" if unit == ALL else unit,
        "" if sex == ALL else sex,
        "" if band == ALL else band,
    )
