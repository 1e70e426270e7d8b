"""Tenant isolation is enforced by PostgreSQL, not by the service remembering a WHERE clause."""

from __future__ import annotations

import datetime as dt
import uuid

import asyncpg
import pytest
from aiohttp.test_utils import TestServer

from placement.api.app import create_app
from placement.audit import Actor
from placement.database.pool import Database
from placement.database.roles import UnsafeDatabaseRole, verify_service_role
from placement.models import ChildIn
from placement.repositories.children import ChildRepository
from placement.repositories.municipalities import MunicipalityRepository
from placement.settings import Settings
from tests.conftest import SessionDatabase


async def tenant_tables(db: Database) -> list[str]:
    """Every table holding a municipality's data: every table with a municipality_id column."""
    async with db.transaction() as conn:
        rows = await conn.fetch(
            """
            SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
             WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
               AND a.attname = 'municipality_id' AND NOT a.attisdropped
             ORDER BY 1
            """
        )
    return [r["relname"] for r in rows]


async def two_municipalities_with_a_child_each(db: Database) -> tuple[uuid.UUID, uuid.UUID]:
    async with db.transaction() as conn:
        a = await MunicipalityRepository(conn).create(kommunkod="0001", name="A")
        b = await MunicipalityRepository(conn).create(kommunkod="0002", name="B")
    for municipality in (a, b):
        async with db.transaction(municipality.id) as conn:
            await ChildRepository(conn, actor=Actor(municipality.id, "test")).create(
                child=ChildIn(name="Barn", birth_date=dt.date(2015, 1, 1))
            )
    return a.id, b.id


async def test_every_tenant_table_has_forced_row_level_security(db: Database) -> None:
    tables = await tenant_tables(db)
    assert len(tables) >= 6
    async with db.transaction() as conn:
        flags = await conn.fetch(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = ANY($1)",
            tables,
        )
    assert all(f["relrowsecurity"] and f["relforcerowsecurity"] for f in flags), flags


async def test_without_a_tenant_the_service_sees_nothing(db: Database, database: Database) -> None:
    """Connected as the service's role with no tenant set, every tenant table looks empty."""
    await two_municipalities_with_a_child_each(db)
    async with database.transaction() as conn:
        for table in await tenant_tables(db):
            assert await conn.fetchval(f'SELECT count(*) FROM "{table}"') == 0, table  # noqa: S608


async def test_as_a_tenant_the_service_sees_only_its_rows(db: Database, database: Database) -> None:
    a, b = await two_municipalities_with_a_child_each(db)
    for municipality in (a, b):
        async with database.transaction(municipality) as conn:
            owners = await conn.fetch("SELECT municipality_id FROM child")
            audit = await conn.fetch("SELECT DISTINCT municipality_id FROM audit_event")
        assert [r["municipality_id"] for r in owners] == [municipality]
        assert [r["municipality_id"] for r in audit] == [municipality]


async def test_a_tenant_cannot_write_another_tenants_rows(db: Database, database: Database) -> None:
    a, b = await two_municipalities_with_a_child_each(db)
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
        async with database.transaction(a) as conn:
            await conn.execute(
                "INSERT INTO child (municipality_id, name, birth_date, sex) "
                "VALUES ($1, 'X', '2015-01-01', 'male')",
                b,
            )
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
        async with database.transaction(a) as conn:
            await conn.execute("UPDATE child SET municipality_id = $1", b)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET actor = 'x'",
        "DELETE FROM audit_event",
        "DELETE FROM child",
        "TRUNCATE audit_event",
    ],
)
async def test_the_service_cannot_rewrite_history(db: Database, database: Database, statement: str) -> None:
    """The audit log is insert-only for the service, and nothing is deleted (enforced by grants)."""
    a, _ = await two_municipalities_with_a_child_each(db)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with database.transaction(a) as conn:
            await conn.execute(statement)


async def test_service_role_is_not_privileged(database: Database) -> None:
    async with database.pool.acquire() as conn:
        await verify_service_role(conn)  # raises if it were


@pytest.mark.parametrize("who", ["owner", "admin"])
async def test_service_refuses_to_run_as_a_privileged_role(
    test_database: SessionDatabase, settings: Settings, who: str
) -> None:
    """Started with the tables' owner or a superuser, the service refuses: RLS would not hold."""
    app = create_app(settings, dsn=getattr(test_database, who))
    server = TestServer(app, host="127.0.0.1")
    try:
        with pytest.raises(UnsafeDatabaseRole, match="anslut som en roll i placement_service"):
            await server.start_server()
    finally:
        await server.close()
