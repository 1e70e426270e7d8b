"""The pages' static files: served from memory with an ETag the browser can revalidate."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient


async def test_stylesheet_is_served_with_an_etag(client: TestClient[Any, Any]) -> None:
    """FKUI's stylesheet comes back whole, as CSS, and a browser holding it gets a 304."""
    first = await client.get("/static/fkui/fkui.min.css")
    assert first.status == 200
    assert first.content_type == "text/css"
    body = await first.read()
    assert len(body) > 100_000
    etag = first.headers["ETag"]
    again = await client.get("/static/fkui/fkui.min.css", headers={"If-None-Match": etag})
    assert again.status == 304
    assert await again.read() == b""


async def test_a_missing_static_file_is_not_found(client: TestClient[Any, Any]) -> None:
    """A path that names no vendored file is a 404, also one that tries to leave the folder."""
    assert (await client.get("/static/finns-inte.css")).status == 404
    assert (await client.get("/static/../app.py")).status == 404
    assert (await client.get("/static/%2e%2e/app.py")).status == 404
