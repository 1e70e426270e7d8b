"""Request id on every log line of a request; every error rendered as problem+json or a page."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import jinja2
import structlog
from aiohttp import web
from aiohttp.typedefs import Handler

from placement.errors import MethodNotAllowed, NotFound, PlacementError

log = structlog.get_logger(__name__)

REQUEST_ID = web.RequestKey("request_id", str)
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_MACHINE_PREFIXES = ("/api/", "/openapi.json", "/health", "/ready")


@web.middleware
async def request_context(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Bind a request id (the caller's X-Request-Id if well formed) to every log line of the request."""
    given = request.headers.get("X-Request-Id", "")
    request_id = given if _SAFE_REQUEST_ID.match(given) else uuid.uuid4().hex
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


def error_middleware(templates: jinja2.Environment) -> Any:
    @web.middleware
    async def render_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except PlacementError as error:
            return _render(request, templates, error)
        except web.HTTPMethodNotAllowed as error:
            problem = MethodNotAllowed(f"Metoden {request.method} är inte tillåten här")
            response = _render(request, templates, problem)
            response.headers["Allow"] = ", ".join(sorted(error.allowed_methods))
            return response
        except web.HTTPNotFound:
            return _render(
                request, templates, NotFound(f"Det finns ingen sida eller resurs på {request.path}")
            )
        except web.HTTPException as error:
            if error.status < 400:
                raise
            generic = PlacementError(error.reason)
            generic.status = error.status
            generic.title = error.reason
            return _render(request, templates, generic)
        except Exception:
            log.exception("request_failed", method=request.method, path=request.path)
            return _render(request, templates, PlacementError("Ett oväntat fel inträffade; det är loggat"))

    return render_errors


def _render(request: web.Request, templates: jinja2.Environment, error: PlacementError) -> web.Response:
    if error.status >= 500:
        log.warning("request_error", status=error.status, problem=error.type)
    if request.path.startswith(_MACHINE_PREFIXES) or "application/json" in request.headers.get("Accept", ""):
        body: dict[str, Any] = {
            "type": error.type,
            "title": error.title,
            "status": error.status,
            "detail": error.detail,
            "instance": request.path,
            **error.extra,
        }
        return web.json_response(body, status=error.status, content_type="application/problem+json")
    page = templates.get_template("error.html").render(error=error, path=request.path)
    return web.Response(text=page, status=error.status, content_type="text/html", charset="utf-8")
