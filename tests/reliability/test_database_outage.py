"""The database goes away under load and comes back: the service answers 503 problem+json with
Retry-After meanwhile (never a 500, no traceback per request), warns once when it goes and once
when it is back, recovers without a restart, and has lost no write it acknowledged."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from placement.api.app import create_app
from placement.core.vocabulary import StaffRole
from placement.database.pool import Database
from placement.settings import Settings
from tests.conftest import SUITE_LOG, SessionDatabase, TestServer, api_token, bearer
from tests.reliability.proxy import CuttableProxy

Client = TestClient[Any, Any]


@pytest.fixture
async def proxy(test_database: SessionDatabase) -> AsyncIterator[CuttableProxy]:
    cuttable = CuttableProxy(test_database.service)
    await cuttable.start()
    yield cuttable
    await cuttable.cut()


async def test_database_outage_under_load(
    proxy: CuttableProxy, db: Database, municipality: str, settings: Settings
) -> None:
    headers = bearer(await api_token(db, municipality, StaffRole.PLACERINGSSTOD))
    app = create_app(settings.model_copy(update={"db_pool_max_size": 4}), dsn=proxy.url())
    acknowledged: list[str] = []
    statuses: list[int] = []
    problems: list[tuple[str, str | None, str]] = []

    async with TestClient(TestServer(app, host="127.0.0.1")) as client:

        async def writer(n: int, stop: asyncio.Event) -> None:
            i = 0
            while not stop.is_set():
                i += 1
                response = await client.post(
                    "/api/v1/children",
                    json={"name": f"Last {n}-{i}", "birth_date": "2015-01-01"},
                    headers=headers,
                )
                statuses.append(response.status)
                if response.status == 201:
                    acknowledged.append((await response.json())["id"])
                elif response.status == 503:
                    problems.append(
                        (
                            response.content_type,
                            response.headers.get("Retry-After"),
                            (await response.json())["detail"],
                        )
                    )
                    await asyncio.sleep(0.05)

        log_start = len(SUITE_LOG.getvalue())
        stop = asyncio.Event()
        writers = [asyncio.create_task(writer(n, stop)) for n in range(4)]
        await asyncio.sleep(1.0)  # load before
        before_cut = len(acknowledged)
        await proxy.cut()
        await asyncio.sleep(1.5)  # load while the database is away
        during = statuses[-20:]
        await proxy.restore()
        recovered = False
        for _ in range(100):  # the pool reconnects by itself: no restart
            await asyncio.sleep(0.1)
            if statuses and statuses[-1] == 201 and len(acknowledged) > before_cut:
                recovered = True
                break
        await asyncio.sleep(0.5)  # load after
        stop.set()
        await asyncio.gather(*writers)

    log = [json.loads(line) for line in SUITE_LOG.getvalue()[log_start:].splitlines() if line.startswith("{")]
    events = [e["event"] for e in log]

    assert before_cut > 0
    assert recovered, statuses[-30:]
    assert 500 not in statuses
    assert set(statuses) <= {201, 503}
    assert 503 in during
    assert problems
    assert {p[:2] for p in problems} == {("application/problem+json", "5")}
    assert problems[0][2] == "Databasen kan inte nås just nu; försök igen om en stund"
    assert events.count("database_unreachable") == 1
    assert events.count("database_reachable_again") == 1
    assert "request_failed" not in events
    assert not [e for e in log if "exception" in e]
    async with db.transaction() as conn:
        stored = {str(r["id"]) for r in await conn.fetch("SELECT id FROM child")}
    assert set(acknowledged) <= stored  # no acknowledged write lost
