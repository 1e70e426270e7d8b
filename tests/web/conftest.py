"""Fixtures for the web application: the demo municipality served on loopback, scanned, and a
way to sign in as a demo user through the sign-in page, as a browser does."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from followup.store import scan
from placement.api.app import create_app
from placement.bench.demo import load_demo
from placement.core.clock import today_in_sweden
from placement.database.pool import Database, connect_with_retry
from placement.settings import Settings
from tests.conftest import SessionDatabase
from tests.web.browser import chromium, page  # noqa: F401 - fixtures for the browser tests

Client = TestClient[Any, Any]

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def scan_now(test_database: SessionDatabase) -> None:
    conn = await connect_with_retry(test_database.service, patience_s=5)
    try:
        assert (await scan(conn, today_in_sweden())).scanned
    finally:
        await conn.close()


@pytest.fixture
async def demo_data(db: Database, test_database: SessionDatabase) -> None:
    """The demo municipality, its obligations computed."""
    async with db.pool.acquire() as conn:
        await load_demo(conn)
    await scan_now(test_database)


@pytest.fixture
async def demo_site(
    demo_data: None, test_database: SessionDatabase, settings: Settings
) -> AsyncIterator[Client]:
    """The service in demo mode over the demo municipality, obligations computed, on loopback."""
    app = create_app(settings.model_copy(update={"demo": True}), dsn=test_database.service)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


async def sign_in_as(client: Client, email: str) -> str:
    """Sign in through the demo sign-in page; returns the page signed in lands on."""
    html = await (await client.get("/logga-in")).text()
    response = await client.post("/logga-in/demo", data={"csrf": csrf_of(html), "email": email, "next": "/"})
    assert response.status == 200, await response.text()
    return await response.text()
