"""Children. Every read and write is audited in the same transaction."""

from __future__ import annotations

import uuid

import asyncpg
from pydantic import BaseModel

from placement import audit, corrections
from placement.audit import Access, Actor, AuditAction
from placement.database.pool import Connection
from placement.errors import Conflict, NotFound
from placement.models import Child, ChildIn, Page, PageQuery
from placement.pagination import decode_cursor, next_cursor
from placement.repositories import one

_COLUMNS = "id, personnummer, name, birth_date, sex, created_at"


def _access(child: Child) -> Access:
    return Access("child", child.id, child.id)


class ChildRepository:
    def __init__(self, conn: Connection, *, actor: Actor) -> None:
        self.conn = conn
        self.actor = actor

    async def create(self, *, child: ChildIn) -> Child:
        """A new child; a personnummer already registered in the municipality is a 409 that says
        no more than the caller may know (the child's id only within their reach), and is logged
        as a lookup of that child."""
        if child.personnummer is not None:
            await self._refuse_registered(child.personnummer)
        try:
            row = await self.conn.fetchrow(
                f"""
                INSERT INTO child (municipality_id, personnummer, name, birth_date, sex)
                VALUES ($1, $2, $3, $4, $5) RETURNING {_COLUMNS}
                """,  # noqa: S608 - a module constant column list
                self.actor.municipality_id,
                child.personnummer,
                child.name,
                child.birth_date,
                child.sex,
            )
        except asyncpg.UniqueViolationError as error:
            raise Conflict("Ett barn med det personnumret finns redan i kommunen") from error
        created = Child.model_validate(one(row))
        await audit.record(self.conn, self.actor, AuditAction.CREATE, [_access(created)])
        return created

    async def _refuse_registered(self, personnummer: str) -> None:
        row = await self.conn.fetchrow(
            """SELECT id, child_in_reach($1, id, $3, $4, $5) AS reached FROM child
                WHERE municipality_id = $1 AND personnummer = $2""",
            self.actor.municipality_id,
            personnummer,
            *self.actor.reads.sql_args(),
        )
        if row is None:
            return
        await audit.record(self.conn, self.actor, AuditAction.LOOKUP, [Access("child", row["id"], row["id"])])
        raise Conflict(
            "Ett barn med det personnumret finns redan i kommunen",
            extra={"child_id": str(row["id"])} if row["reached"] else None,
        )

    async def get(self, *, child_id: uuid.UUID) -> Child:
        row = await self.conn.fetchrow(
            f"""SELECT {_COLUMNS} FROM child
                 WHERE municipality_id = $1 AND id = $2 AND child_in_reach($1, id, $3, $4, $5)""",  # noqa: S608 - a module constant column list
            self.actor.municipality_id,
            child_id,
            *self.actor.reads.sql_args(),
        )
        if row is None:
            raise NotFound("Barnet finns inte")
        child = Child.model_validate(one(row))
        await audit.record(self.conn, self.actor, AuditAction.READ, [_access(child)])
        return child

    async def correct(self, *, child_id: uuid.UUID, patch: BaseModel, if_match: str | None) -> Child:
        """The child corrected in place: If-Match must name its current ETag; the corrected child is
        validated as a new one (a personnummer sets birth date and sex). The changed fields before
        and after go in the history; the caller recomputes what derives from it."""
        row = await self.conn.fetchrow(
            f"""SELECT {_COLUMNS} FROM child
                 WHERE municipality_id = $1 AND id = $2 AND child_in_reach($1, id, $3, $4, $5) FOR UPDATE""",  # noqa: S608 - a module constant column list
            self.actor.municipality_id,
            child_id,
            *self.actor.writes.sql_args(),
        )
        if row is None:
            raise NotFound("Barnet finns inte")
        current = Child.model_validate(dict(row))
        corrections.require_current(if_match, current)
        before = current.model_dump()
        sent = patch.model_dump(exclude_unset=True)
        base = before
        if "personnummer" in sent:
            # What is read from the personnummer follows it unless given too.
            base = {k: v for k, v in before.items() if k in sent or k not in ("birth_date", "sex")}
        changed = corrections.changes(before, corrections.merged(ChildIn, base, patch).model_dump())
        if not changed:
            return current
        assignments = ", ".join(f"{column} = ${n}" for n, column in enumerate(changed, start=3))
        try:
            updated = await self.conn.fetchrow(
                f"UPDATE child SET {assignments} WHERE municipality_id = $1 AND id = $2 RETURNING {_COLUMNS}",  # noqa: S608 - SET list of column names from the model, values bound
                self.actor.municipality_id,
                child_id,
                *(after for _, after in changed.values()),
            )
        except asyncpg.UniqueViolationError as error:
            raise Conflict("Ett barn med det personnumret finns redan i kommunen") from error
        await corrections.record(
            self.conn, self.actor, object_type="child", object_id=child_id, child_id=child_id, changed=changed
        )
        return Child.model_validate(one(updated))

    async def placement_ids(self, *, child_id: uuid.UUID) -> list[uuid.UUID]:
        """The child's placements (for recomputing what derives from the child's facts)."""
        rows = await self.conn.fetch(
            "SELECT id FROM placement WHERE municipality_id = $1 AND child_id = $2",
            self.actor.municipality_id,
            child_id,
        )
        return [r["id"] for r in rows]

    async def list_page(self, *, page: PageQuery) -> Page[Child]:
        after = decode_cursor(page.cursor) if page.cursor else None
        rows = await self.conn.fetch(
            f"""
            SELECT {_COLUMNS} FROM child
             WHERE municipality_id = $1 AND child_in_reach($1, id, $5, $6, $7)
               AND ($2::timestamptz IS NULL OR (created_at, id) > ($2, $3::uuid))
             ORDER BY created_at, id
             LIMIT $4
            """,  # noqa: S608 - a module constant column list
            self.actor.municipality_id,
            after[0] if after else None,
            after[1] if after else None,
            page.limit + 1,
            *self.actor.reads.sql_args(),
        )
        items = [Child.model_validate(dict(r)) for r in rows[: page.limit]]
        await audit.record(self.conn, self.actor, AuditAction.READ, [_access(c) for c in items])
        return Page[Child](items=items, next_cursor=next_cursor(rows, page.limit))
