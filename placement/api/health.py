"""Liveness, readiness and the API description."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel

from placement import __version__
from placement.api.routing import EndpointRegistry
from placement.api.state import DATABASE, OPENAPI, TEMPLATES
from placement.database.migrator import pending
from placement.errors import ServiceUnavailable
from placement.models import Health

routes = EndpointRegistry()


@routes.route(
    "GET", "/health", name="health", summary="Tjänsten lever", tag="drift", response=Health, tenant=False
)
async def health(request: web.Request) -> BaseModel:
    """Answers 200 whenever the process serves HTTP; says nothing about the database."""
    return Health(status="ok", version=__version__)


@routes.route(
    "GET", "/ready", name="ready", summary="Tjänsten är redo", tag="drift", response=Health, tenant=False
)
async def ready(request: web.Request) -> BaseModel:
    """200 when the database answers and every migration is applied; otherwise 503."""
    database = request.app[DATABASE]
    if not await database.ping():
        raise ServiceUnavailable("Databasen svarar inte")
    async with database.transaction() as conn:
        missing = await pending(conn)
    if missing:
        raise ServiceUnavailable(f"Databasen saknar {len(missing)} migrering(ar); kör placement migrate")
    return Health(status="ready", version=__version__)


async def openapi_json(request: web.Request) -> web.Response:
    return web.json_response(request.app[OPENAPI])


async def docs_page(request: web.Request) -> web.Response:
    page = request.app[TEMPLATES].get_template("docs.html").render(spec=request.app[OPENAPI])
    return web.Response(text=page, content_type="text/html", charset="utf-8")
