"""The check pages' own reads: finding a child within reach, the staff and foster homes to choose
from, and the dates of the register snapshots a run relied on. A child found is a lookup in the
audit log, as the API's lookups are."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from placement import audit
from placement.audit import Access, Actor, AuditAction
from placement.core.vocabulary import StaffRole, label
from placement.database.pool import Connection

CHILD_MATCHES = 10


@dataclass(frozen=True, slots=True)
class ChildChoice:
    id: uuid.UUID
    name: str
    birth_date: dt.date
    personnummer: str | None


async def find_children(conn: Connection, actor: Actor, text: str) -> list[ChildChoice]:
    """Children within reach whose personnummer (with or without the hyphen, 10 or 12 digits) or
    name matches ``text``; at most ten, each found one a lookup in the audit log."""
    digits = "".join(ch for ch in text if ch.isdigit())
    rows = await conn.fetch(
        """SELECT id, name, birth_date, personnummer FROM child
            WHERE municipality_id = $1 AND child_in_reach($1, id, $2, $3, $4)
              AND ((length($5) >= 10 AND personnummer LIKE '%' || $5)
                   OR ($6 <> '' AND name ILIKE '%' || $6 || '%'))
            ORDER BY name, id LIMIT $7""",
        actor.municipality_id,
        *actor.reads.sql_args(),
        digits,
        text.strip() if not digits else "",
        CHILD_MATCHES,
    )
    found = [ChildChoice(**dict(r)) for r in rows]
    await audit.record(conn, actor, AuditAction.LOOKUP, [Access("child", c.id, c.id) for c in found])
    return found


async def staff_choices(
    conn: Connection, actor: Actor, role: str | None = None
) -> list[tuple[uuid.UUID, str]]:
    """Active staff of the municipality by name (with ``role``: only those with it)."""
    rows = await conn.fetch(
        """SELECT id, name FROM staff
            WHERE municipality_id = $1 AND active AND ($2::text IS NULL OR $2 = ANY (roles))
            ORDER BY name""",
        actor.municipality_id,
        role,
    )
    return [(r["id"], r["name"]) for r in rows]


async def foster_home_choices(conn: Connection, actor: Actor) -> list[tuple[uuid.UUID, str]]:
    """The municipality's foster homes by name, with their kind."""
    rows = await conn.fetch(
        "SELECT id, name, kind FROM foster_home WHERE municipality_id = $1 ORDER BY name",
        actor.municipality_id,
    )
    return [(r["id"], f"{r['name']} ({r['kind']})") for r in rows]


async def snapshot_dates(conn: Connection, ids: set[int]) -> dict[int, dt.datetime]:
    """When each register snapshot was imported: the date a run's register excerpt is from."""
    if not ids:
        return {}
    rows = await conn.fetch(
        "SELECT id, imported_at FROM register_snapshot WHERE id = ANY ($1::bigint[])", list(ids)
    )
    return {r["id"]: r["imported_at"] for r in rows}


async def people_of_actors(conn: Connection, actor: Actor, names: set[str]) -> dict[str, str]:
    """Who an audit actor name (``method:subject``, as a run's ``run_by`` or an event's recorder)
    was, as a person reads it: "name (role)"; the staff member found by the sign-in's e-mail or by
    a web session that carried that subject. A name not found is left out (shown as it is)."""
    if not names:
        return {}
    rows = await conn.fetch(
        """SELECT DISTINCT ON (a.name) a.name AS actor, s.name, s.roles
             FROM unnest($2::text[]) AS a(name)
             JOIN staff s ON s.municipality_id = $1
              AND (lower(s.email) = lower(split_part(a.name, ':', 2))
                   OR s.id IN (SELECT w.staff_id FROM web_session w
                                WHERE w.municipality_id = $1 AND w.method || ':' || w.subject = a.name))
            ORDER BY a.name, s.name""",
        actor.municipality_id,
        list(names),
    )
    return {
        r["actor"]: f"{r['name']} ({', '.join(label(StaffRole(role)) for role in r['roles'])})" for r in rows
    }


@dataclass(frozen=True, slots=True)
class UnitVersion:
    """One version of a unit's register entry: from which import it held, until which."""

    imported_at: dt.datetime
    until: dt.datetime | None
    name: str
    status: str | None
    places: int | None
    manager: str | None


async def unit_history(conn: Connection, unit_code: str) -> list[UnitVersion]:
    """Every version of the unit's register entry, newest first (the register is national data)."""
    rows = await conn.fetch(
        """SELECT f.imported_at, t.imported_at AS until, e.payload ->> 'name' AS name,
                  e.payload -> 'permit' ->> 'status' AS status,
                  (e.payload -> 'permit' ->> 'places')::int AS places,
                  e.payload -> 'permit' ->> 'manager_name' AS manager
             FROM register_entity e
             JOIN register_snapshot f ON f.id = e.valid_from_snapshot
             LEFT JOIN register_snapshot t ON t.id = e.valid_to_snapshot
            WHERE e.kind = 'unit' AND e.key = $1
            ORDER BY f.imported_at DESC""",
        unit_code,
    )
    return [UnitVersion(**dict(r)) for r in rows]
