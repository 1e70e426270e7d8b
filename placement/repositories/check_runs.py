"""The SQL of check runs: the facts a run is gathered from, the stored runs, their resolutions
and the decisions that cite them. Every function runs inside the caller's transaction, under the
caller's municipality (row-level security)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import asyncpg

from placement.database.pool import Connection
from placement.reach import EVERY_CHILD, Reach
from placement.repositories.register import IMPORT_LOCK


async def hold_register_still(conn: Connection) -> None:
    """Until the transaction ends, no register import can commit (one under way is waited for),
    so what the transaction reads of the register stays true when it commits."""
    await conn.execute("SELECT pg_advisory_xact_lock_shared($1)", IMPORT_LOCK)


async def hold_records_still(
    conn: Connection, tenant: uuid.UUID, child_id: uuid.UUID, foster_home_id: uuid.UUID | None
) -> None:
    """Until the transaction ends, the child's and the foster home's records cannot be corrected
    (a correction under way is waited for), so what the transaction reads of them stays true."""
    await conn.execute(
        """SELECT 1 FROM child WHERE municipality_id = $1 AND id = $2 FOR SHARE""", tenant, child_id
    )
    if foster_home_id is not None:
        await conn.execute(
            """SELECT 1 FROM foster_home WHERE municipality_id = $1 AND id = $2 FOR SHARE""",
            tenant,
            foster_home_id,
        )


async def child_and_policy(
    conn: Connection, tenant: uuid.UUID, child_id: uuid.UUID, within: Reach
) -> asyncpg.Record | None:
    """The child's birth date and sex, with the municipality's policy for checks and its kommunkod,
    in one query."""
    return await conn.fetchrow(
        """SELECT c.birth_date, c.sex, policy_value($1, 'checks') AS policy,
                  (SELECT m.kommunkod FROM municipality m WHERE m.id = $1) AS kommunkod
             FROM child c
            WHERE c.municipality_id = $1 AND c.id = $2 AND child_in_reach($1, c.id, $3, $4, $5)""",
        tenant,
        child_id,
        *within.sql_args(),
    )


async def foster_home(
    conn: Connection, tenant: uuid.UUID, foster_home_id: uuid.UUID
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT * FROM foster_home WHERE municipality_id = $1 AND id = $2", tenant, foster_home_id
    )


async def foster_people(
    conn: Connection, tenant: uuid.UUID, foster_home_id: uuid.UUID
) -> list[asyncpg.Record]:
    """The people in the home with their register extract dates (SoF 3 kap. 3 §)."""
    return list(
        await conn.fetch(
            """SELECT name, belastningsregister_on, misstankeregister_on FROM foster_parent
                WHERE municipality_id = $1 AND foster_home_id = $2 ORDER BY name""",
            tenant,
            foster_home_id,
        )
    )


async def concurrent_placements(
    conn: Connection,
    tenant: uuid.UUID,
    foster_home_id: uuid.UUID,
    on: dt.date,
    *,
    leaving_out: uuid.UUID | None = None,
) -> int:
    """The municipality's placements in the foster home on a day, ``leaving_out`` one placement
    (the one a decision is being recorded for, which the run counted as proposed)."""
    count: int = await conn.fetchval(
        """SELECT count(*) FROM placement WHERE municipality_id = $1 AND foster_home_id = $2
             AND start_date <= $3 AND (end_date IS NULL OR end_date >= $3)
             AND id IS DISTINCT FROM $4""",
        tenant,
        foster_home_id,
        on,
        leaving_out,
    )
    return count


async def dealings(
    conn: Connection, tenant: uuid.UUID, orgnr: str, staff_ids: list[uuid.UUID]
) -> asyncpg.Record:
    """The municipality's contracts with the provider, and the screening's links between the given
    staff and the provider's officers (dismissed ones left out), in one query."""
    row = await conn.fetchrow(
        """SELECT (SELECT jsonb_agg(jsonb_build_object('kind', kind, 'valid_from', valid_from,
                                                       'valid_to', valid_to, 'provider_orgnr', provider_orgnr)
                                    ORDER BY valid_from, kind)
                     FROM contract WHERE municipality_id = $1 AND provider_orgnr = $2) AS contracts,
                  (SELECT jsonb_agg(jsonb_build_object('staff_id', staff_id, 'officer_name', officer_name,
                                                       'officer_role', officer_role, 'score', score,
                                                       'status', status)
                                    ORDER BY staff_id, officer_name, officer_role)
                     FROM screening_match
                    WHERE municipality_id = $1 AND staff_id = ANY ($3::uuid[]) AND provider_orgnr = $2
                      AND status <> 'dismissed') AS matches""",
        tenant,
        orgnr,
        staff_ids,
    )
    assert row is not None  # a SELECT of subqueries gives one row
    return row


async def foster_home_links(
    conn: Connection, tenant: uuid.UUID, foster_home_id: uuid.UUID, staff_ids: list[uuid.UUID]
) -> list[asyncpg.Record]:
    """The screening's links (dismissed ones left out) between the given staff, or the relatives
    they declared, and the foster home's parents."""
    return await conn.fetch(
        """SELECT staff_id, officer_name, officer_role, score, status FROM screening_match
            WHERE municipality_id = $1 AND staff_id = ANY ($3::uuid[]) AND foster_home_id = $2
              AND status <> 'dismissed'
            ORDER BY staff_id, officer_name, officer_role""",
        tenant,
        foster_home_id,
        staff_ids,
    )


async def declaration_ids(conn: Connection, tenant: uuid.UUID, staff_ids: list[uuid.UUID]) -> list[str]:
    """The ids of every declaration the staff members have made (declarations are only added)."""
    ids: list[str] | None = await conn.fetchval(
        """SELECT array_agg(id::text ORDER BY id) FROM declaration
            WHERE municipality_id = $1 AND staff_id = ANY ($2::uuid[])""",
        tenant,
        staff_ids,
    )
    return ids or []


async def delegation(
    conn: Connection, tenant: uuid.UUID, staff_id: uuid.UUID, kind: str
) -> asyncpg.Record | None:
    """The staff member's name, whether active, and whether the delegation order lets them take
    ``kind`` decisions."""
    return await conn.fetchrow(
        """SELECT s.name, s.active, EXISTS (
                   SELECT 1 FROM delegation_rule d
                    WHERE d.municipality_id = s.municipality_id AND d.decision_kind = $3
                      AND (d.staff_id = s.id OR d.role = ANY (s.roles))
                      AND (d.org_unit IS NULL OR d.org_unit = s.org_unit)) AS allowed
             FROM staff s WHERE s.municipality_id = $1 AND s.id = $2""",
        tenant,
        staff_id,
        kind,
    )


async def insert_run(conn: Connection, tenant: uuid.UUID, stored: dict[str, Any]) -> asyncpg.Record:
    row = await conn.fetchrow(
        """INSERT INTO placement_check
               (municipality_id, child_id, form, unit_code, foster_home_id, request, facts, findings, verdict,
                run_by, fingerprint)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id, run_at""",
        tenant,
        stored["child_id"],
        stored["form"],
        stored["unit_code"],
        stored["foster_home_id"],
        stored["request"],
        stored["facts"],
        stored["findings"],
        stored["verdict"],
        stored["run_by"],
        stored["fingerprint"],
    )
    assert row is not None  # INSERT ... RETURNING gives the row
    return row


async def run_row(
    conn: Connection,
    tenant: uuid.UUID,
    check_id: uuid.UUID,
    *,
    within: Reach = EVERY_CHILD,
) -> asyncpg.Record | None:
    """A stored run, if its child is within reach."""
    return await conn.fetchrow(
        """SELECT * FROM placement_check
             WHERE municipality_id = $1 AND id = $2 AND child_in_reach($1, child_id, $3, $4, $5)""",
        tenant,
        check_id,
        *within.sql_args(),
    )


async def resolutions(conn: Connection, tenant: uuid.UUID, check_id: uuid.UUID) -> list[asyncpg.Record]:
    return list(
        await conn.fetch(
            "SELECT * FROM check_resolution WHERE municipality_id = $1 AND check_id = $2", tenant, check_id
        )
    )


async def insert_resolution(
    conn: Connection,
    tenant: uuid.UUID,
    check_id: uuid.UUID,
    finding_index: int,
    *,
    action: str,
    reason: str,
    by_name: str,
    by_role: str | None,
    by_staff_id: uuid.UUID | None,
    concerns_staff_id: uuid.UUID | None,
) -> None:
    await conn.execute(
        """INSERT INTO check_resolution
               (municipality_id, check_id, finding_index, action, reason, by_name, by_role, by_staff_id,
                concerns_staff_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""",
        tenant,
        check_id,
        finding_index,
        action,
        reason,
        by_name,
        by_role,
        by_staff_id,
        concerns_staff_id,
    )


async def urgent_decisions_without_check(
    conn: Connection, tenant: uuid.UUID, kinds: list[str], within: Reach
) -> list[asyncpg.Record]:
    """EK01's candidates: urgent placement decisions with no check run for the same child, form and
    home since, with whether a run preceded them and its blocks left without an override."""
    return list(
        await conn.fetch(
            """
            SELECT d.id AS decision_id, p.id AS placement_id, p.child_id, d.decided_on, d.urgent_reason,
                   before.id IS NOT NULL AS checked_before,
                   coalesce(before.unresolved_blocks, 0) AS unresolved_blocks_before
              FROM decision d
              JOIN placement p ON p.municipality_id = d.municipality_id AND p.id = d.placement_id
              -- the latest check run before the decision for this child, form and home, and its blocks
              -- left without an override
              LEFT JOIN LATERAL (
                    SELECT c.id,
                           (SELECT count(*)
                              FROM jsonb_array_elements(c.findings) WITH ORDINALITY f(finding, n)
                             WHERE f.finding ->> 'severity' = 'block'
                               AND NOT EXISTS (SELECT 1 FROM check_resolution r
                                                WHERE r.municipality_id = c.municipality_id
                                                  AND r.check_id = c.id
                                                  AND r.finding_index = f.n - 1 AND r.action = 'override'))
                               AS unresolved_blocks
                      FROM placement_check c
                     WHERE c.municipality_id = p.municipality_id AND c.child_id = p.child_id
                       AND c.form = p.form
                       AND c.unit_code IS NOT DISTINCT FROM p.unit_code
                       AND c.foster_home_id IS NOT DISTINCT FROM p.foster_home_id
                       AND c.run_at < d.created_at
                     ORDER BY c.run_at DESC LIMIT 1) before ON true
             WHERE d.municipality_id = $1 AND d.urgent AND d.kind = ANY ($2::text[])
               AND child_in_reach(p.municipality_id, p.child_id, $3, $4, $5)
               AND NOT EXISTS (
                    SELECT 1 FROM placement_check c
                     WHERE c.municipality_id = p.municipality_id AND c.child_id = p.child_id
                       AND c.form = p.form
                       AND c.unit_code IS NOT DISTINCT FROM p.unit_code
                       AND c.foster_home_id IS NOT DISTINCT FROM p.foster_home_id
                       AND c.run_at >= d.created_at)
             ORDER BY d.decided_on
            """,
            tenant,
            kinds,
            *within.sql_args(),
        )
    )
