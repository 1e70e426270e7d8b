"""Integrity: declarations of interest, conflict screening and its review, and the flags
(SV04–SV07) procurement and the nämnd follow."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from typing import Annotated, Literal

from aiohttp import web
from pydantic import BaseModel, Field, StringConstraints

from placement.api.routing import Context, EndpointRegistry
from placement.clock import today_in_sweden
from placement.errors import Forbidden
from placement.models import Input
from placement.principal import STAFF_READERS
from placement.repositories.declarations import (
    Declaration,
    DeclarationIn,
    DeclarationRepository,
    Declarations,
)
from placement.vocabulary import StaffRole
from suppliers.contracts import next_follow_up_due
from suppliers.integrity import (
    Flag,
    ScreeningMatch,
    ScreeningSummary,
    all_flags,
    matches,
    purchases_without_contract,
    review,
    run_screening,
)

routes = EndpointRegistry()
API = "/api/v1"

INTEGRITY_READERS = frozenset(
    {StaffRole.UPPHANDLARE, StaffRole.GRANSKARE, StaffRole.ADMINISTRATOR, StaffRole.TEAMLEDARE}
)
SCREENERS = frozenset({StaffRole.UPPHANDLARE, StaffRole.ADMINISTRATOR})
REVIEWERS = frozenset({StaffRole.UPPHANDLARE})
DECLARATION_READERS = frozenset({StaffRole.ADMINISTRATOR, StaffRole.UPPHANDLARE, StaffRole.GRANSKARE})


def _self_or(ctx: Context, staff_id: uuid.UUID, allowed: frozenset[StaffRole]) -> None:
    if ctx.principal.staff_id != staff_id and not ctx.principal.may(allowed):
        raise Forbidden("Bara medarbetaren själv eller en behörig roll får se eller lämna deklarationen")


@routes.route(
    "POST",
    f"{API}/staff/{{staff_id}}/declarations",
    name="create_declaration",
    summary="Lämna jävs- och bisysslodeklaration",
    tag="integritet",
    body=DeclarationIn,
    response=Declaration,
    status=201,
    roles=STAFF_READERS,
)
async def create_declaration(ctx: Context, *, staff_id: uuid.UUID, body: DeclarationIn) -> BaseModel:
    """By the staff member themself, or an administrator. A new declaration never replaces an old one."""
    _self_or(ctx, staff_id, frozenset({StaffRole.ADMINISTRATOR}))
    tenant = ctx.principal.municipality_id
    created = await DeclarationRepository(ctx.conn, municipality_id=tenant).add(
        staff_id=staff_id, declaration=body
    )
    await run_screening(ctx.conn, tenant)  # a changed declaration is screened at once, in this transaction
    return created


@routes.route(
    "GET",
    f"{API}/staff/{{staff_id}}/declarations",
    name="list_declarations",
    summary="Medarbetarens deklarationer",
    tag="integritet",
    response=Declarations,
    roles=STAFF_READERS,
)
async def list_declarations(ctx: Context, *, staff_id: uuid.UUID) -> BaseModel:
    _self_or(ctx, staff_id, DECLARATION_READERS)
    return await DeclarationRepository(ctx.conn, municipality_id=ctx.principal.municipality_id).of(
        staff_id=staff_id
    )


@routes.route(
    "POST",
    f"{API}/screening/runs",
    name="run_screening",
    summary="Kör jävsscreening nu",
    tag="integritet",
    response=ScreeningSummary,
    roles=SCREENERS,
)
async def run_screening_now(ctx: Context) -> BaseModel:
    """Screens staff and their declared relatives against every provider officer in the register."""
    return await run_screening(ctx.conn, ctx.principal.municipality_id)


class MatchQuery(Input):
    status: Literal["open", "confirmed", "dismissed"] | None = None


class MatchList(BaseModel):
    items: list[ScreeningMatch] = Field(description="Open matches first, highest score first.")


@routes.route(
    "GET",
    f"{API}/screening/matches",
    name="list_screening_matches",
    summary="Granskningskö",
    tag="integritet",
    query=MatchQuery,
    response=MatchList,
    roles=frozenset({StaffRole.UPPHANDLARE, StaffRole.GRANSKARE}),
)
async def list_screening_matches(ctx: Context, *, query: MatchQuery) -> BaseModel:
    return MatchList(items=await matches(ctx.conn, ctx.principal.municipality_id, query.status))


class ReviewIn(Input):
    decision: Literal["confirm", "dismiss"]
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]


@routes.route(
    "POST",
    f"{API}/screening/matches/{{match_id}}/review",
    name="review_screening_match",
    summary="Bekräfta eller avfärda en träff",
    tag="integritet",
    body=ReviewIn,
    response=ScreeningMatch,
    roles=REVIEWERS,
)
async def review_screening_match(ctx: Context, *, match_id: uuid.UUID, body: ReviewIn) -> BaseModel:
    """A dismissed pair is not raised again unless the data behind it changes; a confirmed one is a link."""
    return await review(
        ctx.conn,
        ctx.principal.municipality_id,
        match_id,
        confirm=body.decision == "confirm",
        reason=body.reason,
        reviewer=ctx.principal.staff_id,
    )


class FlagList(BaseModel):
    items: list[Flag]


@routes.route(
    "GET",
    f"{API}/integrity/flags",
    name="list_integrity_flags",
    summary="Avtal, köp utan avtal, jäv och deklarationer (SV04–SV07)",
    tag="integritet",
    response=FlagList,
    roles=INTEGRITY_READERS,
)
async def list_integrity_flags(ctx: Context) -> BaseModel:
    return FlagList(items=await all_flags(ctx.conn, ctx.principal.municipality_id, today_in_sweden()))


class ProviderOverview(BaseModel):
    provider_orgnr: str
    provider_name: str | None
    active_contracts: int
    next_follow_up_due: dt.date | None
    days_without_contract_this_year: int
    cost_without_contract_this_year: float
    current_placements: int = Field(description="A count; no child data.")
    open_flags: int


class Overview(BaseModel):
    year: int
    items: list[ProviderOverview]


class OverviewQuery(Input):
    format: Literal["json", "csv"] = "json"


@routes.route(
    "GET",
    f"{API}/procurement/overview",
    name="procurement_overview",
    summary="Upphandlingsöversikt per utförare",
    tag="integritet",
    query=OverviewQuery,
    response=Overview,
    roles=frozenset({StaffRole.UPPHANDLARE, StaffRole.GRANSKARE}),
)
async def procurement_overview(ctx: Context, *, query: OverviewQuery) -> BaseModel | web.StreamResponse:
    """Per provider: contracts, follow-up, purchases without contract this year, current placements
    (a count) and open flags. ``format=csv`` for a spreadsheet."""
    today = today_in_sweden()
    tenant = ctx.principal.municipality_id
    rows = await ctx.conn.fetch(
        """
        WITH provider_units AS (
            SELECT key AS unit_code, payload ->> 'provider_orgnr' AS orgnr FROM register_entity
             WHERE kind = 'unit' AND valid_to_snapshot IS NULL AND payload ->> 'provider_orgnr' IS NOT NULL
        ), providers AS (
            SELECT provider_orgnr AS orgnr FROM contract WHERE municipality_id = $1
            UNION
            SELECT u.orgnr FROM placement p JOIN provider_units u ON u.unit_code = p.unit_code
             WHERE p.municipality_id = $1
        )
        SELECT pr.orgnr,
               (SELECT payload ->> 'name' FROM register_entity
                 WHERE kind = 'provider' AND key = pr.orgnr AND valid_to_snapshot IS NULL) AS name,
               (SELECT count(*) FROM contract c WHERE c.municipality_id = $1 AND c.provider_orgnr = pr.orgnr
                   AND c.valid_from <= $2 AND (c.valid_to IS NULL OR c.valid_to >= $2)) AS active_contracts,
               (SELECT count(*) FROM placement p JOIN provider_units u ON u.unit_code = p.unit_code
                 WHERE p.municipality_id = $1 AND u.orgnr = pr.orgnr
                   AND p.start_date <= $2 AND (p.end_date IS NULL OR p.end_date >= $2)) AS current_placements
          FROM providers pr ORDER BY pr.orgnr
        """,
        tenant,
        today,
    )
    purchases = await purchases_without_contract(ctx.conn, tenant, today.year, today)
    flags = await all_flags(ctx.conn, tenant, today)
    contracts = await ctx.conn.fetch(
        """SELECT c.provider_orgnr, c.valid_from, c.follow_up_interval_months,
                  (SELECT max(f.followed_up_on) FROM contract_follow_up f
                    WHERE f.municipality_id = c.municipality_id AND f.contract_id = c.id) AS last
             FROM contract c WHERE c.municipality_id = $1 AND (c.valid_to IS NULL OR c.valid_to >= $2)""",
        tenant,
        today,
    )
    due: dict[str, dt.date] = {}
    for c in contracts:
        when = next_follow_up_due(c["valid_from"], c["last"], c["follow_up_interval_months"])
        due[c["provider_orgnr"]] = min(when, due.get(c["provider_orgnr"], when))
    items = [
        ProviderOverview(
            provider_orgnr=r["orgnr"],
            provider_name=r["name"],
            active_contracts=r["active_contracts"],
            next_follow_up_due=due.get(r["orgnr"]),
            days_without_contract_this_year=purchases.get(r["orgnr"], (0, 0.0))[0],
            cost_without_contract_this_year=purchases.get(r["orgnr"], (0, 0.0))[1],
            current_placements=r["current_placements"],
            open_flags=sum(1 for f in flags if f.provider_orgnr == r["orgnr"]),
        )
        for r in rows
    ]
    overview = Overview(year=today.year, items=items)
    if query.format == "json":
        return overview
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(ProviderOverview.model_fields))
    for item in items:
        writer.writerow(list(item.model_dump(mode="json").values()))
    return web.Response(
        text=out.getvalue(),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="upphandling-{today.year}.csv"'},
    )
