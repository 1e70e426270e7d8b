"""The database roles the service uses, and the check that the service is not over-privileged.

- ``placement_owner`` owns the tables and runs the migrations.
- ``placement_service`` is a group role holding exactly the privileges the service needs.
- ``placement_app`` logs in as a member of ``placement_service``: not a superuser, NOBYPASSRLS,
  owns nothing. The running service connects as it, so row-level security always applies.
- ``placement_register`` logs in for register imports only: it writes the national register and
  files findings under each municipality's tenant setting; not a superuser, NOBYPASSRLS.
- ``placement_crosstenant`` (no login, BYPASSRLS) owns the SECURITY DEFINER functions that count
  placements across municipalities (at a unit; due for follow-up); they return ids and counts only.

On the embedded server the service creates all three itself. On your own server a DBA creates
them (see ``deploy/README.md``); :func:`bootstrap` is the same code, for a superuser to run.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

from placement.database.pool import Connection
from placement.errors import PlacementError

OWNER_ROLE = "placement_owner"
SERVICE_GROUP = "placement_service"
APP_ROLE = "placement_app"
REGISTER_ROLE = "placement_register"


class UnsafeDatabaseRole(PlacementError):
    """The service was asked to run as a role that row-level security would not restrain."""

    status = 500
    type = "/problems/unsafe-database-role"
    title = "Osäker databasroll"


@dataclass(frozen=True, slots=True)
class DatabaseUrls:
    """Where the service connects (``service``) and where migrations run (``owner``)."""

    service: str
    owner: str
    register: str | None = None  # where register imports run; None: not available to the service


def with_login(url: str, *, user: str, password: str | None = None, database: str | None = None) -> str:
    """The same server URL with another user (and password, and database)."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    credentials = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
    path = f"/{database}" if database is not None else parts.path
    return urlunsplit(parts._replace(netloc=f"{credentials}@{host}", path=path))


async def bootstrap(
    admin: Connection,
    *,
    database: str,
    owner_password: str | None = None,
    app_password: str | None = None,
    register_password: str | None = None,
) -> None:
    """Create the roles and the database owned by the owner role, unless they exist. Superuser only.

    Given passwords are set (again) on the two login roles; without, their passwords are untouched.
    """
    await admin.execute(
        """
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'placement_service') THEN
                CREATE ROLE placement_service NOLOGIN NOSUPERUSER NOBYPASSRLS;
            END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'placement_owner') THEN
                CREATE ROLE placement_owner LOGIN NOSUPERUSER NOBYPASSRLS;
            END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'placement_app') THEN
                CREATE ROLE placement_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE
                    IN ROLE placement_service;
            END IF;
            -- Owns the functions that look across municipalities (ids and counts only).
            -- Writes the national provider register (imports); nothing else.
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'placement_register') THEN
                CREATE ROLE placement_register LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
            ELSE
                ALTER ROLE placement_register LOGIN;
            END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'placement_crosstenant') THEN
                CREATE ROLE placement_crosstenant NOLOGIN NOSUPERUSER BYPASSRLS;
            END IF;
        END
        $$;
        GRANT placement_crosstenant TO placement_owner;
        """
    )
    for role, password in (
        (OWNER_ROLE, owner_password),
        (APP_ROLE, app_password),
        (REGISTER_ROLE, register_password),
    ):
        if password is not None:
            statement = await admin.fetchval(
                "SELECT format('ALTER ROLE %I PASSWORD %L', $1::text, $2::text)", role, password
            )
            await admin.execute(statement)
    exists = await admin.fetchval("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", database)
    if not exists:
        statement = await admin.fetchval(
            "SELECT format('CREATE DATABASE %I OWNER placement_owner', $1::text)", database
        )
        await admin.execute(statement)


async def verify_service_role(conn: Connection) -> None:
    """Refuse to serve as a role that bypasses row-level security or owns the tables."""
    role = await conn.fetchrow(
        """
        SELECT current_user AS name, r.rolsuper, r.rolbypassrls,
               (SELECT count(*) FROM pg_class c
                 WHERE c.relowner = r.oid AND c.relnamespace = current_schema()::regnamespace
                   AND c.relkind IN ('r', 'p')) AS owned_tables
          FROM pg_roles r WHERE r.rolname = current_user
        """
    )
    if role is None:
        raise UnsafeDatabaseRole("Databasrollen kunde inte läsas")
    if role["rolsuper"]:
        problem = "är superanvändare"
    elif role["rolbypassrls"]:
        problem = "kringgår radsäkerheten"
    elif role["owned_tables"]:
        problem = "äger tabellerna"
    else:
        return
    raise UnsafeDatabaseRole(
        f"Tjänsten ansluter som databasrollen {role['name']}, som {problem}; anslut som en roll i "
        f"{SERVICE_GROUP} (t.ex. {APP_ROLE}) och kör migreringar som {OWNER_ROLE}"
    )
