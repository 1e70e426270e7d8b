"""Findings from register changes (SV01–SV03, SV08, SV09) about the municipality's placements.
Each names placements, so reading them is reading children's data: only placements within the
reader's reach are shown, and each shown is in the audit log."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, Field

from placement import audit
from placement.audit import Access, Actor, AuditAction
from placement.core.rulebook import lookup
from placement.database.pool import Connection
from placement.models import PageQuery
from placement.pagination import decode_cursor, next_cursor
from suppliers import rules as _supplier_rules  # noqa: F401 - registers SV01-SV09


class RegisterFinding(BaseModel):
    id: uuid.UUID
    code: str
    title: str
    summary: str
    unit_code: str
    snapshot_id: int
    placement_ids: list[uuid.UUID] = Field(description="Affected placements within your reach.")
    created_at: dt.datetime


class RegisterFindingPage(BaseModel):
    items: list[RegisterFinding]
    next_cursor: str | None


class RegisterFindingRepository:
    def __init__(self, conn: Connection, *, actor: Actor) -> None:
        self.conn = conn
        self.actor = actor

    async def page(self, *, query: PageQuery) -> RegisterFindingPage:
        """Oldest first; a finding with no placement within reach is left out."""
        tenant = self.actor.municipality_id
        after = decode_cursor(query.cursor) if query.cursor else None
        rows = await self.conn.fetch(
            """
            SELECT f.id, f.code, c.summary, f.unit_code, c.snapshot_id, f.created_at,
                   ARRAY(SELECT p.id FROM placement p
                          WHERE p.municipality_id = f.municipality_id AND p.id = ANY (f.placement_ids)
                            AND child_in_reach(p.municipality_id, p.child_id, $4, $5, $6)
                          ORDER BY p.id) AS placement_ids
              FROM register_finding f JOIN register_change c ON c.id = f.change_id
             WHERE f.municipality_id = $1
               AND ($2::timestamptz IS NULL OR (f.created_at, f.id) > ($2, $3::uuid))
             ORDER BY f.created_at, f.id
             LIMIT $7
            """,
            tenant,
            after[0] if after else None,
            after[1] if after else None,
            *self.actor.reads.sql_args(),
            query.limit + 1,
        )
        visible = [r for r in rows[: query.limit] if r["placement_ids"]]
        shown = [pid for r in visible for pid in r["placement_ids"]]
        children = await self.conn.fetch(
            "SELECT id, child_id FROM placement WHERE municipality_id = $1 AND id = ANY ($2::uuid[])",
            tenant,
            shown,
        )
        await audit.record(
            self.conn,
            self.actor,
            AuditAction.READ,
            [Access("placement", r["id"], r["child_id"]) for r in children],
        )
        items = [
            RegisterFinding(title=lookup(r["code"]).title, **{k: r[k] for k in r.keys()})  # noqa: SIM118
            for r in visible
        ]
        return RegisterFindingPage(items=items, next_cursor=next_cursor(rows, query.limit))
