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
from placement.repositories import foster_identity as repository


def identity_hash(key: bytes, *, name: str, birth_date: dt.date | None, personnummer: str | None) -> bytes:
    identity = f"p:{personnummer}" if personnummer else f"n:{normalise(name)}|{birth_date or ''}"
    return hmac.new(key, identity.encode(), hashlib.sha256).digest()


def municipality_hash(key: bytes, municipality_id: uuid.UUID) -> bytes:
    return hmac.new(key, f"m:{municipality_id}".encode(), hashlib.sha256).digest()


async def _parent_hashes(
    conn: Connection, key: bytes, tenant: uuid.UUID, foster_home_id: uuid.UUID
) -> list[bytes]:
    found = await repository.parents(conn, municipality_id=tenant, foster_home_id=foster_home_id)
    return [
        identity_hash(key, name=p.name, birth_date=p.birth_date, personnummer=p.personnummer) for p in found
    ]


async def publish(
    conn: Connection, key: bytes, tenant: uuid.UUID, foster_home_id: uuid.UUID, today: dt.date
) -> None:
    """Share this municipality's count of active placements with the home's parents, hashed."""
    hashes = await _parent_hashes(conn, key, tenant, foster_home_id)
    if not hashes:
        return
    active = await repository.active_placements(
        conn, municipality_id=tenant, foster_home_id=foster_home_id, on=today
    )
    await repository.share_use(
        conn,
        identity_hashes=hashes,
        municipality_hash=municipality_hash(key, tenant),
        active_placements=active,
    )


async def placing_municipalities(
    conn: Connection, key: bytes, tenant: uuid.UUID, foster_home_id: uuid.UUID
) -> int:
    """How many municipalities (this one included) have children placed with the home's parents."""
    hashes = await _parent_hashes(conn, key, tenant, foster_home_id)
    if not hashes:
        return 0
    return await repository.placing_municipalities(conn, identity_hashes=hashes)


async def placed_children(conn: Connection, key: bytes, tenant: uuid.UUID, foster_home_id: uuid.UUID) -> int:
    """How many children are placed with the home's parents now, across municipalities (this one
    included): each municipality's count once, however many of the parents it shares."""
    hashes = await _parent_hashes(conn, key, tenant, foster_home_id)
    if not hashes:
        return 0
    return await repository.placed_children(conn, identity_hashes=hashes)


def load_or_create_key(data_dir: Path) -> str:
    """The embedded service's identity key, made once and kept (readable by the owner only)."""
    path = data_dir / "identity.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()
