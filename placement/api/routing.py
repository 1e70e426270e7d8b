"""Declared endpoints: one registry feeds aiohttp's router and the OpenAPI document.

An endpoint declares its method, path, name, request and response models, and whether it acts
for a municipality. The wrapper validates path ids, query and body with pydantic before the
handler runs, so a handler only ever sees valid input; the OpenAPI document is generated from the
same declarations, never written by hand.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from placement import audit
from placement.api.state import DATABASE
from placement.audit import Access, Actor, AuditAction
from placement.core.validation_messages import field_errors
from placement.core.vocabulary import StaffRole
from placement.database.pool import Connection
from placement.errors import BadRequest, Forbidden, NotFound, UnsupportedMediaType, ValidationFailed
from placement.principal import Principal
from placement.repositories.idempotency import IdempotencyRepository, Remembered

Handler = Callable[..., Awaitable[BaseModel | web.StreamResponse | None]]

M = TypeVar("M", bound=BaseModel)

_PATH_PARAM = re.compile(r"{(\w+)}")


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    name: str
    summary: str
    tag: str
    func: Handler
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    tenant: bool = True
    roles: frozenset[StaffRole] = frozenset()
    operator_scope: str | None = None
    raw_body: tuple[str, ...] = ()
    description: str = ""

    @property
    def path_params(self) -> list[str]:
        return _PATH_PARAM.findall(self.path)


@dataclass
class EndpointRegistry:
    """The endpoints of one API, in declaration order."""

    endpoints: list[Endpoint] = field(default_factory=list)

    def route(
        self,
        method: str,
        path: str,
        *,
        name: str,
        summary: str,
        tag: str,
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        response: type[BaseModel] | None = None,
        status: int = 200,
        tenant: bool = True,
        roles: frozenset[StaffRole] = frozenset(),
        operator_scope: str | None = None,
        raw_body: tuple[str, ...] = (),
    ) -> Callable[[Handler], Handler]:
        """Declare an endpoint. A municipality endpoint (``tenant``) must name the roles that may
        call it: access is denied by default, and a forgotten declaration fails at import."""
        if tenant and not roles:
            raise TypeError(f"endpoint {name} acts for a municipality but declares no roles")
        if not tenant and roles:
            raise TypeError(f"endpoint {name} is public but declares roles")
        if operator_scope and tenant:
            raise TypeError(f"endpoint {name} is for operators and cannot act for a municipality")

        def register(func: Handler) -> Handler:
            self.endpoints.append(
                Endpoint(
                    method=method.upper(),
                    path=path,
                    name=name,
                    summary=summary,
                    tag=tag,
                    func=func,
                    body=body,
                    query=query,
                    response=response,
                    status=status,
                    tenant=tenant,
                    roles=roles,
                    operator_scope=operator_scope,
                    raw_body=raw_body,
                    description=(func.__doc__ or "").strip(),
                )
            )
            return func

        return register


Authenticate = Callable[[web.Request], Awaitable[Principal]]
AuthenticateOperator = Callable[[web.Request, str], Awaitable[Any]]


def add_routes(
    app: web.Application,
    registry: EndpointRegistry,
    authenticate: Authenticate,
    authenticate_operator: AuthenticateOperator,
) -> None:
    """Register every endpoint with aiohttp's router, each wrapped in validation."""
    for endpoint in registry.endpoints:
        app.router.add_route(
            endpoint.method,
            endpoint.path,
            _wrap(endpoint, authenticate, authenticate_operator),
            name=endpoint.name,
        )


def _wrap(
    endpoint: Endpoint, authenticate: Authenticate, authenticate_operator: AuthenticateOperator
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        if endpoint.operator_scope is not None:
            operator = await authenticate_operator(request, endpoint.operator_scope)
            params = {p: _path_code(request.match_info[p]) for p in endpoint.path_params}
            return _respond(await endpoint.func(request, operator=operator, **params), endpoint.status)
        principal = None
        if endpoint.tenant:
            principal = await authenticate(request)
            if not principal.may(endpoint.roles):
                raise Forbidden("Din roll ger inte åtkomst till detta")
        kwargs: dict[str, Any] = {}
        for param in endpoint.path_params:
            raw = request.match_info[param]
            kwargs[param] = _path_uuid(raw) if param.endswith("_id") else _path_code(raw)
        if endpoint.query is not None:
            kwargs["query"] = _validate(endpoint.query, dict(request.query), "query")
        if endpoint.body is not None:
            kwargs["body"] = _validate(endpoint.body, await _read_json(request), "body")
        if principal is None:
            return _respond(await endpoint.func(request, **kwargs), endpoint.status)

        key = _idempotency_key(request, endpoint)
        # One request, one transaction, scoped to the principal's municipality.
        async with request.app[DATABASE].transaction(principal.municipality_id) as conn:
            remembered = None
            if key is not None:
                idempotency = IdempotencyRepository(
                    conn, municipality_id=principal.municipality_id, subject=principal.actor.name
                )
                fingerprint = _fingerprint(endpoint, request, kwargs.get("body"))
                remembered = await idempotency.claim(key=key, request_sha256=fingerprint)
                if remembered is not None:
                    response = _replay(remembered, fingerprint)
                    # A replay shows the caller the child's data again: that is a read, and logged.
                    await audit.record(
                        conn, principal.actor, AuditAction.READ, await _accesses_in(conn, remembered.body)
                    )
                    return response
            response = _respond(
                await endpoint.func(Context(request, principal, conn), **kwargs), endpoint.status
            )
            if key is not None:
                await idempotency.remember(key=key, status=response.status, body=_json_body(response))
            return response

    return handle


@dataclass(frozen=True, slots=True)
class Context:
    """What a municipality endpoint works with: the request, who makes it, and its transaction."""

    request: web.Request
    principal: Principal
    conn: Connection

    @property
    def actor(self) -> Actor:
        return self.principal.actor


def _respond(result: BaseModel | web.StreamResponse | None, status: int) -> web.StreamResponse:
    if isinstance(result, web.StreamResponse):
        return result
    if result is None:
        return web.Response(status=204)
    return web.json_response(result.model_dump(mode="json"), status=status)


IDEMPOTENCY_HEADER = "Idempotency-Key"


def _idempotency_key(request: web.Request, endpoint: Endpoint) -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None or endpoint.method != "POST":
        return None
    if not 1 <= len(key) <= 200 or not key.isprintable():
        raise ValidationFailed.on(
            "header.Idempotency-Key",
            "Ska vara 1–200 skrivbara tecken",
            "idempotency",
            detail="Ogiltig Idempotency-Key",
        )
    return key


def _fingerprint(endpoint: Endpoint, request: web.Request, body: BaseModel | None) -> bytes:
    canonical = json.dumps(
        [endpoint.name, request.path, body.model_dump(mode="json") if body is not None else None],
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).digest()


def _json_body(response: web.StreamResponse) -> Any:
    if (
        isinstance(response, web.Response)
        and response.body is not None
        and response.content_type == "application/json"
    ):
        return json.loads(bytes(response.body))  # type: ignore[arg-type]
    return None


async def _accesses_in(conn: Connection, body: Any) -> list[Access]:
    """The children's data a stored response shows (a child, or an object of a child's)."""
    if not isinstance(body, dict) or not isinstance(body.get("id"), str):
        return []
    object_id = uuid.UUID(body["id"])
    if "personnummer" in body:
        return [Access("child", object_id, object_id)]
    if isinstance(body.get("child_id"), str):
        kind = "placement" if "form" in body else "social_worker_assignment"
        return [Access(kind, object_id, uuid.UUID(body["child_id"]))]
    if isinstance(body.get("placement_id"), str):
        child_id = await conn.fetchval(
            "SELECT child_id FROM placement WHERE id = $1", uuid.UUID(body["placement_id"])
        )
        return [Access("decision", object_id, child_id)] if child_id is not None else []
    return []


def _replay(remembered: Remembered, fingerprint: bytes) -> web.StreamResponse:
    if remembered.request_sha256 != fingerprint:
        raise ValidationFailed.on(
            "header.Idempotency-Key",
            "Nyckeln hör till en annan begäran; använd en ny nyckel",
            "idempotency_mismatch",
            detail="Idempotency-Key har redan använts för en annan begäran",
        )
    status = remembered.status or 200
    response = (
        web.Response(status=status)
        if remembered.body is None
        else web.json_response(remembered.body, status=status)
    )
    response.headers["Idempotent-Replayed"] = "true"
    return response


_CODE = re.compile(r"^[A-Za-z0-9._-]{1,60}$")


def _path_code(raw: str) -> str:
    if not _CODE.match(raw):
        raise NotFound("Det finns inget sådant id")
    return raw


def _path_uuid(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise NotFound("Det finns inget sådant id") from None


async def _read_json(request: web.Request) -> Any:
    if request.content_type != "application/json":
        raise UnsupportedMediaType("Skicka uppgifterna som JSON (Content-Type: application/json)")
    raw = await request.read()
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BadRequest(f"Innehållet är inte giltig JSON: {error}") from None


def _validate(model: type[M], data: Any, where: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        errors = field_errors(error, where)
        raise ValidationFailed(f"{len(errors)} uppgift(er) är ogiltiga", errors) from None
