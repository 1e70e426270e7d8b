"""The pages' static files (FKUI's stylesheet, ours, one small script), served from memory.

They are a few files of about 200 kB in all, read once when the application starts. Serving them
from memory rather than with aiohttp's ``add_static`` means no file is opened per request: its
``FileResponse`` opens the file in a worker thread, and a request cancelled during that open
(a browser leaving the page while the server stops) leaves the file to the garbage collector.
An ``ETag`` lets the browser keep its copy; a changed file gets a new one at the next start.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

PREFIX = "/static/"


@dataclass(frozen=True, slots=True)
class Asset:
    body: bytes
    content_type: str
    etag: str


def load(folder: Path) -> dict[str, Asset]:
    """Every file under ``folder`` by its path relative to it (``fkui/fkui.min.css``)."""
    assets: dict[str, Asset] = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        body = path.read_bytes()
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        assets[path.relative_to(folder).as_posix()] = Asset(body, content_type, etag)
    return assets


def add_routes(app: web.Application, folder: Path) -> None:
    """``GET /static/{path}`` for every file in ``folder``; anything else there is a 404."""
    assets = load(folder)

    async def serve(request: web.Request) -> web.StreamResponse:
        asset = assets.get(request.match_info["path"])
        if asset is None:
            raise web.HTTPNotFound()
        headers = {"ETag": asset.etag, "Cache-Control": "public, max-age=3600"}
        if asset.etag in request.headers.get("If-None-Match", ""):
            return web.Response(status=304, headers=headers)
        charset = "utf-8" if asset.content_type.startswith("text/") else None
        return web.Response(
            body=asset.body, content_type=asset.content_type, charset=charset, headers=headers
        )

    app.router.add_get(PREFIX + "{path:.+}", serve, name="web_static")
