"""A municipality's staff. Not children's data: reads are not audited."""

from __future__ import annotations

import uuid

import asyncpg
from pydantic import BaseModel

from placement import corrections
from placement.audit import Actor
from placement.core.clock import today_in_sweden
from placement.database.pool import Connection
from placement.errors import Conflict, NotFound, ValidationFailed
from placement.models import Page, PageQuery, Staff, StaffIn
from placement.pagination import decode_cursor, next_cursor
from placement.repositories import corrections as correcting
from placement.repositories import one

_COLUMNS = "id, name, email, org_unit, roles, active, birth_date, created_at"


class StaffRepository:
    def __init__(self, conn: Connection, *, municipality_id: uuid.UUID) -> None:
        self.conn = conn
        self.municipality_id = municipality_id

    async def create(self, *, staff: StaffIn) -> Staff:
        try:
            row = await self.conn.fetchrow(
                f"""
                INSERT INTO staff (municipality_id, name, email, org_unit, roles, birth_date, personnummer)
                VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {_COLUMNS}
                """,  # noqa: S608 - a module constant column list
                self.municipality_id,
                staff.name,
                staff.email,
                staff.org_unit,
                [r.value for r in staff.roles],
                staff.birth_date,
                staff.personnummer,
            )
        except asyncpg.UniqueViolationError as error:
            raise Conflict(f"E-postadressen {staff.email} används redan av en annan medarbetare") from error
        return Staff.model_validate(one(row))

    async def get(self, *, staff_id: uuid.UUID) -> Staff:
        row = await self.conn.fetchrow(
            f"SELECT {_COLUMNS} FROM staff WHERE municipality_id = $1 AND id = $2",  # noqa: S608 - a module constant column list
            self.municipality_id,
            staff_id,
        )
        if row is None:
            raise NotFound("Medarbetaren finns inte")
        return Staff.model_validate(one(row))

    async def correct(
        self, *, staff_id: uuid.UUID, patch: BaseModel, if_match: str | None, actor: Actor
    ) -> Staff:
        """The staff member corrected in place (``active``: false deactivates). If-Match must name the
        current ETag. Deactivating ends the person's appointments as responsible social worker today,
        so the children's posts show as vacant (FU05); the caller recomputes their obligations.
        Returns the corrected staff member."""
        row = await correcting.lock(self.conn, "staff", self.municipality_id, staff_id)
        if row is None:
            raise NotFound("Medarbetaren finns inte")
        current = Staff.model_validate({k: row[k] for k in Staff.model_fields})
        corrections.require_current(if_match, current)
        stored = {k: row[k] for k in (*StaffIn.model_fields, "active")}
        corrected = corrections.merged(StaffIn, stored, patch).model_dump()
        corrected["roles"] = [r.value for r in corrected["roles"]]
        sent = patch.model_dump(exclude_unset=True)
        if "active" in sent:
            if sent["active"] is None:
                raise ValidationFailed.on("body.active", "Ska vara true eller false", "bool_type")
            corrected["active"] = sent["active"]
        changed = corrections.changes(stored, corrected)
        try:
            await correcting.update(self.conn, "staff", self.municipality_id, staff_id, changed)
        except asyncpg.UniqueViolationError as error:
            raise Conflict(
                f"E-postadressen {corrected['email']} används redan av en annan medarbetare"
            ) from error
        if "active" in changed and not corrected["active"]:
            await self.conn.execute(
                """UPDATE social_worker_assignment SET assigned_to = greatest(assigned_from, $3)
                    WHERE municipality_id = $1 AND staff_id = $2 AND assigned_to IS NULL""",
                self.municipality_id,
                staff_id,
                today_in_sweden(),
            )
        await corrections.record(
            self.conn, actor, object_type="staff", object_id=staff_id, child_id=None, changed=changed
        )
        return await self.get(staff_id=staff_id)

    async def placements_in_care(self, *, staff_id: uuid.UUID) -> list[uuid.UUID]:
        """The placements of the children the person was ever responsible social worker for (the
        scan's scope decides which still matter)."""
        rows = await self.conn.fetch(
            """SELECT DISTINCT p.id FROM placement p
                 JOIN social_worker_assignment a
                   ON a.municipality_id = p.municipality_id AND a.child_id = p.child_id
                WHERE p.municipality_id = $1 AND a.staff_id = $2 AND p.end_date IS NULL""",
            self.municipality_id,
            staff_id,
        )
        return [r["id"] for r in rows]

    async def list_page(self, *, page: PageQuery) -> Page[Staff]:
        after = decode_cursor(page.cursor) if page.cursor else None
        rows = await self.conn.fetch(
            f"""
            SELECT {_COLUMNS} FROM staff
             WHERE municipality_id = $1
               AND ($2::timestamptz IS NULL OR (created_at, id) > ($2, $3::uuid))
             ORDER BY created_at, id
             LIMIT $4
            """,  # noqa: S608 - a module constant column list
            self.municipality_id,
            after[0] if after else None,
            after[1] if after else None,
            page.limit + 1,
        )
        items = [Staff.model_validate(dict(r)) for r in rows[: page.limit]]
        return Page[Staff](items=items, next_cursor=next_cursor(rows, page.limit))
