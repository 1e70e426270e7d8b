"""The providers in the register as it stands (national data, not a municipality's)."""

from __future__ import annotations

import datetime as dt

from placement.database.pool import Connection
from suppliers.records import Provider, Unit


async def current_providers(conn: Connection) -> list[Provider]:
    rows = await conn.fetch(
        """SELECT payload FROM register_entity
            WHERE kind = 'provider' AND valid_to_snapshot IS NULL ORDER BY key"""
    )
    return [Provider.model_validate(r["payload"]) for r in rows]


async def current_units(conn: Connection) -> list[Unit]:
    rows = await conn.fetch(
        """SELECT payload FROM register_entity
            WHERE kind = 'unit' AND valid_to_snapshot IS NULL ORDER BY key"""
    )
    return [Unit.model_validate(r["payload"]) for r in rows]


async def permit_reverify_days(conn: Connection) -> int:
    days: int = await conn.fetchval(
        "SELECT value::int FROM policy_default WHERE key = 'permit_capture_reverify_days'"
    )
    return days


async def store_permit_document(
    conn: Connection,
    *,
    unit_code: str,
    snapshot_id: int,
    file_name: str,
    media_type: str,
    sha256: bytes,
    content: bytes,
    captured_by: str,
    reverify_on: dt.date,
) -> int:
    document_id: int = await conn.fetchval(
        """INSERT INTO permit_document
               (unit_code, snapshot_id, file_name, media_type, sha256, content, captured_by, reverify_on)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id""",
        unit_code,
        snapshot_id,
        file_name,
        media_type,
        sha256,
        content,
        captured_by,
        reverify_on,
    )
    return document_id


async def permits_to_reverify(conn: Connection, *, today: dt.date) -> list[dict[str, object]]:
    """The latest capture of each unit that is due: its interval passed, or its holder's company
    data changed in the register after it was captured."""
    rows = await conn.fetch(
        """
        WITH latest AS (
            SELECT DISTINCT ON (d.unit_code) d.unit_code, d.captured_at, d.reverify_on,
                   encode(d.sha256, 'hex') AS sha256, u.payload -> 'permit' ->> 'holder_orgnr' AS holder
              FROM permit_document d
              JOIN register_entity u
                ON u.kind = 'unit' AND u.key = d.unit_code AND u.valid_to_snapshot IS NULL
             ORDER BY d.unit_code, d.captured_at DESC)
        SELECT l.unit_code, l.reverify_on, l.sha256,
               (l.reverify_on <= $1) AS interval_passed,
               EXISTS (SELECT 1 FROM register_entity p
                         JOIN register_snapshot s ON s.id = p.valid_from_snapshot
                        WHERE p.kind = 'provider' AND p.key = l.holder AND s.imported_at > l.captured_at)
                   AS company_changed
          FROM latest l
        """,
        today,
    )
    return [dict(r) for r in rows if r["interval_passed"] or r["company_changed"]]


async def latest_ivo_snapshot(conn: Connection) -> int:
    found: int = await conn.fetchval("SELECT max(id) FROM register_snapshot WHERE source = 'ivo'")
    return found
