"""The web pages' own reads: the worklist and the unit's overview, each one query.

Both join the stored obligation states the scan and every recorded event keep current (no due date
is computed here) to the placement, child and responsible social worker, within the reader's reach
(the SQL function child_in_reach, as every repository). Every child's data they return is written
to the audit log in the same transaction, as the API's reads are.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from followup.obligations import State
from placement import audit
from placement.audit import Access, Actor, AuditAction
from placement.core.vocabulary import LegalBasis, PlacementForm
from placement.database.pool import Connection

PAGE_SIZE = 50
# How the worklist can be ordered (the form's value: the ORDER BY); most urgent first by default.
ORDERS = {
    "bradskande": "{urgency}, p.due_on NULLS LAST, c.name, p.id",
    "datum": "p.due_on NULLS LAST, {urgency}, c.name, p.id",
    "namn": "c.name, p.id",
}
_OPEN = ["overdue", "due_soon", "open"]
# The municipality a home lies in: the person's own when the placement names none (or its own
# code), another tenant's name when the service knows it, else its kommunkod in words.
_HOME_MUNICIPALITY = (
    "CASE WHEN p.home_kommunkod IS NULL OR p.home_kommunkod = m.kommunkod THEN m.name "
    "ELSE coalesce(hm.name, 'kommunen med kommunkod ' || p.home_kommunkod) END"
)
_URGENCY = "CASE {0} WHEN 'overdue' THEN 0 WHEN 'due_soon' THEN 1 WHEN 'open' THEN 2 ELSE 3 END"


@dataclass(frozen=True, slots=True)
class WorklistRow:
    placement_id: uuid.UUID
    child_id: uuid.UUID
    child_name: str
    birth_date: dt.date
    home_name: str
    home_municipality: str
    form: PlacementForm
    legal_basis: LegalBasis
    start_date: dt.date
    end_date: dt.date | None
    responsible_name: str | None
    code: str | None
    title: str | None
    due_on: dt.date | None
    rolled_due_on: dt.date | None
    state: State | None
    overdue: int
    due_soon: int


@dataclass(frozen=True, slots=True)
class Worklist:
    rows: list[WorklistRow]
    total: int


async def worklist(
    conn: Connection,
    actor: Actor,
    *,
    today: dt.date,
    responsible: uuid.UUID | None,
    state: State | None,
    code: str | None,
    page: int,
    order: str = "bradskande",
    page_size: int = PAGE_SIZE,
) -> Worklist:
    """The placed children within reach (ongoing, or ended with something still due), each with
    its most urgent open obligation (of ``code``, if given) and its counts of overdue and due-soon
    obligations; most urgent first. One query; the total comes with each row."""
    rows = await conn.fetch(
        f"""
        WITH open AS MATERIALIZED (  -- the open obligations, with their placement's counts
            SELECT o.placement_id, o.code, o.title, o.due_on, o.rolled_due_on, o.state,
                   count(*) FILTER (WHERE o.state = 'overdue') OVER w AS overdue,
                   count(*) FILTER (WHERE o.state = 'due_soon') OVER w AS due_soon
              FROM obligation_state o
             WHERE o.municipality_id = $1 AND o.state IN ('overdue', 'due_soon', 'open')
            WINDOW w AS (PARTITION BY o.placement_id)
        ), due AS MATERIALIZED (  -- each placement's most urgent of them (in the state, of the code)
            SELECT DISTINCT ON (o.placement_id) o.*
              FROM open o
             WHERE o.state = ANY ($6::text[]) AND ($7::text IS NULL OR o.code = $7)
             ORDER BY o.placement_id, {_URGENCY.format("o.state")}, o.due_on, o.code
        ), candidate AS MATERIALIZED (  -- ongoing, or ended with something still due; reach after
            SELECT p.id, p.child_id, p.home_name, p.home_kommunkod, p.form, p.legal_basis, p.start_date,
                   p.end_date, n.code, n.title, n.due_on, n.rolled_due_on, n.state, n.overdue, n.due_soon
              FROM placement p
              LEFT JOIN due n ON n.placement_id = p.id
             WHERE p.municipality_id = $1 AND (p.end_date IS NULL OR p.end_date >= $5 OR n.code IS NOT NULL)
               AND (($7::text IS NULL AND $9::text IS NULL) OR n.code IS NOT NULL)
               AND ($9::text IS NULL OR n.state = $9)
        )
        SELECT p.id AS placement_id, p.child_id, c.name AS child_name, c.birth_date, p.home_name,
               {_HOME_MUNICIPALITY} AS home_municipality, p.form,
               p.legal_basis, p.start_date, p.end_date, s.name AS responsible_name,
               p.code, p.title, p.due_on, p.rolled_due_on, p.state,
               coalesce(p.overdue, 0) AS overdue, coalesce(p.due_soon, 0) AS due_soon,
               count(*) OVER () AS total
          FROM candidate p
          JOIN child c ON c.municipality_id = $1 AND c.id = p.child_id
          JOIN municipality m ON m.id = $1
          LEFT JOIN municipality hm ON hm.kommunkod = p.home_kommunkod
          LEFT JOIN social_worker_assignment a
                 ON a.municipality_id = $1 AND a.child_id = p.child_id AND a.assigned_to IS NULL
          LEFT JOIN staff s ON s.municipality_id = a.municipality_id AND s.id = a.staff_id
         WHERE ($8::uuid IS NULL OR a.staff_id = $8)
           AND child_in_reach($1, p.child_id, $2, $3, $4)
         ORDER BY {ORDERS[order].format(urgency=_URGENCY.format("p.state"))}
         LIMIT $10 OFFSET $11
        """,
        actor.municipality_id,
        *actor.reads.sql_args(),
        today,
        [state.value] if state else _OPEN,
        code,
        responsible,
        state.value if state else None,
        page_size,
        max(page - 1, 0) * page_size,
    )
    found = [WorklistRow(**{k: v for k, v in dict(r).items() if k != "total"}) for r in rows]
    await audit.record(
        conn,
        actor,
        AuditAction.READ,
        [a for row in found for a in (Access("child", row.child_id, row.child_id), _placement(row))],
    )
    return Worklist(rows=found, total=rows[0]["total"] if rows else 0)


def _placement(row: WorklistRow) -> Access:
    return Access("placement", row.placement_id, row.child_id)


@dataclass(frozen=True, slots=True)
class WorkerLoad:
    staff_id: uuid.UUID
    name: str
    children: int
    overdue: int
    due_soon: int


async def unit_load(conn: Connection, actor: Actor, *, org_unit: str | None) -> list[WorkerLoad]:
    """Per social worker of the unit: how many children they are responsible for, and how many of
    those children's obligations are overdue and due soon. Counts only: no child's data."""
    rows = await conn.fetch(
        """
        SELECT s.id AS staff_id, s.name,
               count(DISTINCT a.child_id) AS children,
               count(o.*) FILTER (WHERE o.state = 'overdue') AS overdue,
               count(o.*) FILTER (WHERE o.state = 'due_soon') AS due_soon
          FROM staff s
          LEFT JOIN social_worker_assignment a
                 ON a.municipality_id = s.municipality_id AND a.staff_id = s.id AND a.assigned_to IS NULL
          LEFT JOIN placement p ON p.municipality_id = a.municipality_id AND p.child_id = a.child_id
          LEFT JOIN obligation_state o ON o.municipality_id = p.municipality_id AND o.placement_id = p.id
         WHERE s.municipality_id = $1 AND s.active AND 'socialsekreterare' = ANY (s.roles)
           AND ($2::text IS NULL OR s.org_unit = $2)
         GROUP BY s.id, s.name
         ORDER BY overdue DESC, due_soon DESC, s.name
        """,
        actor.municipality_id,
        org_unit,
    )
    return [WorkerLoad(**dict(r)) for r in rows]


async def unit_workers(
    conn: Connection, actor: Actor, *, org_unit: str | None
) -> list[tuple[uuid.UUID, str]]:
    """The unit's social workers, by name: whose list a unit lead can switch to."""
    rows = await conn.fetch(
        """SELECT id, name FROM staff
            WHERE municipality_id = $1 AND active AND 'socialsekreterare' = ANY (roles)
              AND ($2::text IS NULL OR org_unit = $2)
            ORDER BY name""",
        actor.municipality_id,
        org_unit,
    )
    return [(r["id"], r["name"]) for r in rows]


async def home_municipality(conn: Connection, actor: Actor, *, kommunkod: str | None) -> str:
    """The name of the municipality a home lies in (see _HOME_MUNICIPALITY); no personal data."""
    name = await conn.fetchval(
        f"""SELECT {_HOME_MUNICIPALITY} FROM municipality m
              LEFT JOIN municipality hm ON hm.kommunkod = $2
              CROSS JOIN (SELECT $2::text AS home_kommunkod) p
             WHERE m.id = $1""",
        actor.municipality_id,
        kommunkod,
    )
    return str(name or "")


async def staff_names(conn: Connection, actor: Actor, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Staff members' names by id (who visited, who decided)."""
    if not ids:
        return {}
    rows = await conn.fetch(
        "SELECT id, name FROM staff WHERE municipality_id = $1 AND id = ANY ($2::uuid[])",
        actor.municipality_id,
        list(ids),
    )
    return {r["id"]: r["name"] for r in rows}


async def child_names(conn: Connection, actor: Actor, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Children's names by id, within reach, audited as reads of the child."""
    if not ids:
        return {}
    rows = await conn.fetch(
        """SELECT id, name FROM child
            WHERE municipality_id = $1 AND id = ANY ($2::uuid[]) AND child_in_reach($1, id, $3, $4, $5)""",
        actor.municipality_id,
        list(ids),
        *actor.reads.sql_args(),
    )
    await audit.record(conn, actor, AuditAction.READ, [Access("child", r["id"], r["id"]) for r in rows])
    return {r["id"]: r["name"] for r in rows}
