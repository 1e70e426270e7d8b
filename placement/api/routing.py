"""Declared endpoints: one registry feeds aiohttp's router and the OpenAPI document.

An endpoint declares its method, path, name, request and response models, and whether it acts
for a municipality. The wrapper validates path ids, query and body with pydantic before the
handler runs, so a handler only ever sees valid input; the OpenAPI document is generated from the
same declarations, never written by hand.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from placement import audit
from placement.api import limits
from placement.api.state import DATABASE, SIGNIN_THROTTLE
from placement.audit import Actor, AuditAction
from placement.core.validation_messages import field_errors
from placement.core.vocabulary import StaffRole
from placement.database.pool import Connection
from placement.errors import (
    Forbidden,
    NotFound,
    PlacementError,
    TooManyRequests,
    Unauthorized,
    ValidationFailed,
)
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
    also_answers: tuple[str, ...] = ()
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
        also_answers: tuple[str, ...] = (),
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
                    also_answers=also_answers,
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
            operator = await _throttled(request, authenticate_operator(request, endpoint.operator_scope))
            params = {p: _path_code(request.match_info[p]) for p in endpoint.path_params}
            return _respond(await endpoint.func(request, operator=operator, **params), endpoint.status)
        principal = None
        if endpoint.tenant:
            principal = await _throttled(request, authenticate(request))
            if not principal.may(endpoint.roles):
                raise Forbidden("Din roll ger inte åtkomst till detta")
        kwargs: dict[str, Any] = {}
        for param in endpoint.path_params:
            raw = request.match_info[param]
            kwargs[param] = _path_uuid(raw) if param.endswith("_id") else _path_code(raw)
        if endpoint.query is not None:
            query = dict(request.query)
            limits.check_query(query)
            kwargs["query"] = _validate(endpoint.query, query, "query")
        if endpoint.body is not None:
            kwargs["body"] = _validate(endpoint.body, await limits.read_json(request), "body")
        if principal is None:
            return _respond(await endpoint.func(request, **kwargs), endpoint.status)

        key = _idempotency_key(request, endpoint)
        with audit.collecting() as touched:
            try:
                return await _in_transaction(request, endpoint, principal, key, kwargs, touched)
            except PlacementError as error:
                if error.status >= 500 or not touched:
                    raise
                # The request was refused after it had read a child's data (e.g. a decision refused
                # with the check's open findings): the reads happened, so they are logged.
                async with request.app[DATABASE].transaction(principal.municipality_id) as conn:
                    await audit.record_refused(conn, principal.actor, touched)
                raise

    return handle


T = TypeVar("T")


async def _throttled(request: web.Request, signing_in: Awaitable[T]) -> T:
    """Sign in, counting failures per client: too many and the client gets 429 for a while."""
    throttle = request.app[SIGNIN_THROTTLE]
    client = request.remote or "unknown"
    try:
        throttle.check(client)
    except TooManyRequests:
        if inspect.iscoroutine(signing_in):
            signing_in.close()
        raise
    try:
        return await signing_in
    except Unauthorized:
        throttle.failed(client)
        raise


async def _in_transaction(
    request: web.Request,
    endpoint: Endpoint,
    principal: Principal,
    key: str | None,
    kwargs: dict[str, Any],
    touched: list[audit.Touched],
) -> web.StreamResponse:
    """One request, one transaction, scoped to the principal's municipality."""
    async with request.app[DATABASE].transaction(principal.municipality_id) as conn:
        if key is None:
            return _respond(await endpoint.func(Context(request, principal, conn), **kwargs), endpoint.status)
        idempotency = IdempotencyRepository(
            conn, municipality_id=principal.municipality_id, subject=principal.actor.name
        )
        fingerprint = _fingerprint(endpoint, request, kwargs.get("body"))
        remembered = await idempotency.claim(key=key, request_sha256=fingerprint)
        if remembered is not None:
            return await _replay(idempotency, principal, remembered, fingerprint)
        response = _respond(await endpoint.func(Context(request, principal, conn), **kwargs), endpoint.status)
        await idempotency.remember(
            key=key, status=response.status, body=_json_body(response), touched=touched
        )
        return response


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


async def _replay(
    idempotency: IdempotencyRepository, principal: Principal, remembered: Remembered, fingerprint: bytes
) -> web.StreamResponse:
    """The first response again, if the caller still reaches every child it shows; logged as a
    read of exactly what the first request touched."""
    if remembered.request_sha256 != fingerprint:
        raise ValidationFailed.on(
            "header.Idempotency-Key",
            "Nyckeln hör till en annan begäran; använd en ny nyckel",
            "idempotency_mismatch",
            detail="Idempotency-Key har redan använts för en annan begäran",
        )
    actor = principal.actor
    if await idempotency.children_out_of_reach(accesses=remembered.accesses, reach=actor.reads):
        raise NotFound("Det du frågar efter finns inte, eller ligger utanför din behörighet")
    await audit.record(idempotency.conn, actor, AuditAction.READ, remembered.accesses)
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


def _validate(model: type[M], data: Any, where: str) -> M:
    try:
        validated = model.model_validate(data)
    except ValidationError as error:
        errors = field_errors(error, where)
        raise ValidationFailed(f"{len(errors)} uppgift(er) är ogiltiga", errors) from None
    limits.check_dates(validated, where)
    return validated
