"""Operator tokens: credentials of whoever runs the service (not of a municipality), for the few
national operations offered over the API (importing the provider register)."""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass

import asyncpg

from placement.database.pool import Connection
from placement.errors import NotFound
from placement.repositories.api_tokens import secret_digest

REGISTER_IMPORT = "register_import"
_TOKEN = re.compile(r"^po_(?P<id>[0-9a-f]{32})_(?P<secret>[A-Za-z0-9_-]{43})$")


@dataclass(frozen=True, slots=True)
class OperatorToken:
    id: uuid.UUID
    name: str
    scopes: frozenset[str]
    expires_at: dt.datetime
    revoked_at: dt.datetime | None


def looks_like_operator_token(raw: str) -> bool:
    return raw.startswith("po_")


def _token(row: asyncpg.Record) -> OperatorToken:
    return OperatorToken(
        row["id"], row["name"], frozenset(row["scopes"]), row["expires_at"], row["revoked_at"]
    )


class OperatorTokenRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    async def create(self, *, name: str, valid_for: dt.timedelta) -> tuple[OperatorToken, str]:
        secret = secrets.token_urlsafe(32)
        row = await self.conn.fetchrow(
            """INSERT INTO operator_token (name, secret_sha256, scopes, expires_at)
               VALUES ($1, $2, $3, now() + $4::interval)
               RETURNING id, name, scopes, expires_at, revoked_at""",
            name,
            secret_digest(secret),
            [REGISTER_IMPORT],
            valid_for,
        )
        if row is None:
            raise RuntimeError("INSERT ... RETURNING returned no row")
        token = _token(row)
        return token, f"po_{token.id.hex}_{secret}"

    async def verify(self, *, raw: str) -> OperatorToken | None:
        match = _TOKEN.match(raw)
        if match is None:
            return None
        row = await self.conn.fetchrow(
            """SELECT id, name, scopes, expires_at, revoked_at, secret_sha256 FROM operator_token
                WHERE id = $1 AND revoked_at IS NULL AND expires_at > now()""",
            uuid.UUID(match["id"]),
        )
        if row is None or not hmac.compare_digest(
            bytes(row["secret_sha256"]), secret_digest(match["secret"])
        ):
            return None
        return _token(row)

    async def revoke(self, *, token_id: uuid.UUID) -> None:
        status = await self.conn.execute(
            "UPDATE operator_token SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL", token_id
        )
        if status == "UPDATE 0":
            raise NotFound("Det finns ingen giltig operatörstoken med det id:t")

    async def all(self) -> list[OperatorToken]:
        rows = await self.conn.fetch(
            "SELECT id, name, scopes, expires_at, revoked_at FROM operator_token ORDER BY created_at"
        )
        return [_token(r) for r in rows]
