"""Test fixtures: a real PostgreSQL, a fresh database per test session, a real HTTP server on loopback.

The server is the one named by ``DATABASE_URL`` when it is set (a superuser URL: the tests create
the service's roles and their own databases), otherwise
an embedded server started in a temporary directory. Each session creates its own database and
drops it at the end; each test starts from empty tables, so tests do not depend on each other.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import asyncpg
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from aiohttp.test_utils import TestServer as _AiohttpTestServer

from placement import rule_catalogue
from placement.api.app import create_app
from placement.api.server import ServiceRunner
from placement.bench.demo import load_demo
from placement.core.vocabulary import StaffRole
from placement.database import roles
from placement.database.embedded import EmbeddedPostgres
from placement.database.migrator import migrate
from placement.database.pool import Database, connect_with_retry
from placement.logs import configure_logging, find_personnummer
from placement.repositories.api_tokens import ApiTokenRepository
from placement.repositories.municipalities import MunicipalityRepository
from placement.settings import LogFormat, Settings

rule_catalogue.load()  # as every entry point does at start-up

# Every log line the suite writes, rendered as in production; checked for personnummer at the end.
SUITE_LOG = io.StringIO()


def configure_suite_logging() -> None:
    configure_logging(LogFormat.JSON, "info", also_to=SUITE_LOG)


def pytest_sessionstart(session: pytest.Session) -> None:
    configure_suite_logging()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """No personnummer in application logs, ever: the whole suite's log output is checked."""
    leaks = find_personnummer(SUITE_LOG.getvalue())
    if leaks:
        session.config.get_terminal_writer().line(
            f"The suite's log output holds {len(leaks)} personnummer-shaped value(s): {sorted(set(leaks))}",
            red=True,
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


class TestServer(_AiohttpTestServer):
    """aiohttp's test server, serving with the service's own runner (as ``placement serve`` does)."""

    async def _make_runner(self, **kwargs: Any) -> web.AppRunner:
        return ServiceRunner(self.app, **kwargs)


@dataclass(frozen=True)
class SessionDatabase:
    """One test database and the ways to connect to it."""

    admin: str  # a superuser: for emptying tables and looking past row-level security in assertions
    owner: str  # placement_owner: owns the tables, runs migrations
    service: str  # placement_app: what the service connects as
    register: str  # placement_register: register imports over the API


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A superuser URL of a maintenance database on the PostgreSQL server the tests use."""
    external = os.environ.get("DATABASE_URL")
    if external:
        yield external
        return
    embedded = EmbeddedPostgres(Path(tmp_path_factory.mktemp("embedded")) / "pgdata")
    url = embedded.start()
    try:
        yield url
    finally:
        embedded.stop()


MakeDatabase = Callable[[], Awaitable[SessionDatabase]]


@pytest.fixture(scope="session")
async def make_database(server_url: str) -> AsyncIterator[MakeDatabase]:
    """A factory of empty databases owned by placement_owner, all dropped at the end of the session.

    The roles are created as in production (``placement.database.roles.bootstrap``). On a server
    that asks for passwords, set PLACEMENT_TEST_ROLE_PASSWORD and the roles get that password.
    """
    password = os.environ.get("PLACEMENT_TEST_ROLE_PASSWORD")
    created: list[str] = []

    async def make() -> SessionDatabase:
        name = f"placement_test_{uuid.uuid4().hex[:12]}"
        admin = await asyncpg.connect(server_url)
        try:
            await roles.bootstrap(
                admin,
                database=name,
                owner_password=password,
                app_password=password,
                register_password=password,
            )
        finally:
            await admin.close()
        created.append(name)
        return SessionDatabase(
            admin=roles.with_login(
                server_url, user=_user(server_url), password=_password(server_url), database=name
            ),
            owner=roles.with_login(server_url, user=roles.OWNER_ROLE, password=password, database=name),
            service=roles.with_login(server_url, user=roles.APP_ROLE, password=password, database=name),
            register=roles.with_login(server_url, user=roles.REGISTER_ROLE, password=password, database=name),
        )

    yield make
    admin = await asyncpg.connect(server_url)
    try:
        for name in created:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def _user(url: str) -> str:
    return unquote(urlsplit(url).username or "postgres")


def _password(url: str) -> str | None:
    password = urlsplit(url).password
    return unquote(password) if password else None


@pytest.fixture(scope="session")
async def test_database(make_database: MakeDatabase) -> SessionDatabase:
    """The session's database, migrated as its owner."""
    urls = await make_database()
    conn = await asyncpg.connect(urls.owner)
    try:
        await migrate(conn)
    finally:
        await conn.close()
    return urls


@pytest.fixture(scope="session")
async def database(test_database: SessionDatabase) -> AsyncIterator[Database]:
    """The service's own pool: connected as placement_app, under row-level security."""
    db = await Database.connect(test_database.service)
    yield db
    await db.close()


@pytest.fixture(scope="session")
async def admin_database(test_database: SessionDatabase) -> AsyncIterator[Database]:
    db = await Database.connect(test_database.admin, max_size=2)
    yield db
    await db.close()


# Tables the migrations fill with reference data, which tests must not empty.
KEEP_ACROSS_TESTS = frozenset({"schema_migration", "policy_default"})


@pytest.fixture
async def db(admin_database: Database) -> Database:
    """A superuser pool on the session database with every table emptied: each test starts from
    nothing. Tests use it to arrange data and to look at what the service wrote."""
    async with admin_database.transaction() as conn:
        tables = await conn.fetch(
            "SELECT quote_ident(tablename) AS t FROM pg_tables "
            "WHERE schemaname = current_schema() AND NOT (tablename = ANY ($1::text[]))",
            list(KEEP_ACROSS_TESTS),
        )
        await conn.execute(f"TRUNCATE {', '.join(r['t'] for r in tables)} CASCADE")
    return admin_database


@pytest.fixture(scope="session")
def settings() -> Settings:
    # Tests scan when they mean to; the suite signs in wrongly on purpose far more often than the
    # production limit allows (tests/api/test_hardening.py tests that limit with its own app).
    return Settings(demo=False, db_pool_max_size=4, scan_interval_s=0, signin_failure_limit=1_000_000)


@pytest.fixture(scope="session")
async def _session_client(
    test_database: SessionDatabase, settings: Settings
) -> AsyncIterator[TestClient[object, object]]:
    app = create_app(settings, dsn=test_database.service, register_dsn=test_database.register)
    server = TestServer(app, host="127.0.0.1")
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


async def api_token(db: Database, kommunkod: str, *roles: StaffRole, name: str = "Test") -> str:
    """A real API token of the municipality with these roles, as a client would hold it."""
    async with db.transaction() as conn:
        municipality = await MunicipalityRepository(conn).by_kommunkod(kommunkod=kommunkod)
        assert municipality is not None
        await conn.execute("SELECT set_config('placement.municipality_id', $1, true)", str(municipality.id))
        _, token = await ApiTokenRepository(conn, municipality_id=municipality.id).create(
            kommunkod=kommunkod, name=name, roles=frozenset(roles), valid_for=dt.timedelta(hours=1)
        )
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def as_officer(db: Database, municipality: str) -> dict[str, str]:
    """Headers that sign in as a placement officer (placeringsstöd) of the test municipality."""
    return bearer(await api_token(db, municipality, StaffRole.PLACERINGSSTOD, name="Olle Officer"))


@pytest.fixture
async def as_admin(db: Database, municipality: str) -> dict[str, str]:
    """Headers that sign in as the test municipality's administrator (staff, settings; no child data)."""
    return bearer(await api_token(db, municipality, StaffRole.ADMINISTRATOR, name="Anna Admin"))


@pytest.fixture
async def owner(db: Database, test_database: SessionDatabase) -> AsyncIterator[asyncpg.Connection]:
    """A connection as placement_owner, over emptied tables."""
    conn = await connect_with_retry(test_database.owner, patience_s=5)
    yield conn
    await conn.close()


def demo_user(name: str) -> dict[str, str]:
    """Headers that act as a staff member of the demo municipality (demo sign-in), by e-mail's name."""
    return {"X-Demo-User": f"{name}@demo.invalid"}


@pytest.fixture
async def demo(db: Database, test_database: SessionDatabase, settings: Settings) -> AsyncIterator[Any]:
    """The service in demo mode over the demo municipality, on a real HTTP server on loopback."""
    async with db.pool.acquire() as conn:
        await load_demo(conn)
    app = create_app(settings.model_copy(update={"demo": True}), dsn=test_database.service)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client
