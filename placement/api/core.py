"""The placement core: staff, children, placements, decisions, responsible social worker."""

from __future__ import annotations

import datetime as dt
import uuid

from aiohttp import web
from pydantic import BaseModel, Field

from followup.store import refresh
from placement import foster_identity
from placement.api.routing import Context, EndpointRegistry
from placement.api.state import SETTINGS
from placement.check_runs import record_decision
from placement.core.clock import today_in_sweden
from placement.core.vocabulary import EndReason
from placement.corrections import patch_of, with_etag
from placement.models import (
    Child,
    ChildIn,
    Decision,
    DecisionIn,
    LongText,
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
async def get_staff(ctx: Context, *, staff_id: uuid.UUID) -> web.StreamResponse:
    """With its ETag, for a correction's If-Match."""
    staff = StaffRepository(ctx.conn, municipality_id=ctx.principal.municipality_id)
    return with_etag(await staff.get(staff_id=staff_id))


StaffPatch = patch_of(
    StaffIn,
    "StaffPatch",
    more={
        "active": (bool | None, Field(default=None, description="false: the person has left or moved on."))
    },
)


@routes.route(
    "PATCH",
    f"{API}/staff/{{staff_id}}",
    name="correct_staff",
    summary="Rätta eller avaktivera medarbetare",
    tag="personal",
    body=StaffPatch,
    response=Staff,
    roles=STAFF_WRITERS,
)
async def correct_staff(ctx: Context, *, staff_id: uuid.UUID, body: BaseModel) -> web.StreamResponse:
    """Send only the fields to correct, and the ETag you read in `If-Match` (428 without it, 412 if
    someone changed the record since). `active: false` deactivates: the person's appointments as
    responsible social worker end today, and the children's obligations are recomputed at once (the
    post is vacant: FU05). What it said before is kept in the history."""
    staff = StaffRepository(ctx.conn, municipality_id=ctx.principal.municipality_id)
    corrected = await staff.correct(
        staff_id=staff_id, patch=body, if_match=ctx.request.headers.get("If-Match"), actor=ctx.actor
    )
    if not corrected.active:
        for placement in await staff.placements_in_care(staff_id=staff_id):
            await refresh(ctx.conn, ctx.principal.municipality_id, placement, today_in_sweden())
    return with_etag(corrected)


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
async def get_child(ctx: Context, *, child_id: uuid.UUID) -> web.StreamResponse:
    """With its ETag, for a correction's If-Match."""
    return with_etag(await ChildRepository(ctx.conn, actor=ctx.actor).get(child_id=child_id))


ChildPatch = patch_of(ChildIn, "ChildPatch")


@routes.route(
    "PATCH",
    f"{API}/children/{{child_id}}",
    name="correct_child",
    summary="Rätta barnets uppgifter",
    tag="barn",
    body=ChildPatch,
    response=Child,
    roles=CHILD_WRITERS,
)
async def correct_child(ctx: Context, *, child_id: uuid.UUID, body: BaseModel) -> web.StreamResponse:
    """Send only the fields to correct, and the ETag you read in `If-Match` (428 without it, 412 if
    someone changed the child since). What it said before is kept in the history; the child's
    obligations are recomputed at once (a birth date counts for FU15)."""
    corrected = await ChildRepository(ctx.conn, actor=ctx.actor).correct(
        child_id=child_id, patch=body, if_match=ctx.request.headers.get("If-Match")
    )
    children = ChildRepository(ctx.conn, actor=ctx.actor)
    placements = await children.placement_ids(child_id=child_id)
    for placement in placements:
        await refresh(ctx.conn, ctx.principal.municipality_id, placement, today_in_sweden())
    return with_etag(corrected)


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


def identity_key(ctx: Context) -> bytes | None:
    """The service's key for the keyed hashes of foster parents shared across municipalities."""
    secret = ctx.request.app[SETTINGS].identity_key
    return secret.get_secret_value().encode() if secret is not None else None


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
async def get_placement(ctx: Context, *, placement_id: uuid.UUID) -> web.StreamResponse:
    """With its ETag, for a correction's If-Match."""
    return with_etag(await PlacementRepository(ctx.conn, actor=ctx.actor).get(placement_id=placement_id))


PlacementPatch = patch_of(
    PlacementIn,
    "PlacementPatch",
    leave_out=("child_id",),
    more={
        "end_date": (dt.date | None, Field(default=None, description="Only for an ended placement.")),
        "end_reason": (EndReason | None, Field(default=None, description="Only for an ended placement.")),
        "end_reason_note": (LongText | None, Field(default=None, description="Only for an ended placement.")),
    },
)


@routes.route(
    "PATCH",
    f"{API}/placements/{{placement_id}}",
    name="correct_placement",
    summary="Rätta placeringen",
    tag="placeringar",
    body=PlacementPatch,
    response=Placement,
    roles=CHILD_WRITERS,
)
async def correct_placement(ctx: Context, *, placement_id: uuid.UUID, body: BaseModel) -> web.StreamResponse:
    """Send only the fields to correct (an ended placement's date and reason too: a reason may come
    later), and the ETag you read in `If-Match` (428 without it, 412 if someone changed the
    placement since). The corrected placement obeys every rule of a new one. What it said before
    is kept in the history; its obligations are recomputed in the same transaction."""
    corrected = await PlacementRepository(ctx.conn, actor=ctx.actor).correct(
        placement_id=placement_id, patch=body, if_match=ctx.request.headers.get("If-Match")
    )
    await refresh(ctx.conn, ctx.principal.municipality_id, placement_id, today_in_sweden())
    await _share_foster_home_use(ctx, corrected)
    return with_etag(corrected)


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
    """A placement decision (SoL, LVU, LSS) names the check run it relies on (`check_id`). The run
    must be for the same child, form and home, the same kind of decision and decision-maker, made on
    or before the decision's date and within the policy's days (30) before it, with no block left
    unresolved and no warning unacknowledged, and still true: what it relied on (register records,
    foster home, child, links, delegation, contracts, policy) is gathered again in this transaction
    and must be unchanged and give no new finding. Otherwise 409 naming what differs. An urgent
    decision, with its reason, may be recorded first: the check then runs afterwards.

    Every decision, of any kind and urgent or not, passes one delegation judgement first
    (`judge_decision_maker`): an official (`decided_by`) needs delegation for the kind, and a kind
    the law reserves for the nämnd (SoL 30 kap. 6–7 §§: övervägande, omprövning, familjehem, jourhem,
    LVU care, medgivande) is recorded only as the nämnd's (`decided_by_namnd` with the meeting's date
    and paragraph; the signed-in person is kept as who recorded it): otherwise 422 on `decided_by`.
    Only the placement kinds cite a check run; `check_id` on another kind is a 422."""
    repository = PlacementRepository(ctx.conn, actor=ctx.actor)
    placement = await repository.for_writing(placement_id=placement_id)
    return await record_decision(
        ctx.conn, ctx.principal, placement, body, today_in_sweden(), identity_key=identity_key(ctx)
    )


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
