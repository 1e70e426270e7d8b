"""The reads of the placement-support pages (placement/web/check_pages.py, unit_pages.py): finding a
child within reach, the staff and foster homes to choose from, the dates of the register snapshots
a run relied on, who an audit actor name was, a unit's register history, the units that fit a
child, and the municipality's foster homes with their register extracts. A child found is a
lookup in the audit log, as the API's lookups are."""

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


@dataclass(frozen=True, slots=True)
class UnitHit:
    """A unit found by Hitta hem: its current register entry and the counts across municipalities."""

    unit_code: str
    name: str
    kommunkod: str
    operation_kind: str
    permit_status: str | None
    age_min: int | None
    age_max: int | None
    sex: str | None
    needs: list[str]
    places: int | None
    occupied: int | None
    active_placements: int
    moves_12m: int
    unplanned_endings_12m: int
    interventions: int

    @property
    def free(self) -> int | None:
        """Free places as far as known: the permit's places less the higher of the provider's
        reported occupancy and the placements registered in the service."""
        if self.places is None:
            return None
        return self.places - max(self.occupied or 0, self.active_placements)


UNIT_HITS = 100


async def find_units(
    conn: Connection,
    *,
    operation_kind: str | None,
    age: int | None,
    sex: str | None,
    needs: list[str],
    kommunkod: str | None,
    valid_only: bool,
    on: dt.date,
) -> list[UnitHit]:
    """Units in today's register that fit: kind, the child's age and sex within the permit's
    målgrupp, every need covered, in the municipality; with each unit's counts across
    municipalities (no municipality or child named) and its interventions. At most 100, by name."""
    rows = await conn.fetch(
        """
        WITH u AS (
            SELECT e.key, e.payload
              FROM register_entity e
             WHERE e.kind = 'unit' AND e.valid_to_snapshot IS NULL
               AND ($1::text IS NULL OR e.payload ->> 'operation_kind' = $1)
               AND ($2::int IS NULL OR ((e.payload -> 'permit' ->> 'age_min')::int <= $2
                                        AND (e.payload -> 'permit' ->> 'age_max')::int >= $2))
               AND ($3::text IS NULL OR e.payload -> 'permit' ->> 'sex' IN ('any', $3))
               AND (cardinality($4::text[]) = 0 OR (e.payload -> 'permit' -> 'needs') ?& $4)
               AND ($5::text IS NULL OR e.payload ->> 'kommunkod' = $5)
               AND (NOT $6 OR e.payload -> 'permit' ->> 'status' = 'valid')
             ORDER BY e.payload ->> 'name', e.key
             LIMIT $8
        )
        SELECT u.key AS unit_code, u.payload, s.active_placements, s.moves_12m, s.unplanned_endings_12m,
               (SELECT count(*) FROM register_entity i
                 WHERE i.kind = 'intervention' AND i.valid_to_snapshot IS NULL
                   AND (i.payload ->> 'unit_code' = u.key
                        OR i.payload ->> 'provider_orgnr' = u.payload ->> 'provider_orgnr')) AS interventions
          FROM u
          LEFT JOIN unit_signals(ARRAY(SELECT key FROM u), $7) s ON s.unit_code = u.key
         ORDER BY u.payload ->> 'name', u.key
        """,
        operation_kind,
        age,
        sex,
        needs,
        kommunkod,
        valid_only,
        on,
        UNIT_HITS,
    )
    hits = []
    for r in rows:
        payload = r["payload"]
        permit = payload.get("permit") or {}
        hits.append(
            UnitHit(
                unit_code=r["unit_code"],
                name=payload["name"],
                kommunkod=payload["kommunkod"],
                operation_kind=payload["operation_kind"],
                permit_status=permit.get("status"),
                age_min=permit.get("age_min"),
                age_max=permit.get("age_max"),
                sex=permit.get("sex"),
                needs=list(permit.get("needs") or ()),
                places=permit.get("places"),
                occupied=payload.get("reported_occupancy"),
                active_placements=r["active_placements"] or 0,
                moves_12m=r["moves_12m"] or 0,
                unplanned_endings_12m=r["unplanned_endings_12m"] or 0,
                interventions=r["interventions"],
            )
        )
    return hits


@dataclass(frozen=True, slots=True)
class FosterHomeRow:
    id: uuid.UUID
    name: str
    kind: str
    investigated_on: dt.date | None
    approved_on: dt.date | None
    people: int
    extracts_missing: int
    oldest_extract: dt.date | None
    placed_now: int


async def foster_homes(
    conn: Connection, actor: Actor, *, kind: str | None, on: dt.date
) -> list[FosterHomeRow]:
    """The municipality's foster homes with their investigation and register-extract state (per
    person in the home: the oldest extract counts, a missing one shows) and children placed now."""
    rows = await conn.fetch(
        """
        SELECT h.id, h.name, h.kind, h.investigated_on, h.approved_on,
               count(p.id) AS people,
               count(p.id) FILTER (WHERE p.belastningsregister_on IS NULL OR p.misstankeregister_on IS NULL)
                   AS extracts_missing,
               min(least(p.belastningsregister_on, p.misstankeregister_on)) AS oldest_extract,
               (SELECT count(*) FROM placement pl
                 WHERE pl.municipality_id = h.municipality_id AND pl.foster_home_id = h.id
                   AND pl.start_date <= $3 AND (pl.end_date IS NULL OR pl.end_date >= $3)) AS placed_now
          FROM foster_home h
          LEFT JOIN foster_parent p ON p.municipality_id = h.municipality_id AND p.foster_home_id = h.id
         WHERE h.municipality_id = $1 AND ($2::text IS NULL OR h.kind = $2)
         GROUP BY h.municipality_id, h.id
         ORDER BY h.name
        """,
        actor.municipality_id,
        kind,
        on,
    )
    return [FosterHomeRow(**dict(r)) for r in rows]


async def people_of_actors(conn: Connection, actor: Actor, names: set[str]) -> dict[str, str]:
    """Who an audit actor name (``method:subject``, as a run's ``run_by`` or an event's recorder)
    was, as a person reads it: "name (role)"; the staff member linked to that identity provider
    subject, or with that demo e-mail. A name not found (an integration's token) is left out."""
    if not names:
        return {}
    rows = await conn.fetch(
        """SELECT DISTINCT ON (a.name) a.name AS actor, s.name, s.roles
             FROM unnest($2::text[]) AS a(name)
             JOIN staff s ON s.municipality_id = $1
              AND ('oidc:' || s.idp_subject = a.name OR 'demo:' || lower(s.email) = lower(a.name))
            ORDER BY a.name, s.name""",
        actor.municipality_id,
        list(names),
    )
    return {
        r["actor"]: f"{r['name']} ({', '.join(label(StaffRole(role)) for role in r['roles'])})" for r in rows
    }
