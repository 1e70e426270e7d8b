"""Follow-up of placed children: events, obligations, waivers, the watch list and the digest."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Annotated, Any, Literal

import asyncpg
from pydantic import BaseModel, Field, StringConstraints

from followup.obligations import EventKind, State
from followup.store import compute, details_for, refresh
from placement import audit
from placement.api.routing import Context, EndpointRegistry
from placement.audit import Access, AuditAction
from placement.clock import today_in_sweden
from placement.errors import ValidationFailed
from placement.models import Input
from placement.principal import CHILD_READERS, CHILD_WRITERS
from placement.repositories.placements import PlacementRepository
from placement.vocabulary import StaffRole

routes = EndpointRegistry()
API = "/api/v1"
WAIVERS = frozenset({StaffRole.TEAMLEDARE})


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


class EventList(BaseModel):
    items: list[EventOut]


class ObligationOut(BaseModel):
    code: str
    item: str
    title: str
    due_on: dt.date
    state: State
    detail: str


class ObligationList(BaseModel):
    items: list[ObligationOut] = Field(description="Most urgent first.")


_EVENT = "id, placement_id, kind, occurred_on, staff_id, details, corrects, recorded_by, created_at"


@routes.route(
    "POST",
    f"{API}/placements/{{placement_id}}/events",
    name="record_event",
    summary="Registrera händelse (besök, övervägande, information ...)",
    tag="uppföljning",
    body=EventIn,
    response=EventOut,
    status=201,
    roles=CHILD_WRITERS,
)
async def record_event(ctx: Context, *, placement_id: uuid.UUID, body: EventIn) -> BaseModel:
    """Events are append-only; a correction is a new event that names the one it corrects. The
    placement's obligations are recomputed at once."""
    try:
        details = details_for(body.kind, body.details)
    except ValueError as error:
        message = str(error)
        raise ValidationFailed(
            message, [{"field": "body.details", "message": message, "code": "details"}]
        ) from None
    placement = await PlacementRepository(ctx.conn, actor=ctx.actor).for_writing(placement_id=placement_id)
    tenant = ctx.principal.municipality_id
    try:
        row = await ctx.conn.fetchrow(
            f"""INSERT INTO placement_event
                    (municipality_id, placement_id, kind, occurred_on, staff_id, details, corrects,
                     recorded_by)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {_EVENT}""",
            tenant,
            placement_id,
            body.kind,
            body.occurred_on,
            body.staff_id,
            details,
            body.corrects,
            ctx.actor.name,
        )
    except asyncpg.ForeignKeyViolationError:  # staff or corrected event not in this municipality
        message = "Medarbetaren eller den rättade händelsen finns inte för placeringen"
        raise ValidationFailed(
            message, [{"field": "body", "message": message, "code": "unknown_reference"}]
        ) from None
    assert row is not None
    event = EventOut.model_validate(dict(row))
    await audit.record(
        ctx.conn, ctx.actor, AuditAction.CREATE, [Access("placement_event", event.id, placement.child_id)]
    )
    await refresh(ctx.conn, tenant, placement_id, today_in_sweden())
    return event


@routes.route(
    "GET",
    f"{API}/placements/{{placement_id}}/events",
    name="list_events",
    summary="Placeringens händelser",
    tag="uppföljning",
    response=EventList,
    roles=CHILD_READERS,
)
async def list_events(ctx: Context, *, placement_id: uuid.UUID) -> BaseModel:
    placement = await PlacementRepository(ctx.conn, actor=ctx.actor).get(placement_id=placement_id)
    rows = await ctx.conn.fetch(
        f"""SELECT {_EVENT} FROM placement_event WHERE municipality_id = $1 AND placement_id = $2
             ORDER BY occurred_on, created_at""",
        ctx.principal.municipality_id,
        placement_id,
    )
    events = [EventOut.model_validate(dict(r)) for r in rows]
    await audit.record(
        ctx.conn,
        ctx.actor,
        AuditAction.READ,
        [Access("placement_event", e.id, placement.child_id) for e in events],
    )
    return EventList(items=events)


@routes.route(
    "GET",
    f"{API}/placements/{{placement_id}}/obligations",
    name="placement_obligations",
    summary="Placeringens skyldigheter",
    tag="uppföljning",
    response=ObligationList,
    roles=CHILD_READERS,
)
async def placement_obligations(ctx: Context, *, placement_id: uuid.UUID) -> BaseModel:
    """Computed now from the placement's facts and events, waivers applied."""
    await PlacementRepository(ctx.conn, actor=ctx.actor).get(placement_id=placement_id)
    return await _obligations_of(ctx, placement_id)


async def _obligations_of(ctx: Context, placement_id: uuid.UUID) -> ObligationList:
    """The placement's obligations computed now, waivers applied."""
    computed = await compute(ctx.conn, ctx.principal.municipality_id, today_in_sweden(), [placement_id])
    found = computed.get(placement_id, [])
    return ObligationList(items=[ObligationOut(**dataclasses.asdict(o)) for o in found])


class WaiverIn(Input):
    code: Annotated[str, StringConstraints(pattern=r"^FU\d{2}$")]
    item: str = ""
    due_on: dt.date
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]


@routes.route(
    "POST",
    f"{API}/placements/{{placement_id}}/waivers",
    name="waive_obligation",
    summary="Efterge en skyldighet med skäl",
    tag="uppföljning",
    body=WaiverIn,
    response=ObligationList,
    status=201,
    roles=WAIVERS,
)
async def waive_obligation(ctx: Context, *, placement_id: uuid.UUID, body: WaiverIn) -> BaseModel:
    """A unit lead waives one due obligation (code, item, due date) with a reason; who and why are kept."""
    placement = await PlacementRepository(ctx.conn, actor=ctx.actor).for_writing(placement_id=placement_id)
    tenant = ctx.principal.municipality_id
    today = today_in_sweden()
    current = (await compute(ctx.conn, tenant, today, [placement_id])).get(placement_id, [])
    if not any(o.code == body.code and o.item == body.item and o.due_on == body.due_on for o in current):
        message = "Det finns ingen sådan skyldighet med det förfallodatumet för placeringen"
        raise ValidationFailed(message, [{"field": "body", "message": message, "code": "no_such_obligation"}])
    await ctx.conn.execute(
        """INSERT INTO obligation_waiver
               (municipality_id, placement_id, code, item, due_on, reason, waived_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING""",
        tenant,
        placement_id,
        body.code,
        body.item,
        body.due_on,
        body.reason,
        ctx.actor.name,
    )
    await audit.record(
        ctx.conn, ctx.actor, AuditAction.UPDATE, [Access("placement", placement_id, placement.child_id)]
    )
    await refresh(ctx.conn, tenant, placement_id, today)
    return await _obligations_of(ctx, placement_id)


class WatchQuery(Input):
    responsible: Literal["me", "all"] = Field(
        default="me",
        description="me: children you are responsible social worker for; all: all within your reach.",
    )
    state: list[State] | State | None = None
    code: Annotated[str, StringConstraints(pattern=r"^FU\d{2}$")] | None = None
    due_before: dt.date | None = None
    limit: int = Field(default=200, ge=1, le=1000)


class WatchItem(BaseModel):
    placement_id: uuid.UUID
    child_id: uuid.UUID
    code: str
    item: str
    title: str
    due_on: dt.date
    state: State
    detail: str
    state_since: dt.datetime
    responsible_staff_id: uuid.UUID | None
    other_municipality: bool = Field(description="The home lies in another municipality (SoL 29 kap. 2 §).")


class WatchList(BaseModel):
    items: list[WatchItem] = Field(description="Overdue first, then due soon, then open; by due date.")


_URGENCY_SQL = "CASE o.state WHEN 'overdue' THEN 0 WHEN 'due_soon' THEN 1 WHEN 'open' THEN 2 ELSE 3 END"


async def _watch(
    ctx: Context,
    *,
    mine: bool,
    states: list[str] | None,
    code: str | None,
    due_before: dt.date | None,
    since: dt.datetime | None,
    limit: int,
) -> list[WatchItem]:
    mine = mine and ctx.principal.staff_id is not None
    rows = await ctx.conn.fetch(
        f"""
        SELECT o.placement_id, p.child_id, o.code, o.item, o.title, o.due_on, o.state, o.detail,
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
           AND (NOT $5 OR a.staff_id = $3)
           AND ($6::text[] IS NULL OR o.state = ANY ($6))
           AND ($7::text IS NULL OR o.code = $7)
           AND ($8::date IS NULL OR o.due_on < $8)
           AND ($9::timestamptz IS NULL OR o.state_since > $9)
         ORDER BY {_URGENCY_SQL}, o.due_on, o.code
         LIMIT $10
        """,
        ctx.principal.municipality_id,
        *ctx.actor.reads.sql_args(),
        mine,
        states,
        code,
        due_before,
        since,
        limit,
    )
    items = [WatchItem.model_validate(dict(r)) for r in rows]
    await audit.record(
        ctx.conn,
        ctx.actor,
        AuditAction.READ,
        [Access("obligation", i.placement_id, i.child_id) for i in items],
    )
    return items


@routes.route(
    "GET",
    f"{API}/obligations",
    name="watch_list",
    summary="Bevakningslista",
    tag="uppföljning",
    query=WatchQuery,
    response=WatchList,
    roles=CHILD_READERS,
)
async def watch_list(ctx: Context, *, query: WatchQuery) -> BaseModel:
    """What is due for the children you are responsible for (default), or for all within your reach."""
    states = [query.state] if isinstance(query.state, State) else query.state
    items = await _watch(
        ctx,
        mine=query.responsible == "me",
        states=[s.value for s in states] if states else None,
        code=query.code,
        due_before=query.due_before,
        since=None,
        limit=query.limit,
    )
    return WatchList(items=items)


class DigestQuery(Input):
    since: dt.datetime = Field(description="The previous digest's time: what became due or overdue after it.")


@routes.route(
    "GET",
    f"{API}/obligations/digest",
    name="obligation_digest",
    summary="Sammandrag: nytt sedan sist",
    tag="uppföljning",
    query=DigestQuery,
    response=WatchList,
    roles=CHILD_READERS,
)
async def obligation_digest(ctx: Context, *, query: DigestQuery) -> BaseModel:
    """For a social worker: their children's obligations that became due soon or overdue since
    ``since``; for a unit lead, the whole unit's."""
    mine = StaffRole.TEAMLEDARE not in ctx.principal.roles
    items = await _watch(
        ctx,
        mine=mine,
        states=["due_soon", "overdue"],
        code=None,
        due_before=None,
        since=query.since,
        limit=1000,
    )
    return WatchList(items=items)
