"""/metrics: the listed series, for the operator's token only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiosmtplib
import pytest
from aiohttp.test_utils import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from placement import jobs
from placement.api.app import create_app
from placement.api.app import mailer as app_mailer
from placement.database.pool import Database
from placement.settings import Settings
from tests.conftest import SessionDatabase, TestServer

TOKEN = "metrics-test-token-0123456789"


@pytest.fixture
async def metered(db: Database, test_database: SessionDatabase, settings: Settings) -> AsyncIterator[Any]:
    app = create_app(
        settings.model_copy(update={"metrics_token": SecretStr(TOKEN)}), dsn=test_database.service
    )
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client


async def test_metrics_serve_the_listed_series_to_the_operator(metered: Any, database: Database) -> None:
    """Request latency by route pattern (never a path with ids), pool use, the last scan's age,
    queue lengths and failures, mails sent and failed."""
    async with database.transaction() as conn:
        await jobs.enqueue(conn, "reminders")
    await metered.get("/health")
    await metered.get("/api/v1/placements/00000000-0000-0000-0000-000000000000")  # 401, a route with an id

    response = await metered.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status == 200
    text = await response.text()
    families = {f.name: f for f in text_string_to_metric_families(text)}
    for name in (
        "placement_http_request_duration_seconds",
        "placement_db_pool_connections",
        "placement_scan_last_success_age_seconds",
        "placement_jobs",
        "placement_job_outcomes",
        "placement_mails_sent",
        "placement_mails_failed",
    ):
        assert name in families, name
    routes = {s.labels["route"] for s in families["placement_http_request_duration_seconds"].samples}
    assert "/health" in routes
    assert "/api/v1/placements/{placement_id}" in routes
    assert "00000000-0000-0000-0000-000000000000" not in text
    queued = [
        s.value
        for s in families["placement_jobs"].samples
        if s.labels == {"kind": "reminders", "state": "queued"}
    ]
    assert queued == [1.0]
    assert [s.value for s in families["placement_scan_last_success_age_seconds"].samples] == [-1.0]


async def test_metrics_refuse_anyone_without_the_token(metered: Any) -> None:
    assert (await metered.get("/metrics")).status == 401
    wrong = await metered.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status == 401
    assert wrong.content_type == "application/problem+json"


async def test_without_a_token_configured_there_are_no_metrics(client: Any) -> None:
    assert (await client.get("/metrics", headers={"Authorization": "Bearer "})).status == 404


async def test_job_failures_and_mail_are_counted(metered: Any, database: Database) -> None:
    """A failed job run and a failed mail show in the counters the operator alerts on."""
    from placement.metrics import METRICS

    metrics = metered.server.app[METRICS]

    async def fails(job: jobs.Job) -> None:
        raise RuntimeError

    worker = jobs.Worker(database.pool, {"probe": fails}, on_outcome=metrics.job_outcome)
    async with database.transaction() as conn:
        await jobs.enqueue(conn, "probe")
    await worker.run_one()
    unreachable = Settings(smtp_host="127.0.0.1", smtp_port=1, smtp_timeout_s=2.0)
    with pytest.raises(
        aiosmtplib.SMTPConnectError
    ):  # the mailer the app's workers use, against no mail server
        await app_mailer(unreachable, metrics).send(to="a@kommun.invalid", subject="x", body="y")

    text = await (await metered.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})).text()
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for f in text_string_to_metric_families(text)
        for s in f.samples
    }
    assert samples[("placement_job_outcomes_total", (("kind", "probe"), ("outcome", "retry")))] == 1.0
    assert samples[("placement_jobs", (("kind", "probe"), ("state", "queued")))] == 1.0
    assert samples[("placement_mails_failed_total", ())] == 1.0
