"""The placement core: staff, children, placements, decisions, responsible social worker."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from placement import audit, foster_identity
from placement.api.routing import Context, EndpointRegistry
from placement.api.state import SETTINGS
from placement.audit import Access, AuditAction
from placement.check_runs import NEEDS_CHECK, open_findings_for_decision
from placement.core.clock import today_in_sweden
from placement.errors import Conflict
from placement.models import (
    Child,
    ChildIn,
    Decision,
    DecisionIn,
    Page,
    PageQuery,
    Placement,
    PlacementEndIn,
    PlacementIn,
    SocialWorkerAssignment,
    SocialWorkerAssignmentIn,
    Staff,
    StaffIn,
)
from placement.principal import CHILD_READERS, CHILD_WRITERS, STAFF_READERS, STAFF_WRITERS
from placement.repositories.children import ChildRepository
from placement.repositories.placements import PlacementRepository, SocialWorkerRepository
from placement.repositories.staff import StaffRepository

routes = EndpointRegistry()
API = "/api/v1"


class PlacementQuery(PageQuery):
    child_id: uuid.UUID | None = Field(default=None, description="Only this child's placements.")


class DecisionList(BaseModel):
    items: list[Decision]


class SocialWorkerHistory(BaseModel):
    items: list[SocialWorkerAssignment] = Field(
        description="Newest first; the current one has no assigned_to."
    )


@routes.route(
    "POST",
    f"{API}/staff",
    name="create_staff",
    summary="Lägg till medarbetare",
    tag="personal",
    body=StaffIn,
    response=Staff,
    status=201,
    roles=STAFF_WRITERS,
)
async def create_staff(ctx: Context, *, body: StaffIn) -> BaseModel:
    return await StaffRepository(ctx.conn, municipality_id=ctx.principal.municipality_id).create(staff=body)


@routes.route(
    "GET",
    f"{API}/staff",
    name="list_staff",
    summary="Lista medarbetare",
    tag="personal",
    query=PageQuery,
    response=Page[Staff],
    roles=STAFF_READERS,
)
async def list_staff(ctx: Context, *, query: PageQuery) -> BaseModel:
    return await StaffRepository(ctx.conn, municipality_id=ctx.principal.municipality_id).list_page(
        page=query
    )


@routes.route(
    "GET",
    f"{API}/staff/{{staff_id}}",
    name="get_staff",
    summary="Visa medarbetare",
    tag="personal",
    response=Staff,
    roles=STAFF_READERS,
)
async def get_staff(ctx: Context, *, staff_id: uuid.UUID) -> BaseModel:
    return await StaffRepository(ctx.conn, municipality_id=ctx.principal.municipality_id).get(
        staff_id=staff_id
    )


@routes.route(
    "POST",
    f"{API}/children",
    name="create_child",
    summary="Registrera barn",
    tag="barn",
    body=ChildIn,
    response=Child,
    status=201,
    roles=CHILD_WRITERS,
)
async def create_child(ctx: Context, *, body: ChildIn) -> BaseModel:
    return await ChildRepository(ctx.conn, actor=ctx.actor).create(child=body)


@routes.route(
    "GET",
    f"{API}/children",
    name="list_children",
    summary="Lista barn",
    tag="barn",
    query=PageQuery,
    response=Page[Child],
    roles=CHILD_READERS,
)
async def list_children(ctx: Context, *, query: PageQuery) -> BaseModel:
    """Every child listed counts as a read of that child's data in the audit log."""
    return await ChildRepository(ctx.conn, actor=ctx.actor).list_page(page=query)


@routes.route(
    "GET",
    f"{API}/children/{{child_id}}",
    name="get_child",
    summary="Visa barn",
    tag="barn",
    response=Child,
    roles=CHILD_READERS,
)
async def get_child(ctx: Context, *, child_id: uuid.UUID) -> BaseModel:
    return await ChildRepository(ctx.conn, actor=ctx.actor).get(child_id=child_id)


@routes.route(
    "POST",
    f"{API}/children/{{child_id}}/social-workers",
    name="assign_social_worker",
    summary="Utse ansvarig socialsekreterare",
    tag="barn",
    body=SocialWorkerAssignmentIn,
    response=SocialWorkerAssignment,
    status=201,
    roles=CHILD_WRITERS,
)
async def assign_social_worker(
    ctx: Context, *, child_id: uuid.UUID, body: SocialWorkerAssignmentIn
) -> BaseModel:
    """Appoints the child's responsible social worker from a date; the previous one ends the day before."""
    return await SocialWorkerRepository(ctx.conn, actor=ctx.actor).assign(child_id=child_id, assignment=body)


@routes.route(
    "GET",
    f"{API}/children/{{child_id}}/social-workers",
    name="social_worker_history",
    summary="Ansvariga socialsekreterare över tid",
    tag="barn",
    response=SocialWorkerHistory,
    roles=CHILD_READERS,
)
async def social_worker_history(ctx: Context, *, child_id: uuid.UUID) -> BaseModel:
    items = await SocialWorkerRepository(ctx.conn, actor=ctx.actor).history(child_id=child_id)
    return SocialWorkerHistory(items=items)


@routes.route(
    "POST",
    f"{API}/placements",
    name="create_placement",
    summary="Registrera placering",
    tag="placeringar",
    body=PlacementIn,
    response=Placement,
    status=201,
    roles=CHILD_WRITERS,
)
async def create_placement(ctx: Context, *, body: PlacementIn) -> BaseModel:
    created = await PlacementRepository(ctx.conn, actor=ctx.actor).create(placement=body)
    await _share_foster_home_use(ctx, created)
    return created


async def _share_foster_home_use(ctx: Context, placement: Placement) -> None:
    """Keep the keyed, anonymous count of placements with the foster parents current (PP12)."""
    secret = ctx.request.app[SETTINGS].identity_key
    if placement.foster_home_id is not None and secret is not None:
        await foster_identity.publish(
            ctx.conn,
            secret.get_secret_value().encode(),
            ctx.principal.municipality_id,
            placement.foster_home_id,
            today_in_sweden(),
        )


@routes.route(
    "GET",
    f"{API}/placements",
    name="list_placements",
    summary="Lista placeringar",
    tag="placeringar",
    query=PlacementQuery,
    response=Page[Placement],
    roles=CHILD_READERS,
)
async def list_placements(ctx: Context, *, query: PlacementQuery) -> BaseModel:
    return await PlacementRepository(ctx.conn, actor=ctx.actor).list_page(page=query, child_id=query.child_id)


@routes.route(
    "GET",
    f"{API}/placements/{{placement_id}}",
    name="get_placement",
    summary="Visa placering",
    tag="placeringar",
    response=Placement,
    roles=CHILD_READERS,
)
async def get_placement(ctx: Context, *, placement_id: uuid.UUID) -> BaseModel:
    return await PlacementRepository(ctx.conn, actor=ctx.actor).get(placement_id=placement_id)


@routes.route(
    "POST",
    f"{API}/placements/{{placement_id}}/end",
    name="end_placement",
    summary="Avsluta placering",
    tag="placeringar",
    body=PlacementEndIn,
    response=Placement,
    roles=CHILD_WRITERS,
)
async def end_placement(ctx: Context, *, placement_id: uuid.UUID, body: PlacementEndIn) -> BaseModel:
    ended = await PlacementRepository(ctx.conn, actor=ctx.actor).end(placement_id=placement_id, ending=body)
    await _share_foster_home_use(ctx, ended)
    return ended


@routes.route(
    "POST",
    f"{API}/placements/{{placement_id}}/decisions",
    name="create_decision",
    summary="Registrera beslut",
    tag="placeringar",
    body=DecisionIn,
    response=Decision,
    status=201,
    roles=CHILD_WRITERS,
)
async def create_decision(ctx: Context, *, placement_id: uuid.UUID, body: DecisionIn) -> BaseModel:
    """A placement decision (SoL, LVU, LSS) needs a check run for the same child, form and home in
    the last 30 days with no block left unresolved and no warning unacknowledged; otherwise 409 with
    the open findings. An urgent decision, with its reason, may be recorded first: the check then
    runs afterwards."""
    repository = PlacementRepository(ctx.conn, actor=ctx.actor)
    if body.kind in NEEDS_CHECK and not body.urgent:
        placement = await repository.for_writing(placement_id=placement_id)
        run, still_open = await open_findings_for_decision(
            ctx.conn,
            ctx.principal.municipality_id,
            placement.child_id,
            placement.form,
            placement.unit_code,
            placement.foster_home_id,
            today_in_sweden(),
        )
        if run is None:
            raise Conflict(
                "Ingen kontroll före placering är gjord för barnet, formen och hemmet de senaste 30 dagarna; "
                "kör kontrollen först (eller registrera beslutet som brådskande med skäl)",
                extra={"open_findings": []},
            )
        if still_open:
            # The refusal shows the check's findings about the child: a read, logged even though
            # the request then fails (the API writes a refused request's reads again).
            await audit.record(
                ctx.conn,
                ctx.actor,
                AuditAction.READ,
                [Access("check_run", run.id, placement.child_id)],
            )
            raise Conflict(
                f"Kontrollen {run.id} har {len(still_open)} fynd som inte är hanterade",
                extra={
                    "check_id": str(run.id),
                    "open_findings": [f.model_dump(mode="json") for f in still_open],
                },
            )
    return await repository.add_decision(placement_id=placement_id, decision=body)


@routes.route(
    "GET",
    f"{API}/placements/{{placement_id}}/decisions",
    name="list_decisions",
    summary="Placeringens beslut",
    tag="placeringar",
    response=DecisionList,
    roles=CHILD_READERS,
)
async def list_decisions(ctx: Context, *, placement_id: uuid.UUID) -> BaseModel:
    items = await PlacementRepository(ctx.conn, actor=ctx.actor).decisions(placement_id=placement_id)
    return DecisionList(items=items)
