"""Remembered responses to requests that carried an Idempotency-Key, kept 24 hours.

A record holds what a replay needs and nothing more: the request's hash, the response's status
and body, and the accesses to children's data the first request made (so a replay is audited
as exactly those, and re-checks that the caller still reaches those children).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from placement.audit import Access, Touched
from placement.database.pool import Connection
from placement.reach import Reach

RETENTION = "24 hours"


@dataclass(frozen=True, slots=True)
class Remembered:
    request_sha256: bytes
    status: int | None
    body: Any
    accesses: tuple[Access, ...] = ()


async def purge_expired(conn: Connection) -> int:
    """Delete every municipality's records older than 24 hours; how many went."""
    purged: int = await conn.fetchval("SELECT purge_idempotency_keys()")
    return purged


class IdempotencyRepository:
    def __init__(self, conn: Connection, *, municipality_id: uuid.UUID, subject: str) -> None:
        self.conn = conn
        self.municipality_id = municipality_id
        self.subject = subject

    async def claim(self, *, key: str, request_sha256: bytes) -> Remembered | None:
        """Claim the key for this transaction, or return what an earlier request stored under it.

        A concurrent request with the same key waits here until the first one's transaction ends.
        Expired records of the municipality go first, so none outlives its 24 hours by much.
        """
        await self.conn.execute(
            f"""DELETE FROM idempotency_key
                 WHERE municipality_id = $1 AND created_at < now() - interval '{RETENTION}'""",  # noqa: S608 - a constant interval
            self.municipality_id,
        )
        claimed = await self.conn.fetchval(
            """INSERT INTO idempotency_key (municipality_id, subject, key, request_sha256)
               VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING true""",
            self.municipality_id,
            self.subject,
            key,
            request_sha256,
        )
        if claimed:
            return None
        row = await self.conn.fetchrow(
            """SELECT request_sha256, response_status, response_body, accesses FROM idempotency_key
                WHERE municipality_id = $1 AND subject = $2 AND key = $3""",
            self.municipality_id,
            self.subject,
            key,
        )
        if row is None:  # the earlier holder rolled back between our two statements; try again
            return await self.claim(key=key, request_sha256=request_sha256)
        return Remembered(
            bytes(row["request_sha256"]),
            row["response_status"],
            row["response_body"],
            tuple(Access.from_json(a) for a in row["accesses"]),
        )

    async def remember(self, *, key: str, status: int, body: Any, touched: Sequence[Touched]) -> None:
        unique = list(dict.fromkeys(t.access for t in touched))
        await self.conn.execute(
            """UPDATE idempotency_key SET response_status = $4, response_body = $5, accesses = $6
                WHERE municipality_id = $1 AND subject = $2 AND key = $3""",
            self.municipality_id,
            self.subject,
            key,
            status,
            body,
            [a.as_json() for a in unique],
        )

    async def children_out_of_reach(self, *, accesses: Sequence[Access], reach: Reach) -> list[uuid.UUID]:
        """The children among ``accesses`` the caller no longer reaches."""
        children = list({a.child_id for a in accesses})
        if not children:
            return []
        rows = await self.conn.fetch(
            """SELECT c FROM unnest($2::uuid[]) AS c
                WHERE NOT child_in_reach($1, c, $3, $4, $5)""",
            self.municipality_id,
            children,
            *reach.sql_args(),
        )
        return [r["c"] for r in rows]
