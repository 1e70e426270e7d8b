"""Rows recorded before the date rules existed that break them: found and reported, never changed.

The rules (placement/models.py, placement/clock.py): what was done (events, decisions, endings,
appointments) lies on or before today; events and reviewing decisions not before the placement's
start (a vårdplan and an investigation's end may); a start at most a year ahead; an end either
open or within a hundred years, 9999-12-31 being a case system's way of writing "open"."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel

from placement.core.clock import FURTHEST_END_YEARS, OPEN_END_FROM, add_months, latest_start
from placement.database.pool import Connection
from placement.models import EARLIEST

PROBLEMS: dict[str, str] = {
    "future_date": "ligger efter dagens datum",
    "before_start": "ligger före placeringens start",
    "start_too_far_ahead": "ligger mer än ett år fram i tiden",
    "end_too_far_ahead": "ligger orimligt långt fram i tiden",
    "open_end_written_as_date": "är skrivet som ett datum men betyder tills vidare (läses nu som öppet)",
    "date_too_early": "ligger före 1900",
}
OBJECTS: dict[str, str] = {
    "placement": "placering",
    "decision": "beslut",
    "placement_event": "händelse",
    "social_worker_assignment": "förordnande av socialsekreterare",
}

FIELDS: dict[str, str] = {
    "start_date": "startdatum",
    "planned_end_date": "planerat slutdatum",
    "end_date": "slutdatum",
    "decided_on": "beslutsdatum",
    "valid_from": "gäller från",
    "valid_to": "gäller till",
    "occurred_on": "datum",
    "assigned_from": "förordnad från",
}


class DateProblem(BaseModel):
    object: str
    id: uuid.UUID
    field: str
    value: dt.date
    problem: str

    def line(self) -> str:
        """One line in Swedish, naming the row by its id only (no personal data)."""
        what = f"{OBJECTS[self.object]} {self.id}: {FIELDS[self.field]} {self.value.isoformat()}"
        return f"{what} {PROBLEMS[self.problem]}"


_QUERY = """
WITH p AS (SELECT * FROM placement WHERE municipality_id = $1)
SELECT 'placement' AS object, id, 'start_date' AS field, start_date AS value,
       CASE WHEN start_date < $6 THEN 'date_too_early' ELSE 'start_too_far_ahead' END AS problem
  FROM p WHERE start_date > $3 OR start_date < $6
UNION ALL
SELECT 'placement', id, 'planned_end_date', planned_end_date,
       CASE WHEN planned_end_date >= $5 THEN 'open_end_written_as_date' ELSE 'end_too_far_ahead' END
  FROM p WHERE planned_end_date > $4
UNION ALL
SELECT 'placement', id, 'end_date', end_date, 'future_date' FROM p WHERE end_date > $2
UNION ALL
SELECT 'decision', d.id, 'decided_on', d.decided_on, 'future_date'
  FROM decision d WHERE d.municipality_id = $1 AND d.decided_on > $2
UNION ALL
SELECT 'decision', d.id, 'decided_on', d.decided_on, 'before_start'
  FROM decision d JOIN p ON p.id = d.placement_id
 WHERE d.municipality_id = $1 AND d.kind IN ('overvagande', 'omprovning') AND d.decided_on < p.start_date
UNION ALL
SELECT 'decision', d.id, 'valid_from', d.valid_from, 'start_too_far_ahead'
  FROM decision d WHERE d.municipality_id = $1 AND d.valid_from > $3
UNION ALL
SELECT 'decision', d.id, 'valid_to', d.valid_to,
       CASE WHEN d.valid_to >= $5 THEN 'open_end_written_as_date' ELSE 'end_too_far_ahead' END
  FROM decision d WHERE d.municipality_id = $1 AND d.valid_to > $4
UNION ALL
SELECT 'placement_event', e.id, 'occurred_on', e.occurred_on, 'future_date'
  FROM placement_event e WHERE e.municipality_id = $1 AND e.occurred_on > $2
UNION ALL
SELECT 'placement_event', e.id, 'occurred_on', e.occurred_on, 'before_start'
  FROM placement_event e JOIN p ON p.id = e.placement_id
 WHERE e.municipality_id = $1 AND e.occurred_on < p.start_date
   AND e.kind NOT IN ('care_plan', 'investigation_ended')
UNION ALL
SELECT 'social_worker_assignment', a.id, 'assigned_from', a.assigned_from, 'future_date'
  FROM social_worker_assignment a WHERE a.municipality_id = $1 AND a.assigned_from > $2
ORDER BY 1, 3, 2
"""


async def date_problems(conn: Connection, municipality_id: uuid.UUID, today: dt.date) -> list[DateProblem]:
    """The municipality's rows that break the date rules (read only; run under its tenant)."""
    rows = await conn.fetch(
        _QUERY,
        municipality_id,
        today,
        latest_start(today),
        add_months(today, 12 * FURTHEST_END_YEARS),
        OPEN_END_FROM,
        EARLIEST,
    )
    return [DateProblem.model_validate(dict(r)) for r in rows]
