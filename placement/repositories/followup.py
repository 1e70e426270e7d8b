"""Follow-up records of placed children: events, waivers, obligations and the watch list. Every
read and write of them is in the audit log; recording an event or a waiver recomputes the
placement's obligations at once."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

import asyncpg
from pydantic import BaseModel, Field, StringConstraints

from followup.obligations import EventKind, Obligation, State
from followup.store import compute, details_for, refresh
from placement import audit
from placement.audit import Access, Actor, AuditAction
from placement.core.clock import today_in_sweden
from placement.database.pool import Connection
from placement.errors import ValidationFailed
from placement.models import Input
from placement.repositories.placements import PlacementRepository


class EventIn(Input):
    kind: EventKind
    occurred_on: dt.date
    staff_id: uuid.UUID | None = Field(default=None, description="Who did it (e.g. who visited).")
    details: dict[str, Any] = Field(
        default_factory=dict,
        description="visit: in_home and private_talk (true/false); complaint_received/answered: ref.",
    )
    corrects: uuid.UUID | None = Field(
        default=None, description="The event this one corrects (and replaces)."
    )


class EventOut(BaseModel):
    id: uuid.UUID
    placement_id: uuid.UUID
    kind: EventKind
    occurred_on: dt.date
    staff_id: uuid.UUID | None
    details: dict[str, Any]
    corrects: uuid.UUID | None
    recorded_by: str
    created_at: dt.datetime


class WaiverIn(Input):
    code: Annotated[str, StringConstraints(pattern=r"^FU\d{2}$")]
    item: str = ""
    due_on: dt.date
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]


class ObligationOut(BaseModel):
    code: str
    item: str
    title: str
    due_on: dt.date
    state: State
    detail: str
    rolled_due_on: dt.date | None = Field(
        default=None,
        description="A statutory period's last day moved past a weekend, holiday or eve as lag "
        "(1930:173) would; whether the act applies to the nämnd's own limits is not settled, so the "
        "state follows due_on. Null: the same day, or not a statutory period.",
    )


class WatchItem(ObligationOut):
    placement_id: uuid.UUID
    child_id: uuid.UUID
    state_since: dt.datetime
    responsible_staff_id: uuid.UUID | None
    other_municipality: bool = Field(description="The home lies in another municipality (SoL 29 kap. 2 §).")


_EVENT = "id, placement_id, kind, occurred_on, staff_id, details, corrects, recorded_by, created_at"
_URGENCY = "CASE o.state WHEN 'overdue' THEN 0 WHEN 'due_soon' THEN 1 WHEN 'open' THEN 2 ELSE 3 END"


class FollowUpRepository:
    def __init__(self, conn: Connection, *, actor: Actor) -> None:
        self.conn = conn
        self.actor = actor
        self.placements = PlacementRepository(conn, actor=actor)

    @property
    def _tenant(self) -> uuid.UUID:
        return self.actor.municipality_id

    async def record_event(self, *, placement_id: uuid.UUID, event: EventIn) -> EventOut:
        """Events are append-only; a correction is a new event that names the one it corrects."""
        try:
            details = details_for(event.kind, event.details)
        except ValueError as error:
            raise ValidationFailed.on("body.details", str(error), "details") from None
        placement = await self.placements.for_writing(placement_id=placement_id)
        try:
            row = await self.conn.fetchrow(
                f"""INSERT INTO placement_event
                        (municipality_id, placement_id, kind, occurred_on, staff_id, details, corrects,
                         recorded_by)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {_EVENT}""",
                self._tenant,
                placement_id,
                event.kind,
                event.occurred_on,
                event.staff_id,
                details,
                event.corrects,
                self.actor.name,
            )
        except asyncpg.ForeignKeyViolationError:  # staff or corrected event not in this municipality
            raise ValidationFailed.on(
                "body",
                "Medarbetaren eller den rättade händelsen finns inte för placeringen",
                "unknown_reference",
            ) from None
        assert row is not None  # INSERT ... RETURNING gives the row
        recorded = EventOut.model_validate(dict(row))
        await audit.record(
            self.conn,
            self.actor,
            AuditAction.CREATE,
            [Access("placement_event", recorded.id, placement.child_id)],
        )
        await refresh(self.conn, self._tenant, placement_id, today_in_sweden())
        return recorded

    async def events(self, *, placement_id: uuid.UUID) -> list[EventOut]:
        placement = await self.placements.get(placement_id=placement_id)
        rows = await self.conn.fetch(
            f"""SELECT {_EVENT} FROM placement_event WHERE municipality_id = $1 AND placement_id = $2
                 ORDER BY occurred_on, created_at""",
            self._tenant,
            placement_id,
        )
        events = [EventOut.model_validate(dict(r)) for r in rows]
        await audit.record(
            self.conn,
            self.actor,
            AuditAction.READ,
            [Access("placement_event", e.id, placement.child_id) for e in events],
        )
        return events

    async def obligations(self, *, placement_id: uuid.UUID) -> list[Obligation]:
        """Computed now from the placement's facts and events, waivers applied."""
        await self.placements.get(placement_id=placement_id)
        return await self._computed(placement_id)

    async def _computed(self, placement_id: uuid.UUID) -> list[Obligation]:
        computed = await compute(self.conn, self._tenant, today_in_sweden(), [placement_id])
        return computed.get(placement_id, [])

    async def waive(self, *, placement_id: uuid.UUID, waiver: WaiverIn) -> list[Obligation]:
        """Waive one due obligation (code, item, due date) with a reason; who and why are kept."""
        placement = await self.placements.for_writing(placement_id=placement_id)
        current = await self._computed(placement_id)
        if not any(
            o.code == waiver.code and o.item == waiver.item and o.due_on == waiver.due_on for o in current
        ):
            raise ValidationFailed.on(
                "body",
                "Det finns ingen sådan skyldighet med det förfallodatumet för placeringen",
                "no_such_obligation",
            )
        await self.conn.execute(
            """INSERT INTO obligation_waiver
                   (municipality_id, placement_id, code, item, due_on, reason, waived_by)
               VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING""",
            self._tenant,
            placement_id,
            waiver.code,
            waiver.item,
            waiver.due_on,
            waiver.reason,
            self.actor.name,
        )
        await audit.record(
            self.conn, self.actor, AuditAction.UPDATE, [Access("placement", placement_id, placement.child_id)]
        )
        await refresh(self.conn, self._tenant, placement_id, today_in_sweden())
        return await self._computed(placement_id)

    async def watch(
        self,
        *,
        responsible: uuid.UUID | None,
        states: list[State] | None = None,
        code: str | None = None,
        due_before: dt.date | None = None,
        since: dt.datetime | None = None,
        limit: int = 200,
    ) -> list[WatchItem]:
        """The stored obligation states of the children within the actor's reach, most urgent
        first: only those whose responsible social worker is ``responsible``, if given; only those
        whose state began after ``since``, if given."""
        rows = await self.conn.fetch(
            f"""
            SELECT o.placement_id, p.child_id, o.code, o.item, o.title, o.due_on, o.state, o.detail,
                   o.rolled_due_on,
                   o.state_since,
                   a.staff_id AS responsible_staff_id,
                   (p.home_kommunkod IS NOT NULL AND p.home_kommunkod <> m.kommunkod) AS other_municipality
              FROM obligation_state o
              JOIN placement p ON p.municipality_id = o.municipality_id AND p.id = o.placement_id
              JOIN municipality m ON m.id = o.municipality_id
              LEFT JOIN social_worker_assignment a
                     ON a.municipality_id = p.municipality_id AND a.child_id = p.child_id
                    AND a.assigned_to IS NULL
             WHERE o.municipality_id = $1
               AND child_in_reach(p.municipality_id, p.child_id, $2, $3, $4)
               AND ($5::uuid IS NULL OR a.staff_id = $5)
               AND ($6::text[] IS NULL OR o.state = ANY ($6))
               AND ($7::text IS NULL OR o.code = $7)
               AND ($8::date IS NULL OR o.due_on < $8)
               AND ($9::timestamptz IS NULL OR o.state_since > $9)
             ORDER BY {_URGENCY}, o.due_on, o.code
             LIMIT $10
            """,
            self._tenant,
            *self.actor.reads.sql_args(),
            responsible,
            [s.value for s in states] if states else None,
            code,
            due_before,
            since,
            limit,
        )
        items = [WatchItem.model_validate(dict(r)) for r in rows]
        await audit.record(
            self.conn,
            self.actor,
            AuditAction.READ,
            [Access("obligation", i.placement_id, i.child_id) for i in items],
        )
        return items
