"""Register feeds over HTTP, served by a real server on loopback: normal, flaky, slow, not
modified, truncated, and bad rows. Each ends as an operator would expect."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from suppliers.fetch import FetchFailed
from suppliers.formats import Feed, FileRejected
from suppliers.service import run_import

SAMPLES = Path(__file__).parents[2] / "deploy" / "samples"
FEED = (SAMPLES / "ivo.json").read_bytes()
ETAG = '"ivo-v1"'


class Feeds:
    """The fixture feeds, and what the server saw."""

    def __init__(self) -> None:
        self.flaky_calls = 0
        self.conditional: list[tuple[str | None, str | None]] = []

    async def normal(self, request: web.Request) -> web.Response:
        return web.Response(body=FEED, content_type="application/json")

    async def flaky(self, request: web.Request) -> web.Response:
        self.flaky_calls += 1
        if self.flaky_calls <= 2:
            return web.Response(status=503, text="underhåll")
        return web.Response(body=FEED, content_type="application/json")

    async def slow(self, request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.Response(body=FEED, content_type="application/json")

    async def etag(self, request: web.Request) -> web.Response:
        self.conditional.append(
            (request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since"))
        )
        if request.headers.get("If-None-Match") == ETAG:
            return web.Response(status=304)
        return web.Response(
            body=FEED,
            content_type="application/json",
            headers={"ETag": ETAG, "Last-Modified": "Sun, 01 Nov 2026 08:00:00 GMT"},
        )

    async def truncated(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.content_length = len(FEED)
        await response.prepare(request)
        await response.write(FEED[:50])
        assert request.transport is not None
        request.transport.close()  # the connection drops mid-body
        return response

    async def bad_rows(self, request: web.Request) -> web.Response:
        return web.Response(
            body=FEED.replace(b'"places": 8', b'"places": -1'), content_type="application/json"
        )

    async def missing(self, request: web.Request) -> web.Response:
        return web.Response(status=404)


@pytest.fixture
async def feeds() -> AsyncIterator[tuple[Feeds, TestServer]]:
    state = Feeds()
    app = web.Application()
    for name in ("normal", "flaky", "slow", "etag", "truncated", "bad_rows", "missing"):
        app.router.add_get(f"/{name}.json", getattr(state, name))
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield state, server
    await server.close()


async def snapshots(conn: asyncpg.Connection) -> int:
    count: int = await conn.fetchval("SELECT count(*) FROM register_snapshot")
    return count


async def test_normal_feed(owner: asyncpg.Connection, feeds: tuple[Feeds, TestServer]) -> None:
    _, server = feeds
    result = await run_import(owner, Feed.IVO, str(server.make_url("/normal.json")))
    assert (result.records, len(result.changes)) == (3, 3)
    assert await snapshots(owner) == 1


async def test_503_twice_then_success(owner: asyncpg.Connection, feeds: tuple[Feeds, TestServer]) -> None:
    state, server = feeds
    result = await run_import(owner, Feed.IVO, str(server.make_url("/flaky.json")), total_timeout_s=30)
    assert state.flaky_calls == 3
    assert result.snapshot_id is not None


async def test_timeout_gives_up_within_the_cap(
    owner: asyncpg.Connection, feeds: tuple[Feeds, TestServer]
) -> None:
    _, server = feeds
    with pytest.raises(FetchFailed, match="svarade inte"):
        await run_import(
            owner, Feed.IVO, str(server.make_url("/slow.json")), attempt_timeout_s=0.3, total_timeout_s=1.0
        )
    assert await snapshots(owner) == 0


async def test_304_does_nothing(owner: asyncpg.Connection, feeds: tuple[Feeds, TestServer]) -> None:
    state, server = feeds
    url = str(server.make_url("/etag.json"))
    first = await run_import(owner, Feed.IVO, url)
    second = await run_import(owner, Feed.IVO, url)
    assert first.snapshot_id is not None
    assert second.not_modified
    assert state.conditional == [(None, None), (ETAG, "Sun, 01 Nov 2026 08:00:00 GMT")]
    assert await snapshots(owner) == 1


async def test_truncated_body_fails_and_changes_nothing(
    owner: asyncpg.Connection, feeds: tuple[Feeds, TestServer]
) -> None:
    _, server = feeds
    with pytest.raises(FetchFailed):
        await run_import(owner, Feed.IVO, str(server.make_url("/truncated.json")), total_timeout_s=1.0)
    assert await snapshots(owner) == 0


async def test_bad_rows_are_reported_and_nothing_changes(
    owner: asyncpg.Connection, feeds: tuple[Feeds, TestServer]
) -> None:
    _, server = feeds
    await run_import(owner, Feed.IVO, str(server.make_url("/normal.json")))
    with pytest.raises(FileRejected) as rejected:
        await run_import(owner, Feed.IVO, str(server.make_url("/bad_rows.json")))
    assert [(e.row, e.field) for e in rejected.value.errors] == [("units[0]", "permit.places")]
    assert await snapshots(owner) == 1


async def test_404_fails_at_once(owner: asyncpg.Connection, feeds: tuple[Feeds, TestServer]) -> None:
    _, server = feeds
    with pytest.raises(FetchFailed, match="HTTP 404"):
        await run_import(owner, Feed.IVO, str(server.make_url("/missing.json")))
