"""Integrity: declarations of interest, conflict screening and its review, and the flags
(SV04–SV07) procurement and the nämnd follow."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from aiohttp import web
from pydantic import BaseModel, Field, StringConstraints

from placement.api.routing import Context, EndpointRegistry
from placement.core.clock import today_in_sweden
from placement.core.vocabulary import StaffRole
from placement.errors import Forbidden
from placement.exports import Table, swedish_csv
from placement.models import Input
from placement.principal import STAFF_READERS
from placement.repositories.declarations import (
    Declaration,
    DeclarationIn,
    DeclarationRepository,
    Declarations,
)
from placement.repositories.integrity import (
    ProviderOverview,
    ScreeningMatch,
    ScreeningSummary,
    all_flags,
    matches,
    provider_overview,
    review,
    run_screening,
)
from suppliers.rules import Flag

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


class Overview(BaseModel):
    year: int
    items: list[ProviderOverview]


# The overview's columns as a Swedish office reads them (the CSV export).
OVERVIEW_HEADERS = {
    "provider_orgnr": "Organisationsnummer",
    "provider_name": "Utförare",
    "active_contracts": "Avtal i kraft",
    "next_follow_up_due": "Nästa avtalsuppföljning",
    "days_without_contract_this_year": "Vårddygn utan avtal i år",
    "cost_without_contract_this_year": "Kostnad utan avtal i år (kr)",
    "current_placements": "Placerade nu",
    "open_flags": "Öppna flaggor",
}


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
    also_answers=("text/csv",),
)
async def procurement_overview(ctx: Context, *, query: OverviewQuery) -> BaseModel | web.StreamResponse:
    """Per provider: contracts, follow-up, purchases without contract this year, current placements
    (a count) and open flags. ``format=csv`` for a spreadsheet."""
    today = today_in_sweden()
    items = await provider_overview(ctx.conn, ctx.principal.municipality_id, today)
    overview = Overview(year=today.year, items=items)
    if query.format == "json":
        return overview
    table = Table(
        f"Upphandlingsöversikt {today.year}",
        tuple(OVERVIEW_HEADERS.values()),
        tuple(tuple(getattr(item, field) for field in OVERVIEW_HEADERS) for item in items),
    )
    return web.Response(
        body=swedish_csv([table]),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="upphandling-{today.year}.csv"'},
    )
