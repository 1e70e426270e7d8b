"""Versioned plain-SQL migrations shipped inside the package (``migrations/V001__name.sql``).

Each file is applied in its own transaction together with the row that records it in
``schema_migration``; a failing file leaves the database exactly as it was before that file and
the error names the file. An advisory lock keeps two processes from migrating at once. An applied
file whose content changed since is refused: history is not rewritten, a new file is added.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

import asyncpg
import structlog

from placement.database.pool import Connection
from placement.errors import MigrationFailed

log = structlog.get_logger(__name__)

_FILE_NAME = re.compile(r"^V(?P<version>\d{3,})__(?P<name>[a-z0-9_]+)\.sql$")
# Any constant that no other advisory lock of the service uses.
_MIGRATION_LOCK = 7_330_001


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    filename: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def load_migrations(folder: Traversable | None = None) -> list[Migration]:
    """Every migration file in ``folder`` (default: the package's), in version order.

    A misnamed file or a repeated version number is an error, not a file silently skipped.
    """
    folder = folder or resources.files("placement.database").joinpath("migrations")
    found: list[Migration] = []
    for entry in folder.iterdir():
        if not entry.name.endswith(".sql"):
            continue
        match = _FILE_NAME.match(entry.name)
        if match is None:
            raise MigrationFailed(f"Migreringsfilen {entry.name} har fel namn (ska vara V001__namn.sql)")
        found.append(
            Migration(int(match["version"]), match["name"], entry.name, entry.read_text(encoding="utf-8"))
        )
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationFailed(f"Två migreringsfiler har samma versionsnummer: {versions}")
    return found


_CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migration (
    version     integer PRIMARY KEY,
    name        text NOT NULL,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
)
"""


async def applied_versions(conn: Connection) -> dict[int, str]:
    """Applied version -> checksum; empty when the database was never migrated."""
    exists = await conn.fetchval("SELECT to_regclass('schema_migration') IS NOT NULL")
    if not exists:
        return {}
    rows = await conn.fetch("SELECT version, checksum FROM schema_migration")
    return {row["version"]: row["checksum"] for row in rows}


async def pending(conn: Connection, migrations: list[Migration] | None = None) -> list[Migration]:
    """The migrations not yet applied to this database."""
    applied = await applied_versions(conn)
    return [m for m in (migrations or load_migrations()) if m.version not in applied]


async def migrate(conn: Connection, migrations: list[Migration] | None = None) -> list[Migration]:
    """Apply every pending migration, each in one transaction; return those applied."""
    migrations = load_migrations() if migrations is None else migrations
    await conn.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
    try:
        await conn.execute(_CREATE_TABLE)
        applied = await applied_versions(conn)
        for migration in migrations:
            recorded = applied.get(migration.version)
            if recorded is not None and recorded != migration.checksum:
                raise MigrationFailed(
                    f"Migreringen {migration.filename} har ändrats efter att den kördes; "
                    "lägg ändringen i en ny fil i stället"
                )
        done: list[Migration] = []
        for migration in migrations:
            if migration.version in applied:
                continue
            await _apply(conn, migration)
            done.append(migration)
        return done
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)


async def _apply(conn: Connection, migration: Migration) -> None:
    try:
        async with conn.transaction():
            await conn.execute(migration.sql)
            await conn.execute(
                "INSERT INTO schema_migration (version, name, checksum) VALUES ($1, $2, $3)",
                migration.version,
                migration.name,
                migration.checksum,
            )
    except asyncpg.PostgresError as error:
        raise MigrationFailed(
            f"Migreringen {migration.filename} misslyckades och ändrade ingenting: {error}"
        ) from error
    log.info("migration_applied", version=migration.version, migration=migration.name)
