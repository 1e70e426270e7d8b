"""Who is calling, for which municipality, with which roles.

Three ways in, tried in this order:

- ``Authorization: Bearer pk_...``: an API token for an integration (see ``placement token``).
- ``Authorization: Bearer <JWT>``: a token from the municipality's identity provider (OIDC),
  when ``PLACEMENT_OIDC_*`` is configured.
- ``X-Demo-User: <e-mail>``: act as a staff member of the demo municipality. Only in demo mode.

Anything else gets 401. The route table then decides, by role, whether the principal may call
the endpoint (403 if not).

An unknown municipality gets the same answer as a bad credential: an unauthenticated caller
learns nothing about which municipalities use the service. A person signed in with the
identity provider is a staff member only when linked by their stable subject, recorded at the
first sign-in from a verified e-mail address (placement/repositories/sign_in.py).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

from placement.api.middleware import REQUEST_ID
from placement.api.state import DATABASE, SETTINGS, TOKEN_VERIFIER
from placement.core.vocabulary import StaffRole
from placement.database.pool import Connection, Database, scope_to
from placement.errors import Forbidden, Unauthorized
from placement.oidc import VerifiedClaims
from placement.principal import Principal, SignInMethod
from placement.repositories.api_tokens import ApiTokenRepository, parse_token
from placement.repositories.municipalities import MunicipalityRepository
from placement.repositories.operator_tokens import (
    OperatorToken,
    OperatorTokenRepository,
    looks_like_operator_token,
)
from placement.repositories.sign_in import SignInRepository, demo_municipality

DEMO_USER_HEADER = "X-Demo-User"
BAD_CREDENTIAL = "Token är ogiltig, har gått ut eller är återkallad"
_ROLE_VALUES = frozenset(r.value for r in StaffRole)


async def authenticate(request: web.Request) -> Principal:
    request_id = request[REQUEST_ID]
    database = request.app[DATABASE]
    authorization = request.headers.get("Authorization", "")
    scheme, _, credentials = authorization.partition(" ")
    credentials = credentials.strip()
    if scheme.lower() == "bearer" and credentials:
        parsed = parse_token(credentials)
        if parsed is not None:
            return await _api_token(database, parsed.kommunkod, credentials, request_id)
        verifier = request.app.get(TOKEN_VERIFIER)
        if verifier is None:
            raise Unauthorized("Inloggning med identitetsleverantör är inte konfigurerad för tjänsten")
        claims = await verifier.verify(credentials)
        return await oidc_principal(database, claims, request_id)
    demo_user = request.headers.get(DEMO_USER_HEADER, "").strip()
    if demo_user and request.app[SETTINGS].demo:
        return await demo_principal(database, demo_user, request_id)
    raise Unauthorized("Inloggning krävs: skicka en token i Authorization: Bearer")


async def authenticate_operator(request: web.Request, scope: str) -> OperatorToken:
    """An operator token (``Authorization: Bearer po_...``) carrying ``scope``; nothing else will do."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    credentials = credentials.strip()
    if scheme.lower() != "bearer" or not looks_like_operator_token(credentials):
        raise Unauthorized("Detta kräver en operatörstoken (Authorization: Bearer po_...)")
    async with request.app[DATABASE].transaction() as conn:
        token = await OperatorTokenRepository(conn).verify(raw=credentials)
    if token is None:
        raise Unauthorized("Operatörstoken är ogiltig, har gått ut eller är återkallad")
    if scope not in token.scopes:
        raise Forbidden("Operatörstoken ger inte åtkomst till detta")
    return token


@asynccontextmanager
async def _signing_in(database: Database, kommunkod: str) -> AsyncIterator[tuple[Connection, uuid.UUID]]:
    """One transaction for the whole sign-in: the municipality looked up by its kommunkod, then
    scoped to it for the lookups of the token or the staff member."""
    async with database.transaction() as conn:
        municipality = await MunicipalityRepository(conn).by_kommunkod(kommunkod=kommunkod)
        if municipality is None:
            raise Unauthorized(BAD_CREDENTIAL)
        await scope_to(conn, municipality.id)
        yield conn, municipality.id


async def _api_token(database: Database, kommunkod: str, raw: str, request_id: str) -> Principal:
    parsed = parse_token(raw)
    assert parsed is not None
    async with _signing_in(database, kommunkod) as (conn, municipality_id):
        token = await ApiTokenRepository(conn, municipality_id=municipality_id).verify(parsed=parsed)
    if token is None:
        raise Unauthorized(BAD_CREDENTIAL)
    return Principal(
        municipality_id=municipality_id,
        subject=f"{token.name} ({token.id})",
        roles=token.roles,
        method=SignInMethod.API_TOKEN,
        request_id=request_id,
    )


async def oidc_principal(database: Database, claims: VerifiedClaims, request_id: str) -> Principal:
    """The person an identity provider's verified claims name, in their municipality (also the web
    sign-in's). An unknown municipality is refused with ``BAD_CREDENTIAL``."""
    known = frozenset(StaffRole(r) for r in claims.roles if r in _ROLE_VALUES)
    async with _signing_in(database, claims.kommunkod) as (conn, municipality_id):
        staff_members = SignInRepository(conn, municipality_id=municipality_id)
        staff = await staff_members.by_subject(issuer=claims.issuer, subject=claims.subject)
        if staff is None and claims.email is not None and claims.email_verified:
            staff = await staff_members.link_by_verified_email(
                issuer=claims.issuer, subject=claims.subject, email=claims.email
            )
    return Principal(
        municipality_id=municipality_id,
        subject=claims.subject,
        roles=known,
        method=SignInMethod.OIDC,
        request_id=request_id,
        staff_id=staff.id if staff else None,
        org_unit=staff.org_unit if staff else None,
    )


async def demo_principal(database: Database, email: str, request_id: str) -> Principal:
    """A demo municipality's staff member by e-mail (demo mode only; also the web sign-in's)."""
    async with database.transaction() as conn:
        municipality_id = await demo_municipality(conn)
        if municipality_id is None:
            raise Unauthorized("Det finns ingen demokommun; starta med placement serve --demo")
        await scope_to(conn, municipality_id)
        staff = await SignInRepository(conn, municipality_id=municipality_id).by_email(email=email)
    if staff is None:
        raise Unauthorized(f"Det finns ingen demoanvändare {email}; se README för demoanvändarna")
    return Principal(
        municipality_id=municipality_id,
        subject=email,
        roles=staff.roles,
        method=SignInMethod.DEMO,
        request_id=request_id,
        staff_id=staff.id,
        org_unit=staff.org_unit,
    )
