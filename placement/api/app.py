"""The application factory."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Callable

import aiohttp
import asyncpg
import jinja2
import structlog
from aiohttp import web

from followup.store import failure_site, scan
from placement import __version__, background, jobs, rule_catalogue
from placement.api import (
    audit_review,
    checks,
    concerns,
    contracts,
    core,
    followup,
    health,
    integrity,
    policy,
    register,
    reminders,
)
from placement.api.health import SCAN_WATCHED_SINCE
from placement.api.limits import REGISTER_BODY_LIMIT
from placement.api.middleware import error_middleware, request_context, security_headers
from placement.api.openapi import build_openapi
from placement.api.routing import EndpointRegistry, add_routes
from placement.api.signin import authenticate, authenticate_operator
from placement.api.state import (
    DATABASE,
    HTTP_CLIENT,
    OPENAPI,
    REGISTER_DATABASE,
    SETTINGS,
    SIGNIN_THROTTLE,
    TEMPLATES,
    TOKEN_VERIFIER,
)
from placement.api.throttle import FailedSignIns
from placement.core.clock import today_in_sweden
from placement.database.pool import Database
from placement.database.roles import verify_service_role
from placement.errors import DatabaseUnavailable
from placement.mail import Mailer
from placement.metrics import METRICS, Metrics, metrics_handler
from placement.oidc import TokenVerifier
from placement.repositories.idempotency import purge_expired
from placement.settings import Settings
from placement.web.app import mount as mount_web

log = structlog.get_logger(__name__)


def api_registry() -> EndpointRegistry:
    """Every declared endpoint of the service."""
    return EndpointRegistry(
        endpoints=[
            *health.routes.endpoints,
            *core.routes.endpoints,
            *register.routes.endpoints,
            *contracts.routes.endpoints,
            *integrity.routes.endpoints,
            *followup.routes.endpoints,
            *checks.routes.endpoints,
            *audit_review.routes.endpoints,
            *policy.routes.endpoints,
            *reminders.routes.endpoints,
            *concerns.routes.endpoints,
        ]
    )


def templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("placement", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
    )


def create_app(settings: Settings, *, dsn: str, register_dsn: str | None = None) -> web.Application:
    """The service's aiohttp application, using the PostgreSQL database at ``dsn`` (as the service's
    role) and, for register imports over the API, ``register_dsn`` (as placement_register)."""
    rule_catalogue.load()
    env = templates()
    # Register files can be some megabytes (operators only, read after sign-in); JSON bodies are
    # limited far lower per route (placement/api/limits.py).
    metrics = Metrics()
    app = web.Application(
        middlewares=[request_context, metrics.middleware(), error_middleware(env)],
        client_max_size=REGISTER_BODY_LIMIT,
    )
    app[METRICS] = metrics
    app.on_response_prepare.append(security_headers)
    app[SETTINGS] = settings
    app[SIGNIN_THROTTLE] = FailedSignIns(
        limit=settings.signin_failure_limit, window_s=settings.signin_failure_window_s
    )
    app[TEMPLATES] = env
    registry = api_registry()
    app[OPENAPI] = build_openapi(registry, title="Placeringskontroll", version=__version__)

    app.cleanup_ctx.append(
        _pool(
            DATABASE,
            dsn,
            settings.db_pool_min_size,
            settings.db_pool_max_size,
            settings.db_connect_patience_s,
        )
    )
    if register_dsn is not None:
        app.cleanup_ctx.append(_pool(REGISTER_DATABASE, register_dsn, 0, 2, settings.db_connect_patience_s))
    if settings.scan_interval_s > 0:
        app.cleanup_ctx.append(_periodic_scan(settings.scan_interval_s))
    app.cleanup_ctx.append(_periodic_purge(IDEMPOTENCY_PURGE_INTERVAL_S))
    if settings.job_workers > 0:
        app.cleanup_ctx.append(_job_workers(settings))
    if settings.job_schedule_interval_s > 0:
        mail = settings.smtp_host is not None
        app.cleanup_ctx.append(_periodic_jobs(settings.job_schedule_interval_s, mail=mail))
    if settings.oidc_enabled:

        async def oidc(app: web.Application) -> AsyncIterator[None]:
            async with aiohttp.ClientSession() as session:
                app[HTTP_CLIENT] = session
                app[TOKEN_VERIFIER] = TokenVerifier(settings, session)
                yield

        app.cleanup_ctx.append(oidc)
    add_routes(app, registry, authenticate, authenticate_operator)
    app.router.add_get("/openapi.json", health.openapi_json, name="openapi")
    app.router.add_get("/docs", health.docs_page, name="docs")
    app.router.add_get(reminders.CALENDAR_PATH, reminders.calendar_feed, name="calendar_feed")
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    app.router.add_get("/metrics", metrics_handler(metrics, lambda r: r.app[DATABASE], token), name="metrics")
    mount_web(app, settings)  # the web application at /, beside the API
    return app


def _pool(
    key: web.AppKey[Database], dsn: str, min_size: int, max_size: int, patience_s: float
) -> Callable[[web.Application], AsyncIterator[None]]:
    """A pool opened at start-up, refused if its role could bypass row-level security."""

    async def pool(app: web.Application) -> AsyncIterator[None]:
        database = await Database.connect(dsn, min_size=min_size, max_size=max_size, patience_s=patience_s)
        try:
            async with database.pool.acquire() as conn:
                await verify_service_role(conn)
        except BaseException:
            await database.close()
            raise
        app[key] = database
        yield
        await database.close()

    return pool


def _periodic_scan(interval_s: int) -> Callable[[web.Application], AsyncIterator[None]]:
    """Recompute every obligation at start and then every ``interval_s`` seconds, in the background.
    With several instances only one scans at a time (followup/store.py). No exception ends the
    loop: a municipality's failure is logged and the others are scanned (followup/store.py), any
    other is logged here and the next interval runs; /ready turns 503 when no scan has succeeded
    for two intervals."""

    async def periodic(app: web.Application) -> AsyncIterator[None]:
        app[SCAN_WATCHED_SINCE] = dt.datetime.now(dt.UTC)

        async def loop() -> None:
            while True:
                try:
                    async with app[DATABASE].pool.acquire() as conn:
                        await scan(conn, today_in_sweden(), pool=app[DATABASE].pool)
                except Exception as error:  # any failure: logged, and the next interval runs
                    log.error("scan_failed", error=type(error).__name__, at=failure_site(error))
                await asyncio.sleep(interval_s)

        task = asyncio.create_task(loop(), name="obligation-scan")
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return periodic


IDEMPOTENCY_PURGE_INTERVAL_S = 3600


def _periodic_purge(interval_s: int) -> Callable[[web.Application], AsyncIterator[None]]:
    """Purge idempotency records older than 24 hours, every municipality's, at start and then
    every ``interval_s`` seconds (claiming a key also purges its municipality's)."""

    async def periodic(app: web.Application) -> AsyncIterator[None]:
        async def loop() -> None:
            while True:
                try:
                    async with app[DATABASE].transaction() as conn:
                        purged = await purge_expired(conn)
                    if purged:
                        log.info("idempotency_purged", records=purged)
                except DatabaseUnavailable:
                    pass  # said once by the pool; the next round tries again
                except asyncpg.PostgresError as error:  # e.g. migrations not yet applied
                    log.warning("idempotency_purge_failed", sqlstate=error.sqlstate)
                await asyncio.sleep(interval_s)

        task = asyncio.create_task(loop(), name="idempotency-purge")
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return periodic


def mailer(settings: Settings, metrics: Metrics) -> Mailer:
    return Mailer(settings, on_sent=metrics.mails_sent.inc, on_failed=metrics.mails_failed.inc)


def _job_workers(settings: Settings) -> Callable[[web.Application], AsyncIterator[None]]:
    """``settings.job_workers`` workers running queued jobs (placement/jobs.py) until shutdown."""

    async def workers(app: web.Application) -> AsyncIterator[None]:
        metrics = app[METRICS]
        handlers = background.handlers(app[DATABASE], mailer(settings, metrics), settings)
        running = [
            jobs.Worker(
                app[DATABASE].pool,
                handlers,
                lease=dt.timedelta(seconds=settings.job_lease_s),
                poll_s=settings.job_poll_s,
                on_outcome=metrics.job_outcome,
            )
            for _ in range(settings.job_workers)
        ]
        async with jobs.running(running):
            yield

    return workers


def _periodic_jobs(interval_s: int, *, mail: bool) -> Callable[[web.Application], AsyncIterator[None]]:
    """Queue the periodic jobs at start and then every ``interval_s`` seconds: the reminders (when
    a mail server is configured) and the nightly screening. Each instance does, and the queue
    keeps one of each waiting (placement/background.py)."""

    async def periodic(app: web.Application) -> AsyncIterator[None]:
        async def loop() -> None:
            while True:
                try:
                    async with app[DATABASE].transaction() as conn:
                        await background.queue_periodic(conn, mail=mail)
                except DatabaseUnavailable:
                    pass  # said once by the pool; the next round tries again
                except asyncpg.PostgresError as error:  # e.g. migrations not yet applied
                    log.warning("job_schedule_failed", sqlstate=error.sqlstate)
                await asyncio.sleep(interval_s)

        task = asyncio.create_task(loop(), name="job-schedule")
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return periodic
