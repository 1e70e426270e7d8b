"""Test fixtures: a real PostgreSQL, a fresh database per test session, a real HTTP server on loopback.

The server is the one named by ``DATABASE_URL`` when it is set (its user needs CREATEDB), otherwise
an embedded server started in a temporary directory. Each session creates its own database and
drops it at the end; each test starts from empty tables, so tests do not depend on each other.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from aiohttp.test_utils import TestClient, TestServer

from placement.api.app import create_app
from placement.database.embedded import EmbeddedPostgres
from placement.database.migrator import migrate
from placement.database.pool import Database
from placement.repositories.municipalities import MunicipalityRepository
from placement.settings import Settings


def with_database(url: str, name: str) -> str:
    """The same server URL, naming another database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A URL of a maintenance database on the PostgreSQL server the tests use."""
    external = os.environ.get("DATABASE_URL")
    if external:
        yield external
        return
    embedded = EmbeddedPostgres(Path(tmp_path_factory.mktemp("embedded")) / "pgdata")
    embedded.start()
    try:
        yield embedded.admin_url()
    finally:
        embedded.stop()


@pytest.fixture(scope="session")
async def make_database(server_url: str) -> AsyncIterator[object]:
    """A factory of empty databases on the test server, all dropped at the end of the session."""
    created: list[str] = []

    async def make() -> str:
        name = f"placement_test_{uuid.uuid4().hex[:12]}"
        admin = await asyncpg.connect(server_url)
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        created.append(name)
        return with_database(server_url, name)

    yield make
    admin = await asyncpg.connect(server_url)
    try:
        for name in created:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="session")
async def dsn(make_database: object) -> str:
    """The session's migrated database."""
    url: str = await make_database()  # type: ignore[operator]
    conn = await asyncpg.connect(url)
    try:
        await migrate(conn)
    finally:
        await conn.close()
    return url


@pytest.fixture(scope="session")
async def database(dsn: str) -> AsyncIterator[Database]:
    db = await Database.connect(dsn)
    yield db
    await db.close()


@pytest.fixture
async def db(database: Database) -> Database:
    """The session database with every table emptied: each test starts from nothing."""
    async with database.transaction() as conn:
        tables = await conn.fetch(
            "SELECT quote_ident(tablename) AS t FROM pg_tables "
            "WHERE schemaname = current_schema() AND tablename <> 'schema_migration'"
        )
        await conn.execute(f"TRUNCATE {', '.join(r['t'] for r in tables)} CASCADE")
    return database


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(dev_sign_in=True, demo=False, db_pool_max_size=4)


@pytest.fixture(scope="session")
async def _session_client(dsn: str, settings: Settings) -> AsyncIterator[TestClient[object, object]]:
    server = TestServer(create_app(settings, dsn=dsn), host="127.0.0.1")
    async with TestClient(server) as test_client:
        yield test_client


@pytest.fixture
def client(db: Database, _session_client: TestClient[object, object]) -> TestClient[object, object]:
    """The service on a real HTTP server on loopback, over empty tables."""
    return _session_client


@pytest.fixture
async def municipality(db: Database) -> str:
    """A municipality to act for; returns its kommunkod."""
    async with db.transaction() as conn:
        created = await MunicipalityRepository(conn).create(kommunkod="1480", name="Testkommunen")
    return created.kommunkod


@pytest.fixture
def as_officer(municipality: str) -> dict[str, str]:
    """Headers that sign in (development sign-in) as an officer of the test municipality."""
    return {"X-Municipality": municipality, "X-Actor": "Olle Officer"}
