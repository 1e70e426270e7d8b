"""Log review (loggkontroll) for the granskare: search the audit log and draw samples."""

from __future__ import annotations

import secrets

from pydantic import BaseModel

from placement.api.routing import Context, EndpointRegistry
from placement.models import AuditPage, AuditQuery, AuditSample, AuditSampleQuery
from placement.principal import AUDIT_READERS
from placement.repositories.audit_log import AuditLogRepository

routes = EndpointRegistry()
API = "/api/v1"


@routes.route(
    "GET",
    f"{API}/audit-events",
    name="search_audit_log",
    summary="Sök i loggen över åtkomst till barns uppgifter",
    tag="loggkontroll",
    query=AuditQuery,
    response=AuditPage,
    roles=AUDIT_READERS,
)
async def search_audit_log(ctx: Context, *, query: AuditQuery) -> BaseModel:
    """Oldest first; filter by child, user and period. Reading the log is itself logged: one read
    of each child the page shows."""
    return await AuditLogRepository(ctx.conn, reader=ctx.actor).search(query=query)


@routes.route(
    "GET",
    f"{API}/audit-events/sample",
    name="sample_audit_log",
    summary="Stickprov ur loggen per enhet och månad",
    tag="loggkontroll",
    query=AuditSampleQuery,
    response=AuditSample,
    roles=AUDIT_READERS,
)
async def sample_audit_log(ctx: Context, *, query: AuditSampleQuery) -> BaseModel:
    """A reproducible random sample per unit for one month: the same seed draws the same events."""
    return await AuditLogRepository(ctx.conn, reader=ctx.actor).sample(
        month=query.month, per_unit=query.per_unit, seed=query.seed or secrets.token_hex(8)
    )
