"""A municipality's staff. Not children's data: reads are not audited."""

from __future__ import annotations

import uuid

import asyncpg

from placement.database.pool import Connection
from placement.errors import Conflict, NotFound
from placement.models import Page, PageQuery, Staff, StaffIn
from placement.pagination import decode_cursor, next_cursor
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
                """,
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
            f"SELECT {_COLUMNS} FROM staff WHERE municipality_id = $1 AND id = $2",
            self.municipality_id,
            staff_id,
        )
        if row is None:
            raise NotFound("Medarbetaren finns inte")
        return Staff.model_validate(one(row))

    async def list_page(self, *, page: PageQuery) -> Page[Staff]:
        after = decode_cursor(page.cursor) if page.cursor else None
        rows = await self.conn.fetch(
            f"""
            SELECT {_COLUMNS} FROM staff
             WHERE municipality_id = $1
               AND ($2::timestamptz IS NULL OR (created_at, id) > ($2, $3::uuid))
             ORDER BY created_at, id
             LIMIT $4
            """,
            self.municipality_id,
            after[0] if after else None,
            after[1] if after else None,
            page.limit + 1,
        )
        items = [Staff.model_validate(dict(r)) for r in rows[: page.limit]]
        return Page[Staff](items=items, next_cursor=next_cursor(rows, page.limit))
