"""Placements, their decisions, and the child's responsible social worker over time.

All of it is a child's data: every read and write is audited in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import asyncpg
from pydantic import BaseModel, ValidationError

from placement import audit, corrections
from placement.audit import Access, Actor, AuditAction
from placement.core.validation_messages import field_errors
from placement.core.vocabulary import DecisionKind
from placement.database.pool import Connection
from placement.errors import Conflict, NotFound, ValidationFailed
from placement.models import (
    Decision,
    DecisionIn,
    Page,
    PageQuery,
    Placement,
    PlacementEndIn,
    PlacementIn,
    SocialWorkerAssignment,
    SocialWorkerAssignmentIn,
)
from placement.pagination import decode_cursor, next_cursor
from placement.reach import Reach
from placement.repositories import one

_PLACEMENT = """id, child_id, form, legal_basis, home_name, home_kommunkod, unit_code, foster_home_id,
    daily_cost, start_date,
    planned_end_date,
    end_date, end_reason, end_reason_note, created_at"""
_DECISION = """id, placement_id, kind, decided_on, decided_by, decided_by_namnd, namnd_meeting_on,
    namnd_paragraph, recorded_by, valid_from, valid_to, check_id, urgent, urgent_reason, note, created_at"""


# Decisions that review a placement going on, and so cannot precede its start (the others, the
# placement decision, an extension or a termination of a planned placement, may be taken before).
REVIEWS_OF_ONGOING = frozenset({DecisionKind.OVERVAGANDE, DecisionKind.OMPROVNING})

_OVERLAP = "Barnet har redan en placering som överlappar den perioden"


class PlacementRepository:
    def __init__(self, conn: Connection, *, actor: Actor) -> None:
        self.conn = conn
        self.actor = actor

    @property
    def _tenant(self) -> uuid.UUID:
        return self.actor.municipality_id

    async def _child_exists(self, child_id: uuid.UUID) -> bool:
        """Whether the child exists within the actor's reach for writing."""
        found: bool = await self.conn.fetchval(
            """SELECT EXISTS (SELECT 1 FROM child WHERE municipality_id = $1 AND id = $2
                                AND child_in_reach($1, id, $3, $4, $5))""",
            self._tenant,
            child_id,
            *self.actor.writes.sql_args(),
        )
        return found

    async def create(self, *, placement: PlacementIn) -> Placement:
        if not await self._child_exists(placement.child_id):
            raise ValidationFailed.on("body.child_id", "Barnet finns inte i kommunen", "unknown_child")
        try:
            row = await self.conn.fetchrow(
                f"""
                INSERT INTO placement (municipality_id, child_id, form, legal_basis, home_name,
                                       home_kommunkod, start_date, planned_end_date, unit_code, daily_cost,
                                       foster_home_id)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING {_PLACEMENT}
                """,  # noqa: S608 - a module constant column list
                self._tenant,
                placement.child_id,
                placement.form,
                placement.legal_basis,
                placement.home_name,
                placement.home_kommunkod,
                placement.start_date,
                placement.planned_end_date,
                placement.unit_code,
                placement.daily_cost,
                placement.foster_home_id,
            )
        except asyncpg.ExclusionViolationError as error:
            raise Conflict(_OVERLAP) from error
        created = Placement.model_validate(one(row))
        await audit.record(self.conn, self.actor, AuditAction.CREATE, [_placement_access(created)])
        return created

    async def _find(self, placement_id: uuid.UUID, reach: Reach) -> Placement:
        row = await self.conn.fetchrow(
            f"""SELECT {_PLACEMENT} FROM placement
                 WHERE municipality_id = $1 AND id = $2 AND child_in_reach($1, child_id, $3, $4, $5)""",  # noqa: S608 - a module constant column list
            self._tenant,
            placement_id,
            *reach.sql_args(),
        )
        if row is None:
            raise NotFound("Placeringen finns inte")
        return Placement.model_validate(one(row))

    async def for_writing(self, *, placement_id: uuid.UUID) -> Placement:
        """The placement, if the actor may write to its child's data (404 otherwise); not audited
        here: the write that follows is."""
        return await self._find(placement_id, self.actor.writes)

    async def get(self, *, placement_id: uuid.UUID) -> Placement:
        found = await self._find(placement_id, self.actor.reads)
        await audit.record(self.conn, self.actor, AuditAction.READ, [_placement_access(found)])
        return found

    async def list_page(self, *, page: PageQuery, child_id: uuid.UUID | None = None) -> Page[Placement]:
        after = decode_cursor(page.cursor) if page.cursor else None
        rows = await self.conn.fetch(
            f"""
            SELECT {_PLACEMENT} FROM placement
             WHERE municipality_id = $1 AND child_in_reach($1, child_id, $6, $7, $8)
               AND ($2::uuid IS NULL OR child_id = $2)
               AND ($3::timestamptz IS NULL OR (created_at, id) > ($3, $4::uuid))
             ORDER BY created_at, id
             LIMIT $5
            """,  # noqa: S608 - a module constant column list
            self._tenant,
            child_id,
            after[0] if after else None,
            after[1] if after else None,
            page.limit + 1,
            *self.actor.reads.sql_args(),
        )
        items = [Placement.model_validate(dict(r)) for r in rows[: page.limit]]
        await audit.record(self.conn, self.actor, AuditAction.READ, [_placement_access(p) for p in items])
        return Page[Placement](items=items, next_cursor=next_cursor(rows, page.limit))

    async def correct(self, *, placement_id: uuid.UUID, patch: BaseModel, if_match: str | None) -> Placement:
        """The placement corrected in place (not its child): If-Match must name its current ETag; the
        corrected placement is validated as a new one; an ending's date and reason only on an ended
        placement. The changed fields before and after go in the history; the caller recomputes
        what derives from it."""
        row = await self.conn.fetchrow(
            f"""SELECT {_PLACEMENT} FROM placement
                 WHERE municipality_id = $1 AND id = $2 AND child_in_reach($1, child_id, $3, $4, $5)
                   FOR UPDATE""",  # noqa: S608 - a module constant column list
            self._tenant,
            placement_id,
            *self.actor.writes.sql_args(),
        )
        if row is None:
            raise NotFound("Placeringen finns inte")
        current = Placement.model_validate(dict(row))
        corrections.require_current(if_match, current)
        before = current.model_dump()
        corrected = corrections.merged(PlacementIn, before, patch).model_dump(exclude={"child_id"})
        sent = patch.model_dump(exclude_unset=True)
        ending: dict[str, Any] = {
            k: sent[k] for k in ("end_date", "end_reason", "end_reason_note") if k in sent
        }
        if ending and current.end_date is None:
            field = next(iter(ending))
            raise ValidationFailed.on(
                f"body.{field}", "Placeringen är inte avslutad; avsluta den först", "not_ended"
            )
        if "end_date" in ending:
            ended = ending["end_date"]
            if ended is None:
                raise ValidationFailed.on(
                    "body.end_date", "Ett avslut tas inte bort; rätta datumet", "required"
                )
            try:
                ended = PlacementEndIn(end_date=ended).end_date
            except ValidationError as error:
                errors = field_errors(error, "body")
                raise ValidationFailed(errors[0]["message"], errors) from None
            if ended < corrected["start_date"]:
                message = "Slutdatum ligger före placeringens startdatum"
                raise ValidationFailed.on("body.end_date", message, "date_order")
            ending["end_date"] = ended
        changed = corrections.changes(before, {**corrected, **ending})
        if not changed:
            return current
        assignments = ", ".join(f"{column} = ${n}" for n, column in enumerate(changed, start=3))
        try:
            updated = await self.conn.fetchrow(
                f"""UPDATE placement SET {assignments}
                     WHERE municipality_id = $1 AND id = $2 RETURNING {_PLACEMENT}""",  # noqa: S608 - SET list of column names from the model, values bound
                self._tenant,
                placement_id,
                *(after for _, after in changed.values()),
            )
        except asyncpg.ExclusionViolationError as error:
            raise Conflict(_OVERLAP) from error
        except asyncpg.ForeignKeyViolationError as error:
            message = "Familjehemmet finns inte i kommunen"
            raise ValidationFailed.on("body.foster_home_id", message, "unknown") from error
        await corrections.record(
            self.conn,
            self.actor,
            object_type="placement",
            object_id=placement_id,
            child_id=current.child_id,
            changed=changed,
        )
        return Placement.model_validate(one(updated))

    async def end(self, *, placement_id: uuid.UUID, ending: PlacementEndIn) -> Placement:
        current = await self.conn.fetchrow(
            """SELECT start_date, end_date FROM placement
                WHERE municipality_id = $1 AND id = $2 AND child_in_reach($1, child_id, $3, $4, $5)
                  FOR UPDATE""",
            self._tenant,
            placement_id,
            *self.actor.writes.sql_args(),
        )
        if current is None:
            raise NotFound("Placeringen finns inte")
        if current["end_date"] is not None:
            raise Conflict(f"Placeringen avslutades redan {current['end_date'].isoformat()}")
        if ending.end_date < current["start_date"]:
            raise ValidationFailed.on(
                "body.end_date", "Slutdatum ligger före placeringens startdatum", "date_order"
            )
        row = await self.conn.fetchrow(
            f"""
            UPDATE placement SET end_date = $3, end_reason = $4, end_reason_note = $5
             WHERE municipality_id = $1 AND id = $2 RETURNING {_PLACEMENT}
            """,  # noqa: S608 - a module constant column list
            self._tenant,
            placement_id,
            ending.end_date,
            ending.end_reason,
            ending.end_reason_note,
        )
        ended = Placement.model_validate(one(row))
        await audit.record(self.conn, self.actor, AuditAction.UPDATE, [_placement_access(ended)])
        return ended

    async def add_decision(
        self, *, placement_id: uuid.UUID, decision: DecisionIn, recorded_by_staff_id: uuid.UUID | None = None
    ) -> Decision:
        """Store a decision that has passed the delegation judgement (placement/check_runs.py
        judge_decision_maker) and, for a placement decision, its check run's verification."""
        placement = await self._find(placement_id, self.actor.writes)
        if decision.decided_on < placement.start_date and decision.kind in REVIEWS_OF_ONGOING:
            raise ValidationFailed.on(
                "body.decided_on",
                f"Ett övervägande eller en omprövning gäller en pågående placering och kan inte dateras före "
                f"placeringens start {placement.start_date.isoformat()}",
                "before_start",
            )
        try:
            row = await self.conn.fetchrow(
                f"""
                INSERT INTO decision (municipality_id, placement_id, kind, decided_on, decided_by, valid_from,
                                      valid_to, urgent, urgent_reason, note, check_id, decided_by_namnd,
                                      namnd_meeting_on, namnd_paragraph, recorded_by, recorded_by_staff_id)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
                RETURNING {_DECISION}
                """,  # noqa: S608 - a module constant column list
                self._tenant,
                placement_id,
                decision.kind,
                decision.decided_on,
                decision.decided_by,
                decision.valid_from,
                decision.valid_to,
                decision.urgent,
                decision.urgent_reason,
                decision.note,
                decision.check_id,
                decision.decided_by_namnd,
                decision.namnd_meeting_on,
                decision.namnd_paragraph,
                self.actor.name,
                recorded_by_staff_id,
            )
        except asyncpg.ForeignKeyViolationError as error:
            raise ValidationFailed.on(
                "body.decided_by", "Beslutsfattaren finns inte i kommunen", "unknown_staff"
            ) from error
        created = Decision.model_validate(one(row))
        await audit.record(
            self.conn, self.actor, AuditAction.CREATE, [Access("decision", created.id, placement.child_id)]
        )
        return created

    async def decisions(self, *, placement_id: uuid.UUID) -> list[Decision]:
        placement = await self._find(placement_id, self.actor.reads)
        rows = await self.conn.fetch(
            f"""
            SELECT {_DECISION} FROM decision
             WHERE municipality_id = $1 AND placement_id = $2
             ORDER BY decided_on, created_at, id
            """,  # noqa: S608 - a module constant column list
            self._tenant,
            placement_id,
        )
        found = [Decision.model_validate(dict(r)) for r in rows]
        await audit.record(
            self.conn,
            self.actor,
            AuditAction.READ,
            [Access("decision", d.id, placement.child_id) for d in found],
        )
        return found


def _placement_access(placement: Placement) -> Access:
    return Access("placement", placement.id, placement.child_id)


_ASSIGNMENT = """a.id, a.child_id, a.staff_id, s.name AS staff_name, a.assigned_from, a.assigned_to"""


class SocialWorkerRepository:
    """The child's responsible social worker (ansvarig socialsekreterare), with history."""

    def __init__(self, conn: Connection, *, actor: Actor) -> None:
        self.conn = conn
        self.actor = actor

    async def assign(
        self, *, child_id: uuid.UUID, assignment: SocialWorkerAssignmentIn
    ) -> SocialWorkerAssignment:
        """Appoint a social worker from a date; the previous appointment ends the day before."""
        tenant = self.actor.municipality_id
        locked = await self.conn.fetchval(
            """SELECT id FROM child
                WHERE municipality_id = $1 AND id = $2 AND child_in_reach($1, id, $3, $4, $5) FOR UPDATE""",
            tenant,
            child_id,
            *self.actor.writes.sql_args(),
        )
        if locked is None:
            raise NotFound("Barnet finns inte")
        staff_ok = await self.conn.fetchval(
            "SELECT active FROM staff WHERE municipality_id = $1 AND id = $2", tenant, assignment.staff_id
        )
        if not staff_ok:
            raise ValidationFailed.on(
                "body.staff_id", "Medarbetaren finns inte eller är inte aktiv", "unknown_staff"
            )
        current = await self.conn.fetchrow(
            """SELECT id, staff_id, assigned_from FROM social_worker_assignment
                WHERE municipality_id = $1 AND child_id = $2 AND assigned_to IS NULL""",
            tenant,
            child_id,
        )
        if current is not None:
            if current["staff_id"] == assignment.staff_id:
                raise Conflict("Medarbetaren är redan ansvarig socialsekreterare för barnet")
            if assignment.assigned_from <= current["assigned_from"]:
                raise ValidationFailed.on(
                    "body.assigned_from",
                    "Datumet måste ligga efter den nuvarande socialsekreterarens startdatum",
                    "date_order",
                )
            await self.conn.execute(
                "UPDATE social_worker_assignment SET assigned_to = $3 WHERE municipality_id = $1 AND id = $2",
                tenant,
                current["id"],
                assignment.assigned_from - dt.timedelta(days=1),
            )
        row = await self.conn.fetchrow(
            f"""
            WITH a AS (
                INSERT INTO social_worker_assignment (municipality_id, child_id, staff_id, assigned_from)
                VALUES ($1, $2, $3, $4) RETURNING *
            )
            SELECT {_ASSIGNMENT}
              FROM a JOIN staff s ON s.municipality_id = a.municipality_id AND s.id = a.staff_id
            """,  # noqa: S608 - a module constant column list
            tenant,
            child_id,
            assignment.staff_id,
            assignment.assigned_from,
        )
        created = SocialWorkerAssignment.model_validate(one(row))
        await audit.record(
            self.conn,
            self.actor,
            AuditAction.CREATE,
            [Access("social_worker_assignment", created.id, child_id)],
        )
        return created

    async def history(self, *, child_id: uuid.UUID) -> list[SocialWorkerAssignment]:
        tenant = self.actor.municipality_id
        exists = await self.conn.fetchval(
            """SELECT EXISTS (SELECT 1 FROM child
                               WHERE municipality_id = $1 AND id = $2
                                 AND child_in_reach($1, id, $3, $4, $5))""",
            tenant,
            child_id,
            *self.actor.reads.sql_args(),
        )
        if not exists:
            raise NotFound("Barnet finns inte")
        rows = await self.conn.fetch(
            f"""
            SELECT {_ASSIGNMENT}
              FROM social_worker_assignment a
              JOIN staff s ON s.municipality_id = a.municipality_id AND s.id = a.staff_id
             WHERE a.municipality_id = $1 AND a.child_id = $2
             ORDER BY a.assigned_from DESC
            """,  # noqa: S608 - a module constant column list
            tenant,
            child_id,
        )
        found = [SocialWorkerAssignment.model_validate(dict(r)) for r in rows]
        await audit.record(
            self.conn,
            self.actor,
            AuditAction.READ,
            [Access("social_worker_assignment", a.id, child_id) for a in found],
        )
        return found
