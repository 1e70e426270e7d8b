"""Remembered responses to requests that carried an Idempotency-Key (24 hours)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from placement.database.pool import Connection

RETENTION = "24 hours"


@dataclass(frozen=True, slots=True)
class Remembered:
    request_sha256: bytes
    status: int | None
    body: Any


class IdempotencyRepository:
    def __init__(self, conn: Connection, *, municipality_id: uuid.UUID, subject: str) -> None:
        self.conn = conn
        self.municipality_id = municipality_id
        self.subject = subject

    async def claim(self, *, key: str, request_sha256: bytes) -> Remembered | None:
        """Claim the key for this transaction, or return what an earlier request stored under it.

        A concurrent request with the same key waits here until the first one's transaction ends.
        """
        await self.conn.execute(
            f"""DELETE FROM idempotency_key
                 WHERE municipality_id = $1 AND subject = $2 AND key = $3
                   AND created_at < now() - interval '{RETENTION}'""",
            self.municipality_id,
            self.subject,
            key,
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
            """SELECT request_sha256, response_status, response_body FROM idempotency_key
                WHERE municipality_id = $1 AND subject = $2 AND key = $3""",
            self.municipality_id,
            self.subject,
            key,
        )
        if row is None:  # the earlier holder rolled back between our two statements; try again
            return await self.claim(key=key, request_sha256=request_sha256)
        return Remembered(bytes(row["request_sha256"]), row["response_status"], row["response_body"])

    async def remember(self, *, key: str, status: int, body: Any) -> None:
        await self.conn.execute(
            """UPDATE idempotency_key SET response_status = $4, response_body = $5
                WHERE municipality_id = $1 AND subject = $2 AND key = $3""",
            self.municipality_id,
            self.subject,
            key,
            status,
            body,
        )
