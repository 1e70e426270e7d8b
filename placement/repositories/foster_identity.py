"""The SQL of foster-parent identities shared across municipalities: a home's parents (read under
the caller's municipality), its active placements, and the keyed hashes and counts every
municipality shares (foster_identity_use, no name and no personnummer)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from placement.database.pool import Connection


@dataclass(frozen=True, slots=True)
class FosterParentIdentity:
    """What a parent's identity hash is made from."""

    name: str
    birth_date: dt.date | None
    personnummer: str | None


async def parents(
    conn: Connection, *, municipality_id: uuid.UUID, foster_home_id: uuid.UUID
) -> list[FosterParentIdentity]:
    rows = await conn.fetch(
        """SELECT name, birth_date, personnummer FROM foster_parent
            WHERE municipality_id = $1 AND foster_home_id = $2""",
        municipality_id,
        foster_home_id,
    )
    return [FosterParentIdentity(r["name"], r["birth_date"], r["personnummer"]) for r in rows]


async def active_placements(
    conn: Connection, *, municipality_id: uuid.UUID, foster_home_id: uuid.UUID, on: dt.date
) -> int:
    """The municipality's placements in the home going on that day."""
    count: int = await conn.fetchval(
        """SELECT count(*) FROM placement WHERE municipality_id = $1 AND foster_home_id = $2
             AND start_date <= $3 AND (end_date IS NULL OR end_date >= $3)""",
        municipality_id,
        foster_home_id,
        on,
    )
    return count


async def share_use(
    conn: Connection, *, identity_hashes: list[bytes], municipality_hash: bytes, active_placements: int
) -> None:
    """This municipality's count of active placements with each of these identities."""
    await conn.executemany(
        """INSERT INTO foster_identity_use (identity_hash, municipality_hash, active_placements)
           VALUES ($1, $2, $3)
           ON CONFLICT (identity_hash, municipality_hash)
           DO UPDATE SET active_placements = EXCLUDED.active_placements, updated_at = now()""",
        [(h, municipality_hash, active_placements) for h in identity_hashes],
    )


async def placing_municipalities(conn: Connection, *, identity_hashes: list[bytes]) -> int:
    """How many municipalities have children placed with any of these identities."""
    count: int = await conn.fetchval(
        """SELECT count(DISTINCT municipality_hash) FROM foster_identity_use
            WHERE identity_hash = ANY ($1::bytea[]) AND active_placements > 0""",
        identity_hashes,
    )
    return count


async def placed_children(conn: Connection, *, identity_hashes: list[bytes]) -> int:
    """Children placed with any of these identities now: each municipality's count once."""
    count: int = await conn.fetchval(
        """SELECT coalesce(sum(placed), 0) FROM (
               SELECT max(active_placements) AS placed FROM foster_identity_use
                WHERE identity_hash = ANY ($1::bytea[]) GROUP BY municipality_hash) per_municipality""",
        identity_hashes,
    )
    return count
