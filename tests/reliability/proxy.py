"""A TCP proxy on loopback in front of the test's PostgreSQL server, which a test can cut and
restore: the database goes away for the service without stopping the server everyone shares."""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit


class CuttableProxy:
    def __init__(self, upstream_url: str) -> None:
        parts = urlsplit(upstream_url)
        query = parse_qs(parts.query)
        socket_dir = query.get("host", [None])[0]
        self._port = parts.port or 5432
        self._unix = (
            f"{socket_dir}/.s.PGSQL.{self._port}" if socket_dir and socket_dir.startswith("/") else None
        )
        self._host = parts.hostname or "127.0.0.1"
        self._upstream = parts
        self._server: asyncio.Server | None = None
        self._listen_port = 0
        self._pipes: set[asyncio.StreamWriter] = set()

    def url(self) -> str:
        """The upstream URL, pointed at the proxy."""
        query = {k: v for k, v in parse_qs(self._upstream.query).items() if k != "host"}
        user = self._upstream.username or "postgres"
        password = f":{self._upstream.password}" if self._upstream.password else ""
        netloc = f"{user}{password}@127.0.0.1:{self._listen_port}"
        return urlunsplit(
            (self._upstream.scheme, netloc, self._upstream.path, urlencode(query, doseq=True), "")
        )

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self._listen_port)
        self._listen_port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        """Refuse new connections and drop every open one, as a database going away does."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._pipes):
            writer.transport.abort()
        self._pipes.clear()

    async def restore(self) -> None:
        await self.start()

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            if self._unix is not None:
                up_reader, up_writer = await asyncio.open_unix_connection(self._unix)
            else:
                up_reader, up_writer = await asyncio.open_connection(self._host, self._port)
        except OSError:
            client_writer.transport.abort()
            return
        self._pipes.update({client_writer, up_writer})
        await asyncio.gather(
            self._pump(client_reader, up_writer), self._pump(up_reader, client_writer), return_exceptions=True
        )

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            self._pipes.discard(writer)
            with contextlib.suppress(Exception):
                writer.close()
