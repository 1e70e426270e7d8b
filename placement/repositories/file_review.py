"""The aktgranskning's samples and reviews (EK12), in the database (migration V111). Drawing the
sample is pure (checks/egenkontroll/EK12.py); this module stores and reads it."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from checks.egenkontroll import CaseFile
from placement.database.pool import Connection


class FileReviewRepository:
    def __init__(self, conn: Connection, municipality_id: uuid.UUID) -> None:
        self.conn = conn
        self.municipality_id = municipality_id

    async def samples(self) -> list[Any]:
        """Every sample drawn, newest first, with its number of files and of those reviewed."""
        return await self.conn.fetch(
            """SELECT s.id, s.period_start, s.period_end, s.per_unit, s.seed, s.drawn_by, s.drawn_at,
                      count(r.placement_id) AS files, count(r.reviewed_at) AS reviewed
                 FROM file_review_sample s
                 LEFT JOIN file_review r ON r.municipality_id = s.municipality_id AND r.sample_id = s.id
                WHERE s.municipality_id = $1
                GROUP BY s.municipality_id, s.id ORDER BY s.drawn_at DESC""",
            self.municipality_id,
        )

    async def create(
        self,
        *,
        start: dt.date,
        end: dt.date,
        per_unit: int,
        seed: int,
        drawn_by: str,
        drawn: list[tuple[CaseFile, str]],
    ) -> uuid.UUID:
        """Store a sample: its period, size and seed, and the files drawn in order."""
        sample_id: uuid.UUID = await self.conn.fetchval(
            """INSERT INTO file_review_sample
                   (municipality_id, period_start, period_end, per_unit, seed, drawn_by)
               VALUES ($1, $2, $3, $4, $5, $6) RETURNING id""",
            self.municipality_id,
            start,
            end,
            per_unit,
            seed,
            drawn_by,
        )
        await self.conn.executemany(
            """INSERT INTO file_review
                   (municipality_id, sample_id, placement_id, position, unit, handlaggare, stratum)
               VALUES ($1, $2, $3, $4, $5, $6, $7)""",
            [
                (self.municipality_id, sample_id, f.placement_id, n, f.unit, f.handlaggare, stratum)
                for n, (f, stratum) in enumerate(drawn, start=1)
            ],
        )
        return sample_id

    async def sample(self, sample_id: uuid.UUID) -> Any:
        return await self.conn.fetchrow(
            "SELECT * FROM file_review_sample WHERE municipality_id = $1 AND id = $2",
            self.municipality_id,
            sample_id,
        )

    _FILE = """SELECT r.*, c.id AS child_id, c.name, c.birth_date, p.home_name
                 FROM file_review r
                 JOIN placement p ON p.municipality_id = r.municipality_id AND p.id = r.placement_id
                 JOIN child c ON c.municipality_id = p.municipality_id AND c.id = p.child_id
                WHERE r.municipality_id = $1 AND r.sample_id = $2"""

    async def files(self, sample_id: uuid.UUID) -> list[Any]:
        """The sample's files in the order drawn, each with its child (the caller audits the read)."""
        return await self.conn.fetch(self._FILE + " ORDER BY r.position", self.municipality_id, sample_id)

    async def file(self, sample_id: uuid.UUID, placement_id: uuid.UUID) -> Any:
        return await self.conn.fetchrow(
            self._FILE + " AND r.placement_id = $3", self.municipality_id, sample_id, placement_id
        )

    async def record(
        self, sample_id: uuid.UUID, placement_id: uuid.UUID, answers: list[bool], note: str | None, by: str
    ) -> None:
        """The reviewer's findings: documentation, plans, visits, information to the child."""
        await self.conn.execute(
            """UPDATE file_review SET documentation = $4, plans = $5, visits = $6, child_informed = $7,
                      note = $8, reviewed_by = $9, reviewed_at = now()
                WHERE municipality_id = $1 AND sample_id = $2 AND placement_id = $3""",
            self.municipality_id,
            sample_id,
            placement_id,
            *answers,
            note,
            by,
        )
