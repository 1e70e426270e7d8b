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
from placement.errors import Conflict, ValidationFailed
from placement.models import DoneDate, Input
from placement.repositories import one
from placement.repositories.placements import PlacementRepository

_CORRECTED_ALREADY = "Händelsen är redan rättad eller återkallad; utgå från den senaste versionen"

# Events that by nature come before the placement starts.
COMES_BEFORE_START = frozenset({EventKind.CARE_PLAN, EventKind.INVESTIGATION_ENDED})


class EventIn(Input):
    kind: EventKind
    occurred_on: DoneDate = Field(
        description="Today at the latest; not before the placement's start (except a vårdplan or the end "
        "of the investigation, which come first)."
    )
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
    retraction_reason: str | None = Field(
        description="Set on a retraction: why the event it names is withdrawn."
    )
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


_EVENT = """id, placement_id, kind, occurred_on, staff_id, details, corrects, retraction_reason, recorded_by,
    created_at"""
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
        if event.corrects is not None:
            await self._correctable(placement_id, event.corrects, "body.corrects")
        if event.occurred_on < placement.start_date and event.kind not in COMES_BEFORE_START:
            raise ValidationFailed.on(
                "body.occurred_on",
                f"Datumet ligger före placeringens start {placement.start_date.isoformat()}; "
                "bara en vårdplan och en avslutad utredning kan komma före",
                "before_start",
            )
        try:
            row = await self.conn.fetchrow(
                f"""INSERT INTO placement_event
                        (municipality_id, placement_id, kind, occurred_on, staff_id, details, corrects,
                         recorded_by)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {_EVENT}""",  # noqa: S608 - a module constant column list
                self._tenant,
                placement_id,
                event.kind,
                event.occurred_on,
                event.staff_id,
                details,
                event.corrects,
                self.actor.name,
            )
        except asyncpg.UniqueViolationError:  # two corrections of one event at once
            raise Conflict(_CORRECTED_ALREADY) from None
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

    async def _correctable(self, placement_id: uuid.UUID, event_id: uuid.UUID, field: str) -> asyncpg.Record:
        """The event, if it is the placement's current version of itself: neither corrected nor
        retracted already, nor a retraction. (Two corrections of one event at once: the unique index
        on ``corrects`` lets one through.)"""
        row = await self.conn.fetchrow(
            f"""SELECT {_EVENT}, EXISTS (SELECT 1 FROM placement_event f
                                          WHERE f.municipality_id = e.municipality_id AND f.corrects = e.id)
                                  AS superseded
                  FROM placement_event e
                 WHERE e.municipality_id = $1 AND e.placement_id = $2 AND e.id = $3""",  # noqa: S608 - a module constant column list
            self._tenant,
            placement_id,
            event_id,
        )
        if row is None:
            raise ValidationFailed.on(field, "Händelsen finns inte för placeringen", "unknown_event")
        if row["retraction_reason"] is not None:
            raise ValidationFailed.on(field, "En återkallelse kan inte rättas eller återkallas", "retraction")
        if row["superseded"]:
            raise Conflict(_CORRECTED_ALREADY)
        return row

    async def retract(self, *, placement_id: uuid.UUID, event_id: uuid.UUID, reason: str) -> EventOut:
        """An event withdrawn: a new event naming it, with the reason; the withdrawn one stays in the
        history and no longer counts. The placement's obligations are recomputed at once."""
        placement = await self.placements.for_writing(placement_id=placement_id)
        withdrawn = await self._correctable(placement_id, event_id, "path.event_id")
        try:
            row = await self.conn.fetchrow(
                f"""INSERT INTO placement_event
                        (municipality_id, placement_id, kind, occurred_on, staff_id, details, corrects,
                         retraction_reason, recorded_by)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {_EVENT}""",  # noqa: S608 - a module constant column list
                self._tenant,
                placement_id,
                withdrawn["kind"],
                withdrawn["occurred_on"],
                withdrawn["staff_id"],
                withdrawn["details"],
                event_id,
                reason,
                self.actor.name,
            )
        except asyncpg.UniqueViolationError:
            raise Conflict(_CORRECTED_ALREADY) from None
        retraction = EventOut.model_validate(one(row))
        await audit.record(
            self.conn,
            self.actor,
            AuditAction.CREATE,
            [Access("placement_event", retraction.id, placement.child_id)],
        )
        await refresh(self.conn, self._tenant, placement_id, today_in_sweden())
        return retraction

    async def events(self, *, placement_id: uuid.UUID) -> list[EventOut]:
        placement = await self.placements.get(placement_id=placement_id)
        rows = await self.conn.fetch(
            f"""SELECT {_EVENT} FROM placement_event WHERE municipality_id = $1 AND placement_id = $2
                 ORDER BY occurred_on, created_at""",  # noqa: S608 - a module constant column list
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
            """,  # noqa: S608 - the module's constant urgency order (a CASE on state)
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
