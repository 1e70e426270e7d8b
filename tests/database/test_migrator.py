"""Migrations: from empty, re-run, failure leaves the database as it was, history is not rewritten."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from placement.database.migrator import load_migrations, migrate
from placement.errors import MigrationFailed
from tests.conftest import MakeDatabase


async def tables(conn: asyncpg.Connection) -> set[str]:
    rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return {r["tablename"] for r in rows}


async def test_from_empty_then_rerun_is_idempotent(make_database: MakeDatabase) -> None:
    """An empty database gets every migration; a second run applies nothing and changes nothing."""
    conn = await asyncpg.connect((await make_database()).owner)
    try:
        applied = await migrate(conn)
        assert [m.version for m in applied] == [m.version for m in load_migrations()]
        expected = {
            "schema_migration",
            "municipality",
            "staff",
            "child",
            "placement",
            "decision",
            "social_worker_assignment",
            "audit_event",
        }
        assert expected <= await tables(conn)
        recorded = await conn.fetchval("SELECT count(*) FROM schema_migration")
        assert await migrate(conn) == []
        assert await conn.fetchval("SELECT count(*) FROM schema_migration") == recorded
    finally:
        await conn.close()


def write(folder: Path, name: str, sql: str) -> None:
    (folder / name).write_text(sql, encoding="utf-8")


async def test_failed_migration_leaves_database_as_it_was(
    make_database: MakeDatabase, tmp_path: Path
) -> None:
    """A failing file is rolled back whole, named in the error; earlier files stay applied."""
    write(tmp_path, "V001__first.sql", "CREATE TABLE first_table (id int);")
    write(tmp_path, "V002__broken.sql", "CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;")
    conn = await asyncpg.connect((await make_database()).owner)
    try:
        with pytest.raises(MigrationFailed) as raised:
            await migrate(conn, load_migrations(tmp_path))  # type: ignore[arg-type]
        assert "V002__broken.sql" in raised.value.detail
        assert "no_such_table" in raised.value.detail
        assert {"first_table", "schema_migration"} == await tables(conn)
        assert await conn.fetchval("SELECT array_agg(version) FROM schema_migration") == [1]
    finally:
        await conn.close()


async def test_changed_applied_migration_is_refused(make_database: MakeDatabase, tmp_path: Path) -> None:
    write(tmp_path, "V001__first.sql", "CREATE TABLE first_table (id int);")
    conn = await asyncpg.connect((await make_database()).owner)
    try:
        await migrate(conn, load_migrations(tmp_path))  # type: ignore[arg-type]
        write(tmp_path, "V001__first.sql", "CREATE TABLE first_table (id bigint);")
        with pytest.raises(MigrationFailed, match=r"V001__first\.sql har ändrats"):
            await migrate(conn, load_migrations(tmp_path))  # type: ignore[arg-type]
    finally:
        await conn.close()


@pytest.mark.parametrize("name", ["V1__too_short.sql", "V002-dash.sql", "v003__lower.sql"])
def test_misnamed_file_is_an_error(tmp_path: Path, name: str) -> None:
    write(tmp_path, name, "SELECT 1;")
    with pytest.raises(MigrationFailed, match="fel namn"):
        load_migrations(tmp_path)  # type: ignore[arg-type]


def test_duplicate_version_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "V001__a.sql", "SELECT 1;")
    write(tmp_path, "V001__b.sql", "SELECT 1;")
    with pytest.raises(MigrationFailed, match="samma versionsnummer"):
        load_migrations(tmp_path)  # type: ignore[arg-type]


def test_shipped_migrations_have_a_header_saying_why() -> None:
    for migration in load_migrations():
        assert migration.sql.startswith(f"-- V{migration.version:03d}:"), migration.filename
        assert "Why:" in migration.sql.split("\n\n", 1)[0] + migration.sql[:2000], migration.filename
