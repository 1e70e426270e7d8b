"""Follow-up of placed children: events, obligations, waivers, the watch list and the digest."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from followup.obligations import Obligation, State
from placement.api.routing import Context, EndpointRegistry
from placement.core.vocabulary import StaffRole
from placement.models import Input
from placement.principal import CHILD_READERS, CHILD_WRITERS
from placement.repositories.followup import (
    EventIn,
    EventOut,
    FollowUpRepository,
    ObligationOut,
    WaiverIn,
    WatchItem,
)

routes = EndpointRegistry()
API = "/api/v1"
WAIVERS = frozenset({StaffRole.TEAMLEDARE})


class EventList(BaseModel):
    items: list[EventOut]


class ObligationList(BaseModel):
    items: list[ObligationOut] = Field(description="Most urgent first.")


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
    """Events are append-only; a correction is a new event that names the one it corrects
    (`corrects`: the latest version; 409 if it was already corrected or retracted). Dates: today at
    the latest, and not before the placement's start except a vårdplan or an investigation's end
    (422 naming the field). The placement's obligations are recomputed at once."""
    return await FollowUpRepository(ctx.conn, actor=ctx.actor).record_event(
        placement_id=placement_id, event=body
    )


class RetractionIn(Input):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)] = Field(
        description="Why the event is withdrawn (recorded by mistake, on the wrong child ...)."
    )


@routes.route(
    "POST",
    f"{API}/placements/{{placement_id}}/events/{{event_id}}/retraction",
    name="retract_event",
    summary="Återkalla en felaktig händelse med skäl",
    tag="uppföljning",
    body=RetractionIn,
    response=EventOut,
    status=201,
    roles=CHILD_WRITERS,
)
async def retract_event(
    ctx: Context, *, placement_id: uuid.UUID, event_id: uuid.UUID, body: RetractionIn
) -> BaseModel:
    """Events are never changed or removed: a retraction is a new event naming the one withdrawn,
    with the reason. The withdrawn event stays in the history and no longer counts; the
    placement's obligations are recomputed at once. Only the latest version of an event (not one
    already corrected or retracted) can be retracted."""
    return await FollowUpRepository(ctx.conn, actor=ctx.actor).retract(
        placement_id=placement_id, event_id=event_id, reason=body.reason
    )


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
    return EventList(
        items=await FollowUpRepository(ctx.conn, actor=ctx.actor).events(placement_id=placement_id)
    )


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
    return _listed(await FollowUpRepository(ctx.conn, actor=ctx.actor).obligations(placement_id=placement_id))


def _listed(obligations: list[Obligation]) -> ObligationList:
    return ObligationList(items=[ObligationOut(**dataclasses.asdict(o)) for o in obligations])


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
    waived = await FollowUpRepository(ctx.conn, actor=ctx.actor).waive(placement_id=placement_id, waiver=body)
    return _listed(waived)


class WatchQuery(Input):
    responsible: Literal["me", "all"] = Field(
        default="me",
        description="me: children you are responsible social worker for; all: all within your reach.",
    )
    state: list[State] | State | None = None
    code: Annotated[str, StringConstraints(pattern=r"^FU\d{2}$")] | None = None
    due_before: dt.date | None = None
    limit: int = Field(default=200, ge=1, le=1000)


class WatchList(BaseModel):
    items: list[WatchItem] = Field(description="Overdue first, then due soon, then open; by due date.")


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
    items = await FollowUpRepository(ctx.conn, actor=ctx.actor).watch(
        responsible=ctx.principal.staff_id if query.responsible == "me" else None,
        states=states,
        code=query.code,
        due_before=query.due_before,
        limit=query.limit,
    )
    return WatchList(items=items)


class DigestQuery(Input):
    since: dt.datetime = Field(
        description="The previous digest's time: what became due soon or overdue after it, that is whose "
        "due date (or due-soon window) was reached after it, or whose placement's facts changed after "
        "it so that it is due again; not what a first scan or a change of rules or policy merely stored."
    )


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
    unit_lead = StaffRole.TEAMLEDARE in ctx.principal.roles
    items = await FollowUpRepository(ctx.conn, actor=ctx.actor).watch(
        responsible=None if unit_lead else ctx.principal.staff_id,
        states=[State.DUE_SOON, State.OVERDUE],
        since=query.since,
        limit=1000,
    )
    return WatchList(items=items)
