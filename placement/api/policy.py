"""The municipality's policy values (thresholds, direct-award limits, visit targets, register
extract age): read by all staff, corrected by the administrator, with If-Match and history; and
the history of every correction, for the auditor."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from aiohttp import web
from pydantic import BaseModel, Field, StringConstraints, ValidationError

from followup.store import scan_municipality
from placement import audit, corrections
from placement.api.routing import Context, EndpointRegistry
from placement.audit import Access, AuditAction
from placement.core.clock import today_in_sweden
from placement.core.validation_messages import field_errors
from placement.corrections import with_etag
from placement.errors import ValidationFailed
from placement.models import Input
from placement.policy import corrected
from placement.principal import AUDIT_READERS, STAFF_READERS, STAFF_WRITERS
from placement.repositories.corrections import history
from placement.repositories.policy import PolicyRepository, PolicyValue

routes = EndpointRegistry()
API = "/api/v1"


class CorrectionQuery(Input):
    object_type: (
        Literal["child", "placement", "foster_home", "foster_parent", "contract", "staff", "policy"] | None
    ) = None
    object_id: Annotated[str, StringConstraints(max_length=100)] | None = Field(
        default=None, description="One record's id (a policy value's key)."
    )
    limit: int = Field(default=100, ge=1, le=1000)


class CorrectionOut(BaseModel):
    id: uuid.UUID
    object_type: str
    object_id: str
    child_id: uuid.UUID | None
    before: dict[str, Any] = Field(description="The changed fields as they were.")
    after: dict[str, Any] = Field(description="The same fields as corrected.")
    changed_by: str
    changed_by_role: str | None
    changed_at: dt.datetime


class CorrectionList(BaseModel):
    items: list[CorrectionOut] = Field(description="Newest first.")


@routes.route(
    "GET",
    f"{API}/corrections",
    name="list_corrections",
    summary="Rättelser: vad posterna sade före och efter",
    tag="granskning",
    query=CorrectionQuery,
    response=CorrectionList,
    roles=AUDIT_READERS,
)
async def list_corrections(ctx: Context, *, query: CorrectionQuery) -> BaseModel:
    """For the auditor: every correction of the municipality's records, newest first, with the
    changed fields before and after, who and when. A child's corrections shown are reads of the
    child's data, in the audit log."""
    rows = await history(
        ctx.conn,
        ctx.principal.municipality_id,
        object_type=query.object_type,
        object_id=query.object_id,
        limit=query.limit,
    )
    items = [CorrectionOut.model_validate(dict(r)) for r in rows]
    await audit.record(
        ctx.conn,
        ctx.actor,
        AuditAction.READ,
        [Access("correction", c.id, c.child_id) for c in items if c.child_id is not None],
    )
    return CorrectionList(items=items)


class PolicyList(BaseModel):
    items: list[PolicyValue]


class PolicyPatch(Input):
    value: int | dict[str, Any] | None = Field(
        description="The new value: for an object, only the fields to change; null: back to the default."
    )


def _repo(ctx: Context) -> PolicyRepository:
    return PolicyRepository(ctx.conn, municipality_id=ctx.principal.municipality_id)


@routes.route(
    "GET",
    f"{API}/policy",
    name="list_policy",
    summary="Kommunens policyvärden",
    tag="inställningar",
    response=PolicyList,
    roles=STAFF_READERS,
)
async def list_policy(ctx: Context) -> BaseModel:
    """Every policy value: what applies, the documented default, and where it comes from."""
    return PolicyList(items=await _repo(ctx).all())


@routes.route(
    "GET",
    f"{API}/policy/{{key}}",
    name="get_policy",
    summary="Ett policyvärde",
    tag="inställningar",
    response=PolicyValue,
    roles=STAFF_READERS,
)
async def get_policy(ctx: Context, *, key: str) -> web.StreamResponse:
    """With its ETag, for a correction's If-Match."""
    return with_etag(await _repo(ctx).get(key=key))


@routes.route(
    "PATCH",
    f"{API}/policy/{{key}}",
    name="correct_policy",
    summary="Ändra ett policyvärde",
    tag="inställningar",
    body=PolicyPatch,
    response=PolicyValue,
    roles=STAFF_WRITERS,
)
async def correct_policy(ctx: Context, *, key: str, body: PolicyPatch) -> web.StreamResponse:
    """The administrator sets the municipality's own value (an object's fields one by one), or
    `null` to return to the documented default, with the ETag read in `If-Match` (428 without it,
    412 if someone changed it since). Values outside their bounds are refused per field. The change
    is kept in the history; a follow-up policy change recomputes the municipality's obligations in
    the same transaction."""
    repository = _repo(ctx)
    current = await repository.get(key=key, hold=True)
    corrections.require_current(ctx.request.headers.get("If-Match"), current)
    new = None
    if body.value is not None:
        try:
            new = corrected(key, current.value, body.value)
        except ValidationError as error:
            errors = field_errors(error, "body.value")
            raise ValidationFailed(f"{len(errors)} uppgift(er) är ogiltiga", errors) from None
    await repository.set(key=key, value=new)
    after = await repository.get(key=key)
    if after.value != current.value or after.own != current.own:
        await corrections.record(
            ctx.conn,
            ctx.actor,
            object_type="policy",
            object_id=key,
            child_id=None,
            changed={"value": (current.value if current.own else None, new)},
        )
    if key == "followup":
        await scan_municipality(ctx.conn, ctx.principal.municipality_id, today_in_sweden())
    return with_etag(after)
