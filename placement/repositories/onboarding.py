"""The onboarding import's SQL: the case system's ids already imported, and set-based upserts of
staff, children, placements, decisions, social worker appointments and events (issue #18).

Every statement is one ``unnest`` over all the rows of a kind, so 5,000 placements cost a handful
of round trips. Ids of new objects are made here, so the ids of a kind are known before the next
kind (which refers to them) is written. The caller owns the transaction and the audit.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from placement.database.pool import Connection
from placement.errors import Conflict


@dataclass(frozen=True)
class Ref:
    object_id: uuid.UUID
    fingerprint: str


# Columns written per table: (column, SQL type). ``id`` first.
STAFF_COLUMNS = (
    ("id", "uuid"),
    ("name", "text"),
    ("email", "text"),
    ("org_unit", "text"),
    ("roles", "text"),  # a JSON array, cast below: unnest cannot take an array of arrays
    ("active", "boolean"),
)
CHILD_COLUMNS = (
    ("id", "uuid"),
    ("personnummer", "text"),
    ("name", "text"),
    ("birth_date", "date"),
    ("sex", "text"),
)
PLACEMENT_COLUMNS = (
    ("id", "uuid"),
    ("child_id", "uuid"),
    ("form", "text"),
    ("legal_basis", "text"),
    ("home_name", "text"),
    ("home_kommunkod", "text"),
    ("unit_code", "text"),
    ("start_date", "date"),
    ("planned_end_date", "date"),
    ("end_date", "date"),
    ("end_reason", "text"),
    ("daily_cost", "numeric"),
)
DECISION_COLUMNS = (
    ("id", "uuid"),
    ("placement_id", "uuid"),
    ("kind", "text"),
    ("decided_on", "date"),
    ("decided_by", "uuid"),
    ("valid_from", "date"),
    ("valid_to", "date"),
    ("urgent", "boolean"),
    ("urgent_reason", "text"),
)
ASSIGNMENT_COLUMNS = (
    ("id", "uuid"),
    ("child_id", "uuid"),
    ("staff_id", "uuid"),
    ("assigned_from", "date"),
    ("assigned_to", "date"),
)


_CHUNK = 1000


class OnboardingRepository:
    def __init__(self, conn: Connection, *, municipality_id: uuid.UUID) -> None:
        self.conn = conn
        self.municipality_id = municipality_id

    async def refs(self) -> dict[str, dict[str, Ref]]:
        """Per kind, the case system's ids imported before and what they became."""
        rows = await self.conn.fetch(
            "SELECT kind, case_id, object_id, fingerprint FROM case_system_ref WHERE municipality_id = $1",
            self.municipality_id,
        )
        out: dict[str, dict[str, Ref]] = {}
        for r in rows:
            out.setdefault(r["kind"], {})[r["case_id"]] = Ref(r["object_id"], r["fingerprint"])
        return out

    async def children_by_personnummer(self, *, personnummer: Sequence[str]) -> dict[str, uuid.UUID]:
        """Children already in the service (typed in before the import) by personnummer."""
        rows = await self.conn.fetch(
            """SELECT personnummer, id FROM child
                WHERE municipality_id = $1 AND personnummer = ANY ($2::text[])""",
            self.municipality_id,
            list(personnummer),
        )
        return {r["personnummer"]: r["id"] for r in rows}

    async def staff_by_email(self, *, emails: Sequence[str]) -> dict[str, uuid.UUID]:
        rows = await self.conn.fetch(
            "SELECT email, id FROM staff WHERE municipality_id = $1 AND email = ANY ($2::text[])",
            self.municipality_id,
            list(emails),
        )
        return {r["email"]: r["id"] for r in rows}

    async def _upsert(
        self, table: str, columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]]
    ) -> None:
        if not rows:
            return
        names = [c for c, _ in columns]
        arrays = ", ".join(f"${i + 2}::{t}[]" for i, (_, t) in enumerate(columns))
        selected = ", ".join(
            f"(SELECT coalesce(array_agg(x), '{{}}') FROM jsonb_array_elements_text(t.{c}::jsonb) x)"  # noqa: S608 - a column name of this module
            if (c, t) == ("roles", "text")
            else f"t.{c}"
            for c, t in columns
        )
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in names if c != "id")
        await self.conn.execute(
            f"""
            INSERT INTO {table} (municipality_id, {", ".join(names)})
            SELECT $1, {selected} FROM unnest({arrays}) AS t ({", ".join(names)})
            ON CONFLICT (municipality_id, id) DO UPDATE SET {updates}
            """,  # noqa: S608 - the module's constant table and column names
            self.municipality_id,
            *[[row[i] for row in rows] for i in range(len(columns))],
        )

    async def upsert_staff(self, *, rows: Sequence[Sequence[Any]]) -> None:
        try:
            await self._upsert("staff", STAFF_COLUMNS, rows)
        except asyncpg.UniqueViolationError as error:
            raise Conflict("Två medarbetare i filen har samma e-postadress") from error

    async def upsert_children(self, *, rows: Sequence[Sequence[Any]]) -> None:
        try:
            await self._upsert("child", CHILD_COLUMNS, rows)
        except asyncpg.UniqueViolationError as error:
            raise Conflict("Två barn i filen har samma personnummer") from error

    async def upsert_placements(self, *, rows: Sequence[Sequence[Any]]) -> None:
        """In chunks. The overlap trigger (V001) looks for the child's other placements with a plan
        made from the table's statistics; on a table that is empty or small beside the import
        (a new municipality's first import) that plan reads the whole table for every row, and the
        import grows quadratic (3.3 s for 5,000 rows, against 0.3 s). So, where the statistics are
        small beside what is written and the connection may, they are refreshed between chunks
        (ANALYZE is allowed in a transaction and replans the trigger's query)."""
        try:
            for start in range(0, len(rows), _CHUNK):
                await self._refresh_statistics("placement", len(rows) - start)
                await self._upsert("placement", PLACEMENT_COLUMNS, rows[start : start + _CHUNK])
        except asyncpg.ExclusionViolationError as error:
            raise Conflict(
                "En placering i filen överlappar en placering av samma barn som redan finns i tjänsten"
            ) from error

    async def _refresh_statistics(self, table: str, coming: int) -> None:
        known = await self.conn.fetchrow(
            """SELECT reltuples, pg_has_role(relowner, 'USAGE') AS owner
                 FROM pg_class WHERE oid = $1::regclass""",
            table,
        )
        if known is not None and known["owner"] and known["reltuples"] < 4 * coming:
            await self.conn.execute(f"ANALYZE {table}")

    async def upsert_decisions(self, *, rows: Sequence[Sequence[Any]]) -> None:
        await self._upsert("decision", DECISION_COLUMNS, rows)

    async def upsert_assignments(self, *, rows: Sequence[Sequence[Any]]) -> None:
        """The appointments; an open appointment in the file closes another open one of the same
        child recorded in the service before (a child has one responsible social worker)."""
        if not rows:
            return
        opened = [(r[0], r[1], r[3]) for r in rows if r[4] is None]
        if opened:
            await self.conn.execute(
                """
                UPDATE social_worker_assignment a
                   SET assigned_to = greatest(a.assigned_from, o.assigned_from)
                  FROM unnest($2::uuid[], $3::uuid[], $4::date[]) AS o (id, child_id, assigned_from)
                 WHERE a.municipality_id = $1 AND a.child_id = o.child_id AND a.assigned_to IS NULL
                   AND a.id <> o.id
                """,
                self.municipality_id,
                [o[0] for o in opened],
                [o[1] for o in opened],
                [o[2] for o in opened],
            )
        try:
            await self._upsert("social_worker_assignment", ASSIGNMENT_COLUMNS, rows)
        except asyncpg.UniqueViolationError as error:
            raise Conflict(
                "Ett barn har mer än ett pågående uppdrag som ansvarig socialsekreterare"
            ) from error

    async def insert_events(self, *, rows: Sequence[Sequence[Any]], recorded_by: str) -> None:
        """Events are never rewritten: a changed row is a new event that corrects the one before
        (rows: id, placement_id, kind, occurred_on, staff_id, details as JSON, corrects)."""
        if not rows:
            return
        await self.conn.execute(
            """
            INSERT INTO placement_event
                (municipality_id, id, placement_id, kind, occurred_on, staff_id, details, corrects,
                 recorded_by)
            SELECT $1, t.id, t.placement_id, t.kind, t.occurred_on, t.staff_id, t.details::jsonb,
                   t.corrects, $9
              FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::date[], $6::uuid[], $7::text[], $8::uuid[])
                   AS t (id, placement_id, kind, occurred_on, staff_id, details, corrects)
            """,
            self.municipality_id,
            *[[row[i] for row in rows] for i in range(7)],
            recorded_by,
        )

    async def remember(self, *, kind: str, refs: Sequence[tuple[str, uuid.UUID, str]]) -> None:
        """The case system's ids of this run, what they became, and their fingerprints."""
        if not refs:
            return
        await self.conn.execute(
            """
            INSERT INTO case_system_ref (municipality_id, kind, case_id, object_id, fingerprint)
            SELECT $1, $2, * FROM unnest($3::text[], $4::uuid[], $5::text[])
            ON CONFLICT (municipality_id, kind, case_id) DO UPDATE
               SET object_id = EXCLUDED.object_id, fingerprint = EXCLUDED.fingerprint, imported_at = now()
            """,
            self.municipality_id,
            kind,
            [r[0] for r in refs],
            [r[1] for r in refs],
            [r[2] for r in refs],
        )

    async def children_of_placements(
        self, *, placement_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, uuid.UUID]:
        rows = await self.conn.fetch(
            "SELECT id, child_id FROM placement WHERE municipality_id = $1 AND id = ANY ($2::uuid[])",
            self.municipality_id,
            list(placement_ids),
        )
        return {r["id"]: r["child_id"] for r in rows}
