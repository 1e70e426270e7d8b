"""A throwaway, migrated database for benchmarks: on the embedded server (default) or on the server
``DATABASE_URL`` names (a superuser URL). Dropped afterwards."""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg

from placement.database import roles
from placement.database.embedded import EmbeddedPostgres
from placement.database.migrator import migrate
from placement.database.pool import connect_with_retry
from placement.database.roles import DatabaseUrls


@dataclass(frozen=True)
class BenchDatabase:
    admin: str  # the superuser: bulk loads with COPY (which row-level security does not allow)
    urls: DatabaseUrls


@asynccontextmanager
async def throwaway_database(server_url: str) -> AsyncIterator[BenchDatabase]:
    name = f"placement_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(server_url)
    try:
        await roles.bootstrap(admin, database=name)
    finally:
        await admin.close()
    urls = DatabaseUrls(
        service=roles.with_login(server_url, user=roles.APP_ROLE, database=name),
        owner=roles.with_login(server_url, user=roles.OWNER_ROLE, database=name),
    )
    conn = await connect_with_retry(urls.owner, patience_s=10)
    try:
        await migrate(conn)
    finally:
        await conn.close()
    user = urlsplit(server_url).username or "postgres"
    password = urlsplit(server_url).password
    try:
        yield BenchDatabase(roles.with_login(server_url, user=user, password=password, database=name), urls)
    finally:
        admin = await asyncpg.connect(server_url)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


def run_on_a_server(main: object) -> None:
    """Run ``main(server_url)`` (a coroutine function) on DATABASE_URL's server or an embedded one."""
    external = os.environ.get("DATABASE_URL")
    if external:
        asyncio.run(main(external))  # type: ignore[operator]
        return
    with tempfile.TemporaryDirectory() as folder:
        embedded = EmbeddedPostgres(Path(folder) / "pgdata")
        try:
            asyncio.run(main(embedded.start()))  # type: ignore[operator]
        finally:
            embedded.stop()
