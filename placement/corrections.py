"""Corrections with history and optimistic concurrency.

A record's ETag is a hash of what the API shows of it, so it changes whenever anything shown
changes, by whatever path. A correction (PATCH) must send the ETag it read in ``If-Match``:
without it the answer is 428 (a correction sent blind could overwrite a colleague's), with an old
one 412 (someone changed the record since; read it again). The record is locked while it is
compared and changed, so two corrections cannot both pass. Each correction keeps, in the
municipality's ``correction`` table, the changed fields' values before and after, who and when,
and is in the audit log; what is derived from the record is recomputed in the same transaction
by the caller.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, Field, ValidationError, create_model

from placement import audit
from placement.audit import Access, Actor, AuditAction
from placement.core.validation_messages import field_errors
from placement.database.pool import Connection
from placement.errors import PreconditionFailed, PreconditionRequired, ValidationFailed
from placement.models import Input
from placement.repositories import corrections as corrections_repository

M = TypeVar("M", bound=BaseModel)


def etag_of(shown: BaseModel | Mapping[str, Any]) -> str:
    """A strong ETag: the hash of the record as the API shows it."""
    data = shown.model_dump(mode="json") if isinstance(shown, BaseModel) else shown
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return '"' + hashlib.sha256(canonical.encode()).hexdigest()[:32] + '"'


def with_etag(shown: BaseModel, status: int = 200) -> web.Response:
    """The record as JSON with its ETag, for a read or a correction."""
    return web.json_response(shown.model_dump(mode="json"), status=status, headers={"ETag": etag_of(shown)})


def require_current(header: str | None, current: BaseModel | Mapping[str, Any]) -> None:
    """428 without If-Match (``header``); 412 unless it names the record's current ETag (or ``*``)."""
    if header is None:
        raise PreconditionRequired(
            "Skicka postens ETag i If-Match (hämta posten först), så att ingen annans ändring skrivs över"
        )
    wanted = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    if "*" not in wanted and etag_of(current) not in wanted:
        raise PreconditionFailed(
            "Posten har ändrats sedan du hämtade den; hämta den igen och gör ändringen på nytt"
        )


def patch_of(
    model: type[BaseModel],
    name: str,
    *,
    leave_out: tuple[str, ...] = (),
    more: Mapping[str, Any] | None = None,
) -> type[Input]:
    """A PATCH body for ``model``: the same fields, each optional; a field sent (null included)
    replaces the stored value, a field left out keeps it. The merged record is validated as a whole
    with ``model`` itself, so every rule of a new record holds for a corrected one. ``more``: fields
    the record has beyond ``model`` (name: (type, Field)), checked by the caller."""
    fields: dict[str, Any] = {}
    for field, info in model.model_fields.items():
        if field not in leave_out:
            annotation: Any = info.annotation
            fields[field] = (annotation | None, Field(default=None, description=info.description))
    fields.update(more or {})
    patch: type[Input] = create_model(name, __base__=Input, **fields)
    return patch


def merged(model: type[M], current: Mapping[str, Any], patch: BaseModel) -> M:
    """The corrected record (``model``'s fields of ``current`` with ``patch`` over them), validated as
    a new one would be; 422 per field otherwise."""
    record = {**current, **patch.model_dump(exclude_unset=True)}
    try:
        return model.model_validate({k: v for k, v in record.items() if k in model.model_fields})
    except ValidationError as error:
        errors = field_errors(error, "body")
        raise ValidationFailed(f"{len(errors)} uppgift(er) är ogiltiga", errors) from None


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields whose value differs, with (before, after)."""
    return {key: (before.get(key), value) for key, value in after.items() if before.get(key) != value}


async def record(
    conn: Connection,
    actor: Actor,
    *,
    object_type: str,
    object_id: uuid.UUID | str,
    child_id: uuid.UUID | None,
    changed: Mapping[str, tuple[Any, Any]],
) -> None:
    """The correction in the history (the changed fields before and after) and in the audit log."""
    if not changed:
        return
    before = json.loads(json.dumps({k: v[0] for k, v in changed.items()}, default=str))
    after = json.loads(json.dumps({k: v[1] for k, v in changed.items()}, default=str))
    await corrections_repository.insert(
        conn,
        municipality_id=actor.municipality_id,
        object_type=object_type,
        object_id=str(object_id),
        child_id=child_id,
        before=before,
        after=after,
        changed_by=actor.name,
        changed_by_role=actor.role,
        request_id=actor.request_id,
    )
    if isinstance(object_id, uuid.UUID) and child_id is not None:  # a child's data: in the audit log too
        await audit.record(conn, actor, AuditAction.UPDATE, [Access(object_type, object_id, child_id)])
