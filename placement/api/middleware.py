"""Request id on every log line of a request; every error rendered as problem+json or a page;
the security headers of every response."""

from __future__ import annotations

import time
import uuid
from typing import Any

import asyncpg
import jinja2
import structlog
from aiohttp import web
from aiohttp.typedefs import Handler

from placement.database.pool import DATABASE_AWAY, database_unavailable
from placement.errors import (
    Conflict,
    DatabaseUnavailable,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    PlacementError,
    ValidationFailed,
)
from placement.logs import find_personnummer

log = structlog.get_logger(__name__)

REQUEST_ID = web.RequestKey("request_id", str)
_SAFE_REQUEST_ID = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
_MACHINE_PREFIXES = ("/api/", "/openapi.json", "/health", "/ready")
SERVER_NAME = "Placeringskontroll"
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def new_request_id() -> str:
    """A random id in groups of four characters: never six digits in a row, so the personnummer
    mask of the logs cannot rewrite it and a log line always matches its audit rows."""
    raw = uuid.uuid4().hex
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def _acceptable_request_id(given: str) -> bool:
    return 8 <= len(given) <= 64 and set(given) <= _SAFE_REQUEST_ID and not find_personnummer(given)


@web.middleware
async def request_context(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Bind a request id (the caller's X-Request-Id if well formed) to every log line of the request."""
    given = request.headers.get("X-Request-Id", "")
    request_id = given if _acceptable_request_id(given) else new_request_id()
    request[REQUEST_ID] = request_id
    started = time.perf_counter()
    with structlog.contextvars.bound_contextvars(request_id=request_id):
        response = await handler(request)
        response.headers["X-Request-Id"] = request_id
        log.info(
            "request_handled",
            method=request.method,
            path=request.path,
            status=response.status,
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
        )
        return response


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """``on_response_prepare``: every response the application makes."""
    apply_security_headers(response)


def apply_security_headers(response: web.StreamResponse) -> None:
    """Nothing is cached (any answer may hold a child's data), nothing is sniffed or framed, and
    the server names no versions."""
    response.headers["Server"] = SERVER_NAME
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    if response.content_type == "text/html":
        # The web application's pages (placement/web/) set their own, stricter on scripts and
        # allowing their vendored stylesheets; every other page gets this one.
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers["X-Frame-Options"] = "DENY"


def error_middleware(templates: jinja2.Environment) -> Any:
    @web.middleware
    async def render_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except PlacementError as error:
            return render(request, templates, error)
        except web.HTTPMethodNotAllowed as error:
            problem = MethodNotAllowed(f"Metoden {request.method} är inte tillåten här")
            response = render(request, templates, problem)
            response.headers["Allow"] = ", ".join(sorted(error.allowed_methods))
            return response
        except web.HTTPNotFound:
            return render(
                request, templates, NotFound(f"Det finns ingen sida eller resurs på {request.path}")
            )
        except web.HTTPRequestEntityTooLarge:
            return render(request, templates, PayloadTooLarge("Innehållet är för stort för denna adress"))
        except web.HTTPException as error:
            if error.status < 400:
                raise
            generic = PlacementError(error.reason)
            generic.status = error.status
            generic.title = error.reason
            return render(request, templates, generic)
        except DATABASE_AWAY as error:
            return render(request, templates, database_unavailable(error))
        except asyncpg.UniqueViolationError:
            return render(request, templates, Conflict("Uppgiften finns redan"))
        except (asyncpg.IntegrityConstraintViolationError, asyncpg.DataError) as error:
            # Input that passed validation but that the database refuses (a reference to something
            # that is not there or not the municipality's, a value out of range): the caller's
            # error, never the service's. The constraint's name says which; no values are logged.
            log.info("input_refused_by_database", sqlstate=error.sqlstate, constraint=_constraint(error))
            return render(
                request,
                templates,
                ValidationFailed.on(
                    "body",
                    "Uppgifterna hänvisar till något som inte finns, eller har ett värde som inte kan sparas",
                    "refused_by_database",
                ),
            )
        except Exception:
            log.exception("request_failed", method=request.method, path=request.path)
            return render(request, templates, PlacementError("Ett oväntat fel inträffade; det är loggat"))

    return render_errors


def _constraint(error: asyncpg.PostgresError) -> str | None:
    name = getattr(error, "constraint_name", None)
    return name if isinstance(name, str) else None


def render(
    request: web.BaseRequest, templates: jinja2.Environment | None, error: PlacementError
) -> web.Response:
    """The error as problem+json (API paths, or a JSON-accepting caller) or as a Swedish page."""
    if error.status >= 500 and not isinstance(error, DatabaseUnavailable):
        log.warning("request_error", status=error.status, problem=error.type)
    if (
        templates is None
        or request.path.startswith(_MACHINE_PREFIXES)
        or "application/json" in request.headers.get("Accept", "")
    ):
        body: dict[str, Any] = {
            "type": error.type,
            "title": error.title,
            "status": error.status,
            "detail": error.detail,
            "instance": request.path,
            **error.extra,
        }
        response = web.json_response(body, status=error.status, content_type="application/problem+json")
    else:
        page = templates.get_template("error.html").render(error=error, path=request.path)
        response = web.Response(text=page, status=error.status, content_type="text/html", charset="utf-8")
    response.headers.update(error.headers)
    return response
