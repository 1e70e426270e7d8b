"""What a municipality shares about its foster parents: keyed hashes and counts, nothing else.

The identity key (``PLACEMENT_IDENTITY_KEY``) is the service's secret; without it the hashes can
be linked neither to a person nor to a municipality. A parent's identity is their personnummer,
or their normalised name and birth date when it is not known.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from pathlib import Path

from placement.core.names import normalise
from placement.database.pool import Connection


def identity_hash(key: bytes, *, name: str, birth_date: dt.date | None, personnummer: str | None) -> bytes:
    identity = f"p:{personnummer}" if personnummer else f"n:{normalise(name)}|{birth_date or ''}"
    return hmac.new(key, identity.encode(), hashlib.sha256).digest()


def municipality_hash(key: bytes, municipality_id: uuid.UUID) -> bytes:
    return hmac.new(key, f"m:{municipality_id}".encode(), hashlib.sha256).digest()


async def _parent_hashes(
    conn: Connection, key: bytes, tenant: uuid.UUID, foster_home_id: uuid.UUID
) -> list[bytes]:
    rows = await conn.fetch(
        """SELECT name, birth_date, personnummer FROM foster_parent
            WHERE municipality_id = $1 AND foster_home_id = $2""",
        tenant,
        foster_home_id,
    )
    return [
        identity_hash(key, name=r["name"], birth_date=r["birth_date"], personnummer=r["personnummer"])
        for r in rows
    ]


async def publish(
    conn: Connection, key: bytes, tenant: uuid.UUID, foster_home_id: uuid.UUID, today: dt.date
) -> None:
    """Share this municipality's count of active placements with the home's parents, hashed."""
    hashes = await _parent_hashes(conn, key, tenant, foster_home_id)
    if not hashes:
        return
    active = await conn.fetchval(
        """SELECT count(*) FROM placement WHERE municipality_id = $1 AND foster_home_id = $2
             AND start_date <= $3 AND (end_date IS NULL OR end_date >= $3)""",
        tenant,
        foster_home_id,
        today,
    )
    await conn.executemany(
        """INSERT INTO foster_identity_use (identity_hash, municipality_hash, active_placements)
           VALUES ($1, $2, $3)
           ON CONFLICT (identity_hash, municipality_hash)
           DO UPDATE SET active_placements = EXCLUDED.active_placements, updated_at = now()""",
        [(h, municipality_hash(key, tenant), active) for h in hashes],
    )


async def placing_municipalities(
    conn: Connection, key: bytes, tenant: uuid.UUID, foster_home_id: uuid.UUID
) -> int:
    """How many municipalities (this one included) have children placed with the home's parents."""
    hashes = await _parent_hashes(conn, key, tenant, foster_home_id)
    if not hashes:
        return 0
    count: int = await conn.fetchval(
        """SELECT count(DISTINCT municipality_hash) FROM foster_identity_use
            WHERE identity_hash = ANY ($1::bytea[]) AND active_placements > 0""",
        hashes,
    )
    return count


async def placed_children(conn: Connection, key: bytes, tenant: uuid.UUID, foster_home_id: uuid.UUID) -> int:
    """How many children are placed with the home's parents now, across municipalities (this one
    included): each municipality's count once, however many of the parents it shares."""
    hashes = await _parent_hashes(conn, key, tenant, foster_home_id)
    if not hashes:
        return 0
    count: int = await conn.fetchval(
        """SELECT coalesce(sum(placed), 0) FROM (
               SELECT max(active_placements) AS placed FROM foster_identity_use
                WHERE identity_hash = ANY ($1::bytea[]) GROUP BY municipality_hash) per_municipality""",
        hashes,
    )
    return count


def load_or_create_key(data_dir: Path) -> str:
    """The embedded service's identity key, made once and kept (readable by the owner only)."""
    path = data_dir / "identity.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()
