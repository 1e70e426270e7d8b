"""The municipality's policy values: each key's documented default and the municipality's own
value, read and corrected under the municipality's tenant."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, Field

from placement.database.pool import Connection
from placement.errors import NotFound

_SELECT = """SELECT d.key, d.description, d.source, d.value AS default, p.value AS own
               FROM policy_default d
               LEFT JOIN municipality_policy p ON p.municipality_id = $1 AND p.key = d.key"""


# A policy value is a number or an object of named values (see placement/policy.py).
PolicyJson = int | dict[str, Any]


class PolicyValue(BaseModel):
    key: str
    description: str = Field(description="What the value governs, in Swedish.")
    source: str = Field(description="Where the default comes from (law, guidance, the municipality).")
    default: PolicyJson = Field(description="The documented default.")
    value: PolicyJson = Field(description="What applies in the municipality: its own value, or the default.")
    own: bool = Field(description="Whether the municipality has set its own value.")


def _value(row: Any) -> PolicyValue:
    own = row["own"]
    return PolicyValue(
        key=row["key"],
        description=row["description"],
        source=row["source"],
        default=row["default"],
        value=row["default"] if own is None else own,
        own=own is not None,
    )


class PolicyRepository:
    def __init__(self, conn: Connection, *, municipality_id: uuid.UUID) -> None:
        self.conn = conn
        self.municipality_id = municipality_id

    async def all(self) -> list[PolicyValue]:
        return [_value(r) for r in await self.conn.fetch(f"{_SELECT} ORDER BY d.key", self.municipality_id)]

    async def get(self, *, key: str, hold: bool = False) -> PolicyValue:
        """One key; ``hold``: no one else corrects it until the transaction ends (a key without the
        municipality's own row has nothing to lock, so an advisory lock on the key stands in)."""
        if hold:
            await self.conn.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended($1::uuid::text || '/' || $2, 0))",
                self.municipality_id,
                key,
            )
        row = await self.conn.fetchrow(f"{_SELECT} WHERE d.key = $2", self.municipality_id, key)
        if row is None:
            raise NotFound("Det finns inget sådant policyvärde")
        return _value(row)

    async def set(self, *, key: str, value: Any) -> None:
        """The municipality's own value; None: back to the default."""
        if value is None:
            await self.conn.execute(
                "DELETE FROM municipality_policy WHERE municipality_id = $1 AND key = $2",
                self.municipality_id,
                key,
            )
            return
        await self.conn.execute(
            """INSERT INTO municipality_policy (municipality_id, key, value) VALUES ($1, $2, $3)
               ON CONFLICT (municipality_id, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()""",
            self.municipality_id,
            key,
            value,
        )
