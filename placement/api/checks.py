"""Pre-placement check runs, their resolutions, foster homes and the delegation order."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from placement import audit
from placement.api.routing import Context, EndpointRegistry
from placement.api.state import SETTINGS
from placement.audit import Access, AuditAction
from placement.check_runs import (
    CheckRequest,
    CheckRun,
    MissingCheck,
    add_resolution,
    delegation_for,
    gather,
    missing_checks,
    read_run,
    store_run,
)
from placement.core.clock import today_in_sweden
from placement.core.rulebook import Severity
from placement.core.vocabulary import StaffRole
from placement.errors import Forbidden, ValidationFailed
from placement.models import Input
from placement.principal import CHILD_READERS, CHILD_WRITERS, STAFF_READERS
from placement.repositories.delegation import Delegation, DelegationIn, DelegationRepository
from placement.repositories.foster_homes import FosterHome, FosterHomeIn, FosterHomeRepository

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
    stored = await store_run(ctx.conn, ctx.principal, body, facts)
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
    found = await _readable(ctx, check_id, write=True)
    if body.finding_index >= len(found.findings):
        message = "Kontrollen har inget sådant fynd"
        raise ValidationFailed.on("body.finding_index", message, "unknown")
    target = found.findings[body.finding_index]
    if target.resolution is not None:
        message = "Fyndet är redan hanterat"
        raise ValidationFailed.on("body.finding_index", message, "resolved")
    if body.action == "acknowledge" and target.severity is Severity.BLOCK:
        message = "En spärr kan inte kvitteras; den ska åtgärdas och kontrollen köras om, eller åsidosättas"
        raise ValidationFailed.on("body.action", message, "block")
    if body.action == "override":
        delegated, _ = await delegation_for(
            ctx.conn, ctx.principal.municipality_id, ctx.principal.staff_id, found.decision_kind
        )
        if not delegated:
            raise Forbidden("Bara den som har delegation för beslutet får åsidosätta en spärr")
    await add_resolution(
        ctx.conn,
        ctx.principal.municipality_id,
        check_id,
        body.finding_index,
        action=body.action,
        reason=body.reason,
        by=ctx.actor,
    )
    await audit.record(
        ctx.conn, ctx.actor, AuditAction.UPDATE, [Access("placement_check", check_id, found.child_id)]
    )
    return await read_run(ctx.conn, ctx.principal.municipality_id, check_id)


def identity_key(ctx: Context) -> bytes | None:
    secret = ctx.request.app[SETTINGS].identity_key
    return secret.get_secret_value().encode() if secret is not None else None


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
async def get_foster_home(ctx: Context, *, foster_home_id: uuid.UUID) -> BaseModel:
    return await FosterHomeRepository(ctx.conn, municipality_id=ctx.principal.municipality_id).get(
        foster_home_id=foster_home_id
    )


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
