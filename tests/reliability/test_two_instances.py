"""Two instances of the service against one database, as behind a load balancer: each runs the
periodic scan, job workers and the reminder schedule. Every person gets one mail, every job runs
once, both are ready (one scan's success counts for both), and a person's sign-in and their retried
request work whichever instance they reach."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from placement.api.app import create_app
from placement.bench.demo import load_demo
from placement.database.pool import Database
from placement.settings import Settings
from tests.conftest import SessionDatabase, TestServer, demo_user
from tests.reminders.smtp import Smtp, smtp_server
from tests.web.conftest import csrf_of

pytestmark = pytest.mark.slow


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    yield from smtp_server()


@pytest.fixture
async def two_instances(
    db: Database, test_database: SessionDatabase, settings: Settings, smtp: Smtp
) -> AsyncIterator[list[Any]]:
    async with db.pool.acquire() as conn:
        await load_demo(conn)
    running = smtp.settings(settings).model_copy(
        update={
            "demo": True,
            "scan_interval_s": 1,
            "job_schedule_interval_s": 1,
            "job_workers": 2,
            "job_poll_s": 0.1,
        }
    )
    async with AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                TestClient(TestServer(create_app(running, dsn=test_database.service), host="127.0.0.1"))
            )
            for _ in range(2)
        ]
        yield clients


async def test_two_instances_share_the_work_and_do_it_once(
    two_instances: list[Any], db: Database, smtp: Smtp
) -> None:
    a, b = two_instances
    for _ in range(100):  # until a scan has gone through and the reminders are out (at most 20 s)
        await asyncio.sleep(0.2)
        async with db.transaction() as conn:
            done = await conn.fetchval(
                "SELECT count(*) FROM job WHERE kind = 'municipality_reminders' AND state = 'done'"
            )
            scanned = await conn.fetchval("SELECT last_success_at IS NOT NULL FROM scan_status")
        if scanned and done >= 2 and smtp.inbox.messages:
            break
    await asyncio.sleep(1.5)  # several more rounds of scanning and queueing on both instances

    recipients = [m["To"] for m in smtp.inbox.messages]
    assert {"sami@demo.invalid", "sofia@demo.invalid", "tove@demo.invalid"} <= set(recipients)
    assert sorted(recipients) == sorted(set(recipients))  # one mail each
    async with db.transaction() as conn:
        jobs = await conn.fetch("SELECT kind, state, attempts, locked_by FROM job")
        sent = await conn.fetchval("SELECT count(*) FROM reminder_sent")
    assert sent == len(recipients)
    assert all(j["state"] in ("done", "queued", "running") for j in jobs)
    assert all(j["attempts"] <= 1 for j in jobs)  # no job ran twice
    # At most one job of each kind waits or runs at any time, whoever queued it.
    waiting = [j["kind"] for j in jobs if j["state"] in ("queued", "running")]
    assert sorted(waiting) == sorted(set(waiting))

    for client in (a, b):
        assert (await client.get("/ready")).status == 200

    # The same person on either instance: no session lives in an instance.
    child = {"name": "Barn Flyttad (demo)", "birth_date": "2015-05-05"}
    headers = {**demo_user("petra"), "Idempotency-Key": "moved-between-instances"}
    first = await a.post("/api/v1/children", json=child, headers=headers)
    again = await b.post("/api/v1/children", json=child, headers=headers)
    assert (first.status, again.status) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert (await first.json())["id"] == (await again.json())["id"]
    assert (
        await b.get(f"/api/v1/children/{(await first.json())['id']}", headers=demo_user("petra"))
    ).status == 200

    # A web session begun on one instance goes on at the other: sessions live in the database.
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        signin = await (await browser.get(a.make_url("/logga-in"))).text()
        signed_in = await browser.post(
            a.make_url("/logga-in/demo"),
            data={"csrf": csrf_of(signin), "email": "sami@demo.invalid", "next": "/"},
        )
        assert signed_in.status == 200
        moved = await browser.get(b.make_url("/mina-barn"), allow_redirects=False)
        assert moved.status == 200
        assert ">Mina barn</h1>" in await moved.text()
    async with aiohttp.ClientSession() as stranger:  # without the session: sent to sign in
        assert (await stranger.get(b.make_url("/mina-barn"), allow_redirects=False)).status in (302, 303)
