"""Contracts with providers and their follow-ups: kept by procurement, readable by all staff."""

from __future__ import annotations

import uuid

from aiohttp import web
from pydantic import BaseModel

from placement.api.routing import Context, EndpointRegistry
from placement.corrections import patch_of, with_etag
from placement.models import Page
from placement.principal import CONTRACT_WRITERS, STAFF_READERS
from placement.repositories.contracts import (
    Contract,
    ContractIn,
    ContractQuery,
    ContractRepository,
    FollowUp,
    FollowUpIn,
    FollowUpList,
)

routes = EndpointRegistry()
API = "/api/v1"


def _repo(ctx: Context) -> ContractRepository:
    return ContractRepository(ctx.conn, municipality_id=ctx.principal.municipality_id)


@routes.route(
    "POST",
    f"{API}/contracts",
    name="create_contract",
    summary="Registrera avtal",
    tag="avtal",
    body=ContractIn,
    response=Contract,
    status=201,
    roles=CONTRACT_WRITERS,
)
async def create_contract(ctx: Context, *, body: ContractIn) -> BaseModel:
    return await _repo(ctx).create(contract=body)


@routes.route(
    "GET",
    f"{API}/contracts",
    name="list_contracts",
    summary="Lista avtal",
    tag="avtal",
    query=ContractQuery,
    response=Page[Contract],
    roles=STAFF_READERS,
)
async def list_contracts(ctx: Context, *, query: ContractQuery) -> BaseModel:
    """Filter by provider and by the day a contract must be valid on."""
    return await _repo(ctx).list_page(query=query)


@routes.route(
    "GET",
    f"{API}/contracts/{{contract_id}}",
    name="get_contract",
    summary="Visa avtal",
    tag="avtal",
    response=Contract,
    roles=STAFF_READERS,
)
async def get_contract(ctx: Context, *, contract_id: uuid.UUID) -> web.StreamResponse:
    """With its ETag, for a correction's If-Match."""
    return with_etag(await _repo(ctx).get(contract_id=contract_id))


ContractPatch = patch_of(ContractIn, "ContractPatch")


@routes.route(
    "PATCH",
    f"{API}/contracts/{{contract_id}}",
    name="correct_contract",
    summary="Rätta avtalet",
    tag="avtal",
    body=ContractPatch,
    response=Contract,
    roles=CONTRACT_WRITERS,
)
async def correct_contract(ctx: Context, *, contract_id: uuid.UUID, body: BaseModel) -> web.StreamResponse:
    """Send only the fields to correct, and the ETag you read in `If-Match` (428 without it, 412 if
    someone changed the contract since). What it said before is kept in the history."""
    corrected = await _repo(ctx).correct(
        contract_id=contract_id, patch=body, if_match=ctx.request.headers.get("If-Match"), actor=ctx.actor
    )
    return with_etag(corrected)


@routes.route(
    "POST",
    f"{API}/contracts/{{contract_id}}/follow-ups",
    name="create_contract_follow_up",
    summary="Registrera avtalsuppföljning",
    tag="avtal",
    body=FollowUpIn,
    response=FollowUp,
    status=201,
    roles=CONTRACT_WRITERS,
)
async def create_contract_follow_up(ctx: Context, *, contract_id: uuid.UUID, body: FollowUpIn) -> BaseModel:
    return await _repo(ctx).add_follow_up(contract_id=contract_id, follow_up=body)


@routes.route(
    "GET",
    f"{API}/contracts/{{contract_id}}/follow-ups",
    name="list_contract_follow_ups",
    summary="Avtalets uppföljningar",
    tag="avtal",
    response=FollowUpList,
    roles=STAFF_READERS,
)
async def list_contract_follow_ups(ctx: Context, *, contract_id: uuid.UUID) -> BaseModel:
    return FollowUpList(items=await _repo(ctx).follow_ups(contract_id=contract_id))
