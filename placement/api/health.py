"""Liveness, readiness and the API description."""

from __future__ import annotations

import datetime as dt

from aiohttp import web
from pydantic import BaseModel

from followup.store import last_scan_success
from placement import __version__
from placement.api.routing import EndpointRegistry
from placement.api.state import DATABASE, OPENAPI, SETTINGS, TEMPLATES
from placement.core.clock import SWEDEN
from placement.database.migrator import pending
from placement.errors import ServiceUnavailable
from placement.models import Health, Readiness

routes = EndpointRegistry()

# When this instance began running the periodic scan (set only where the scan is on).
SCAN_WATCHED_SINCE = web.AppKey("scan_watched_since", dt.datetime)


@routes.route(
    "GET", "/health", name="health", summary="Tjänsten lever", tag="drift", response=Health, tenant=False
)
async def health(request: web.Request) -> BaseModel:
    """Answers 200 whenever the process serves HTTP; says nothing about the database."""
    return Health(status="ok", version=__version__)


@routes.route(
    "GET", "/ready", name="ready", summary="Tjänsten är redo", tag="drift", response=Readiness, tenant=False
)
async def ready(request: web.Request) -> BaseModel:
    """200 when the database answers, every migration is applied and, where this instance runs the
    periodic scan, a scan has gone through every municipality within the last two intervals (with
    several instances, any one's success counts); otherwise 503 saying which."""
    database = request.app[DATABASE]
    if not await database.ping():
        raise ServiceUnavailable("Databasen svarar inte")
    async with database.transaction() as conn:
        missing = await pending(conn)
        succeeded = None if missing else await last_scan_success(conn)
    if missing:
        raise ServiceUnavailable(f"Databasen saknar {len(missing)} migrering(ar); kör placement migrate")
    interval = request.app[SETTINGS].scan_interval_s
    watched_since = request.app.get(SCAN_WATCHED_SINCE)
    if interval > 0 and watched_since is not None:
        since = max(succeeded or watched_since, watched_since)
        if dt.datetime.now(dt.UTC) - since > dt.timedelta(seconds=2 * interval):
            when = f"sedan {succeeded.astimezone(SWEDEN):%Y-%m-%d %H:%M}" if succeeded else "sedan start"
            raise ServiceUnavailable(
                f"Skanningen av skyldigheter har inte lyckats {when}; bevakningslistorna är inaktuella "
                "(orsaken står i tjänstens logg)"
            )
    return Readiness(status="ready", version=__version__, scan_succeeded_at=succeeded)


async def openapi_json(request: web.Request) -> web.Response:
    return web.json_response(request.app[OPENAPI])


async def docs_page(request: web.Request) -> web.Response:
    page = request.app[TEMPLATES].get_template("docs.html").render(spec=request.app[OPENAPI])
    return web.Response(text=page, content_type="text/html", charset="utf-8")
