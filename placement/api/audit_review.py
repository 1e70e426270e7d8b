"""Log review (loggkontroll) for the granskare: search the audit log and draw samples."""

from __future__ import annotations

import secrets

from pydantic import BaseModel

from placement import audit
from placement.api.routing import Context, EndpointRegistry
from placement.audit import Access, AuditAction
from placement.models import AuditEvent, AuditPage, AuditQuery, AuditSample, AuditSampleQuery
from placement.principal import AUDIT_READERS
from placement.repositories.audit_log import AuditLogRepository

routes = EndpointRegistry()
AUDIT_LOG_OBJECT = "audit_log"
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
    page = await AuditLogRepository(ctx.conn, municipality_id=ctx.principal.municipality_id).search(
        query=query
    )
    await _record_reading(ctx, page.items)
    return page


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
    sample = await AuditLogRepository(ctx.conn, municipality_id=ctx.principal.municipality_id).sample(
        month=query.month, per_unit=query.per_unit, seed=query.seed or secrets.token_hex(8)
    )
    await _record_reading(ctx, [event for unit in sample.units for event in unit.items])
    return sample


async def _record_reading(ctx: Context, events: list[AuditEvent]) -> None:
    """The audit log shows who touched which child: reading it is a read of those children."""
    children = dict.fromkeys(e.child_id for e in events if e.child_id is not None)
    await audit.record(
        ctx.conn, ctx.actor, AuditAction.READ, [Access(AUDIT_LOG_OBJECT, child, child) for child in children]
    )
