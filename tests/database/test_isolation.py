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


async def test_enable_tenant_isolation_gives_a_new_table_the_standard_policy(
    owner: asyncpg.Connection,
) -> None:
    """A migration that adds a table calls enable_tenant_isolation; the table then has forced
    row-level security and the same policy as the tables before it, so each municipality sees and
    writes only its own rows, even as the table's owner."""
    a, b = uuid.uuid4(), uuid.uuid4()
    transaction = owner.transaction()
    await transaction.start()
    try:
        await owner.execute("CREATE TABLE probe_note (municipality_id uuid NOT NULL, note text)")
        await owner.execute("SELECT enable_tenant_isolation('probe_note')")
        flags = await owner.fetchrow(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = 'probe_note'"
        )
        policies = await owner.fetch(
            "SELECT tablename, policyname, cmd, qual, with_check FROM pg_policies"
            " WHERE tablename IN ('probe_note', 'child') ORDER BY tablename"
        )
        for municipality in (a, b):
            await owner.execute("SELECT set_config('placement.municipality_id', $1, true)", str(municipality))
            await owner.execute("INSERT INTO probe_note VALUES ($1, 'x')", municipality)
        seen_by_b = await owner.fetch("SELECT municipality_id FROM probe_note")
        savepoint = owner.transaction()
        await savepoint.start()
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
            await owner.execute("INSERT INTO probe_note VALUES ($1, 'y')", a)
        await savepoint.rollback()
    finally:
        await transaction.rollback()
    assert flags is not None
    assert (flags["relrowsecurity"], flags["relforcerowsecurity"]) == (True, True)
    child, probe = ({k: v for k, v in dict(p).items() if k != "tablename"} for p in policies)
    assert probe == child
    assert probe["policyname"] == "tenant_isolation"
    assert probe["qual"] == probe["with_check"] == "(municipality_id = current_municipality_id())"
    assert [r["municipality_id"] for r in seen_by_b] == [b]


async def test_enable_tenant_isolation_refuses_a_table_without_municipality(
    owner: asyncpg.Connection,
) -> None:
    """A table with nothing to isolate by is an error in the migration, not a silent no-op."""
    transaction = owner.transaction()
    await transaction.start()
    try:
        await owner.execute("CREATE TABLE probe_plain (note text)")
        with pytest.raises(asyncpg.RaiseError, match="has no municipality_id uuid column"):
            await owner.execute("SELECT enable_tenant_isolation('probe_plain')")
    finally:
        await transaction.rollback()


async def test_only_the_owner_may_enable_tenant_isolation(database: Database) -> None:
    """The service's role cannot call the helper (nor alter tables)."""
    async with database.pool.acquire() as conn:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("SELECT enable_tenant_isolation('child')")
