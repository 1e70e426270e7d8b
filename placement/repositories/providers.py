"""The providers in the register as it stands (national data, not a municipality's)."""

from __future__ import annotations

from placement.database.pool import Connection
from suppliers.records import Provider


async def current_providers(conn: Connection) -> list[Provider]:
    rows = await conn.fetch(
        """SELECT payload FROM register_entity
            WHERE kind = 'provider' AND valid_to_snapshot IS NULL ORDER BY key"""
    )
    return [Provider.model_validate(r["payload"]) for r in rows]
