"""Prometheus metrics (prometheus-client), one registry per application.

Request latency by route (the route's pattern, never its path: ids stay out), the database pool's
use, the age of the last successful scan, the job queue's lengths and failures, mails sent and
failed. The gauges that live in the database are read when ``/metrics`` is scraped. Served at
``/metrics`` only with the operator's bearer token (PLACEMENT_METRICS_TOKEN); no label ever holds a
municipality's data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hmac
import time
from collections.abc import Awaitable, Callable

import asyncpg
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from placement import jobs
from placement.database.pool import Database
from placement.errors import DatabaseUnavailable
from placement.repositories.followup_scan import last_scan_success

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.request_seconds = Histogram(
            "placement_http_request_duration_seconds",
            "Time to answer an HTTP request, by route pattern, method and status class.",
            ["route", "method", "status"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.pool_connections = Gauge(
            "placement_db_pool_connections",
            "The service's database pool: connections by use.",
            ["use"],
            registry=r,
        )
        self.scan_age = Gauge(
            "placement_scan_last_success_age_seconds",
            "Seconds since a scan last went through every municipality (any instance); -1 if never.",
            registry=r,
        )
        self.jobs = Gauge(
            "placement_jobs", "Jobs in the queue by kind and state.", ["kind", "state"], registry=r
        )
        self.job_outcomes = Counter(
            "placement_job_outcomes",
            "Job runs finished by this instance, by kind and outcome.",
            ["kind", "outcome"],
            registry=r,
        )
        self.mails_sent = Counter("placement_mails_sent", "Mails accepted by the mail server.", registry=r)
        self.mails_failed = Counter(
            "placement_mails_failed", "Mails the mail server did not take.", registry=r
        )

    def job_outcome(self, job: jobs.Job, state: jobs.JobState) -> None:
        """A run's outcome: done, failed and to be retried, or failed for good."""
        outcome = {jobs.JobState.QUEUED: "retry", jobs.JobState.FAILED: "failed"}.get(state, "done")
        self.job_outcomes.labels(job.kind, outcome).inc()

    async def refresh(self, database: Database) -> None:
        """Read what lives in the database and the pool, at scrape time."""
        pool = database.pool
        size, idle = pool.get_size(), pool.get_idle_size()
        self.pool_connections.labels("in_use").set(size - idle)
        self.pool_connections.labels("idle").set(idle)
        self.pool_connections.labels("max").set(pool.get_max_size())
        async with database.transaction() as conn:
            succeeded = await last_scan_success(conn)
            counted = await jobs.counts(conn)
        self.scan_age.set((dt.datetime.now(dt.UTC) - succeeded).total_seconds() if succeeded else -1)
        self.jobs.clear()
        for kind in {k for k, _ in counted}:
            for state in jobs.JobState:
                self.jobs.labels(kind, state.value).set(counted.get((kind, state), 0))

    def middleware(self) -> Middleware:
        @web.middleware
        async def observe(request: web.Request, handler: Handler) -> web.StreamResponse:
            started = time.perf_counter()
            status = 500
            try:
                response = await handler(request)
                status = response.status
                return response
            except web.HTTPException as error:
                status = error.status
                raise
            finally:
                resource = request.match_info.route.resource
                route = resource.canonical if resource is not None else "unmatched"
                self.request_seconds.labels(route, request.method, f"{status // 100}xx").observe(
                    time.perf_counter() - started
                )

        return observe


def metrics_handler(
    metrics: Metrics, database: Callable[[web.Request], Database], token: str | None
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """``/metrics``: 404 without a configured token (as if absent), 401 without the right one."""

    async def serve(request: web.Request) -> web.StreamResponse:
        if token is None:
            raise web.HTTPNotFound
        sent = request.headers.get("Authorization", "")
        if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            raise web.HTTPUnauthorized(headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
        # Without the database, the process's own series are still worth serving.
        with contextlib.suppress(OSError, asyncpg.PostgresError, DatabaseUnavailable):
            await metrics.refresh(database(request))
        return web.Response(
            body=generate_latest(metrics.registry), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    return serve


METRICS = web.AppKey("metrics", Metrics)
