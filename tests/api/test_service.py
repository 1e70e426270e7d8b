"""Health, readiness, request ids, and the last line of defence for unexpected errors."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from placement.api.app import create_app, templates
from placement.api.middleware import error_middleware, request_context
from placement.settings import Settings
from tests.conftest import MakeDatabase


async def test_health(client: TestClient[Any, Any]) -> None:
    response = await client.get("/health")
    assert response.status == 200
    assert (await response.json())["status"] == "ok"


async def test_ready_when_migrated(client: TestClient[Any, Any]) -> None:
    response = await client.get("/ready")
    assert (response.status, (await response.json())["status"]) == (200, "ready")


async def test_not_ready_while_migrations_are_pending(
    make_database: MakeDatabase, settings: Settings
) -> None:
    """A reachable but unmigrated database is not ready: /ready says what is missing."""
    empty = await make_database()
    async with TestClient(TestServer(create_app(settings, dsn=empty.service), host="127.0.0.1")) as fresh:
        response = await fresh.get("/ready")
        assert response.status == 503
        assert response.content_type == "application/problem+json"
        assert "placement migrate" in (await response.json())["detail"]


async def test_request_id_is_echoed_or_made(client: TestClient[Any, Any]) -> None:
    given = await client.get("/health", headers={"X-Request-Id": "trace-12345678"})
    assert given.headers["X-Request-Id"] == "trace-12345678"
    made = await client.get("/health", headers={"X-Request-Id": "bad id\twith tab"})
    # A made id is 32 random hex digits in groups of four (see tests/api/test_hardening.py).
    assert re.fullmatch(r"[0-9a-f]{4}(-[0-9a-f]{4}){7}", made.headers["X-Request-Id"])


async def test_unexpected_error_is_a_500_problem_without_internals() -> None:
    """A bug answers 500 problem+json that reveals nothing of the failure."""

    async def broken(request: web.Request) -> web.Response:
        raise RuntimeError("secret internals 20150312-9809")

    app = web.Application(middlewares=[request_context, error_middleware(templates())])
    app.router.add_get("/api/v1/broken", broken)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        response = await client.get("/api/v1/broken")
        body = await response.json()
    assert response.status == 500
    assert response.content_type == "application/problem+json"
    assert body["detail"] == "Ett oväntat fel inträffade; det är loggat"
    assert "secret" not in str(body)
