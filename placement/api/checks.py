"""Pre-placement check runs, their resolutions, foster homes and the delegation order."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from aiohttp import web
from pydantic import BaseModel, Field, StringConstraints

from placement import audit
from placement.api.core import identity_key
from placement.api.routing import Context, EndpointRegistry
from placement.audit import Access, AuditAction
from placement.check_runs import (
    CheckRequest,
    CheckRun,
    MissingCheck,
    gather,
    missing_checks,
    read_run,
    resolve,
    store_run,
    versions_beside,
)
from placement.core.clock import today_in_sweden
from placement.core.vocabulary import StaffRole
from placement.corrections import patch_of, with_etag
from placement.models import Input
from placement.principal import CHILD_READERS, CHILD_WRITERS, STAFF_READERS
from placement.repositories.delegation import Delegation, DelegationIn, DelegationRepository
from placement.repositories.foster_homes import (
    FosterHome,
    FosterHomeIn,
    FosterHomeRepository,
    RegisterChecksIn,
)

routes = EndpointRegistry()
API = "/api/v1"


@routes.route(
    "POST",
    f"{API}/placement-checks",
    name="run_placement_check",
    summary="Kör kontroll före placering (PP01–PP23)",
    tag="kontroll",
    body=CheckRequest,
    response=CheckRun,
    status=201,
    roles=CHILD_WRITERS,
)
async def run_placement_check(ctx: Context, *, body: CheckRequest) -> BaseModel:
    """Runs every rule for the proposed placement and stores the run as it is: the request, the facts
    with the register snapshot ids, the findings and the verdict. It never changes afterwards."""
    facts = await gather(ctx.conn, ctx.principal, body, today_in_sweden(), identity_key=identity_key(ctx))
    beside = await versions_beside(ctx.conn, ctx.principal.municipality_id, body)
    stored = await store_run(ctx.conn, ctx.principal, body, facts, beside)
    await audit.record(
        ctx.conn, ctx.actor, AuditAction.CREATE, [Access("placement_check", stored.id, body.child_id)]
    )
    return stored


async def _readable(ctx: Context, check_id: uuid.UUID, *, write: bool) -> CheckRun:
    reach = ctx.actor.writes if write else ctx.actor.reads
    return await read_run(ctx.conn, ctx.principal.municipality_id, check_id, within=reach)


class MissingCheckList(BaseModel):
    items: list[MissingCheck]


@routes.route(
    "GET",
    f"{API}/placement-checks/missing",
    name="missing_placement_checks",
    summary="Brådskande beslut där kontrollen ännu inte är gjord (EK01)",
    tag="kontroll",
    response=MissingCheckList,
    roles=CHILD_READERS,
)
async def missing_placement_checks(ctx: Context) -> BaseModel:
    """Urgent placement decisions recorded before their check: each stays here until a check run
    for the same child, form and home is made after the decision."""
    items = await missing_checks(ctx.conn, ctx.principal)
    await audit.record(
        ctx.conn, ctx.actor, AuditAction.READ, [Access("decision", i.decision_id, i.child_id) for i in items]
    )
    return MissingCheckList(items=items)


@routes.route(
    "GET",
    f"{API}/placement-checks/{{check_id}}",
    name="get_placement_check",
    summary="Visa en kontroll",
    tag="kontroll",
    response=CheckRun,
    roles=CHILD_READERS,
)
async def get_placement_check(ctx: Context, *, check_id: uuid.UUID) -> BaseModel:
    """Exactly what the run found and was given, even after the registers have changed."""
    found = await _readable(ctx, check_id, write=False)
    await audit.record(
        ctx.conn, ctx.actor, AuditAction.READ, [Access("placement_check", check_id, found.child_id)]
    )
    return found


class ResolutionIn(Input):
    finding_index: int = Field(ge=0, description="The finding's index in the run.")
    action: Literal["acknowledge", "override"] = Field(
        description="acknowledge a warning; override a block (only someone with delegation for the decision)."
    )
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]


@routes.route(
    "POST",
    f"{API}/placement-checks/{{check_id}}/resolutions",
    name="resolve_check_finding",
    summary="Kvittera varning eller åsidosätt spärr med skäl",
    tag="kontroll",
    body=ResolutionIn,
    response=CheckRun,
    status=201,
    roles=CHILD_WRITERS,
)
async def resolve_check_finding(ctx: Context, *, check_id: uuid.UUID, body: ResolutionIn) -> BaseModel:
    """Nobody resolves a finding about themselves: the person a PP15 finding names can neither
    acknowledge nor override it. A block is overridden only by a signed-in person with delegation
    for the run's decision who is not linked to the provider; the override records both that person
    and the one the finding concerns. An integration's token cannot override."""
    found = await _readable(ctx, check_id, write=True)
    await resolve(ctx.conn, ctx.principal, found, body.finding_index, action=body.action, reason=body.reason)
    await audit.record(
        ctx.conn, ctx.actor, AuditAction.UPDATE, [Access("placement_check", check_id, found.child_id)]
    )
    return await read_run(ctx.conn, ctx.principal.municipality_id, check_id)


@routes.route(
    "POST",
    f"{API}/foster-homes",
    name="create_foster_home",
    summary="Registrera familjehem",
    tag="kontroll",
    body=FosterHomeIn,
    response=FosterHome,
    status=201,
    roles=frozenset({StaffRole.PLACERINGSSTOD, StaffRole.TEAMLEDARE}),
)
async def create_foster_home(ctx: Context, *, body: FosterHomeIn) -> BaseModel:
    return await FosterHomeRepository(ctx.conn, municipality_id=ctx.principal.municipality_id).create(
        home=body
    )


@routes.route(
    "GET",
    f"{API}/foster-homes/{{foster_home_id}}",
    name="get_foster_home",
    summary="Visa familjehem",
    tag="kontroll",
    response=FosterHome,
    roles=CHILD_READERS,
)
async def get_foster_home(ctx: Context, *, foster_home_id: uuid.UUID) -> web.StreamResponse:
    """With its ETag, for a correction's If-Match."""
    homes = FosterHomeRepository(ctx.conn, municipality_id=ctx.principal.municipality_id)
    return with_etag(await homes.get(foster_home_id=foster_home_id))


FosterHomePatch = patch_of(FosterHomeIn, "FosterHomePatch", leave_out=("parents",))


@routes.route(
    "PATCH",
    f"{API}/foster-homes/{{foster_home_id}}",
    name="correct_foster_home",
    summary="Rätta familjehemmets uppgifter (utredning, godkännande, registerkontroller)",
    tag="kontroll",
    body=FosterHomePatch,
    response=FosterHome,
    roles=frozenset({StaffRole.PLACERINGSSTOD, StaffRole.TEAMLEDARE}),
)
async def correct_foster_home(
    ctx: Context, *, foster_home_id: uuid.UUID, body: BaseModel
) -> web.StreamResponse:
    """A renewed register check or approval is a correction of the home's record, not a new home.
    Send only the fields to correct, and the ETag you read in `If-Match` (428 without it, 412 if
    someone changed the home since). What it said before is kept in the history; a check run made
    on the old record no longer carries a decision."""
    homes = FosterHomeRepository(ctx.conn, municipality_id=ctx.principal.municipality_id)
    corrected = await homes.correct(
        foster_home_id=foster_home_id,
        patch=body,
        if_match=ctx.request.headers.get("If-Match"),
        actor=ctx.actor,
    )
    return with_etag(corrected)


@routes.route(
    "PATCH",
    f"{API}/foster-homes/{{foster_home_id}}/parents/{{parent_id}}/register-checks",
    name="correct_register_checks",
    summary="Rätta en persons registerutdrag (belastnings- och misstankeregistret)",
    tag="kontroll",
    body=RegisterChecksIn,
    response=FosterHome,
    roles=frozenset({StaffRole.PLACERINGSSTOD, StaffRole.TEAMLEDARE}),
)
async def correct_register_checks(
    ctx: Context, *, foster_home_id: uuid.UUID, parent_id: uuid.UUID, body: RegisterChecksIn
) -> web.StreamResponse:
    """Register extracts are per person in the home (SoF 3 kap. 3 §): a renewed extract for one
    person is recorded here, with the home's ETag in `If-Match` (428 without it, 412 if someone
    changed the home since). The home's check counts from the oldest person's extract, and as
    missing while anyone lacks one (PP13)."""
    homes = FosterHomeRepository(ctx.conn, municipality_id=ctx.principal.municipality_id)
    corrected = await homes.correct_register_checks(
        foster_home_id=foster_home_id,
        parent_id=parent_id,
        checks=body,
        if_match=ctx.request.headers.get("If-Match"),
        actor=ctx.actor,
    )
    return with_etag(corrected)


class DelegationList(BaseModel):
    items: list[Delegation]


@routes.route(
    "POST",
    f"{API}/delegation-rules",
    name="create_delegation_rule",
    summary="Lägg till i delegationsordningen",
    tag="kontroll",
    body=DelegationIn,
    response=Delegation,
    status=201,
    roles=frozenset({StaffRole.ADMINISTRATOR}),
)
async def create_delegation_rule(ctx: Context, *, body: DelegationIn) -> BaseModel:
    """Who may take a kind of decision: a role, or a named person."""
    rules = DelegationRepository(ctx.conn, municipality_id=ctx.principal.municipality_id)
    return await rules.add(rule=body, granted_by=ctx.actor.name)


@routes.route(
    "GET",
    f"{API}/delegation-rules",
    name="list_delegation_rules",
    summary="Delegationsordningen",
    tag="kontroll",
    response=DelegationList,
    roles=STAFF_READERS,
)
async def list_delegation_rules(ctx: Context) -> BaseModel:
    rules = DelegationRepository(ctx.conn, municipality_id=ctx.principal.municipality_id)
    return DelegationList(items=await rules.all())
