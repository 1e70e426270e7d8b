"""API tokens: created and revoked by an operator (CLI), looked up at sign-in."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass

import asyncpg

from placement.core.vocabulary import StaffRole
from placement.database.pool import Connection
from placement.errors import NotFound

_TOKEN = re.compile(r"^pk_(?P<kommunkod>\d{4})_(?P<id>[0-9a-f]{32})_(?P<secret>[A-Za-z0-9_-]{43})$")


@dataclass(frozen=True, slots=True)
class ParsedToken:
    kommunkod: str
    token_id: uuid.UUID
    secret: str


@dataclass(frozen=True, slots=True)
class ApiToken:
    id: uuid.UUID
    name: str
    roles: frozenset[StaffRole]
    expires_at: dt.datetime
    revoked_at: dt.datetime | None


def parse_token(raw: str) -> ParsedToken | None:
    """The parts of a well-formed token, or None (not one of ours)."""
    match = _TOKEN.match(raw)
    if match is None:
        return None
    return ParsedToken(match["kommunkod"], uuid.UUID(match["id"]), match["secret"])


def secret_digest(secret: str) -> bytes:
    """What is stored of a token's secret."""
    return hashlib.sha256(secret.encode()).digest()


class ApiTokenRepository:
    def __init__(self, conn: Connection, *, municipality_id: uuid.UUID) -> None:
        self.conn = conn
        self.municipality_id = municipality_id

    async def create(
        self, *, kommunkod: str, name: str, roles: frozenset[StaffRole], valid_for: dt.timedelta
    ) -> tuple[ApiToken, str]:
        """A new token; the plain token is returned once and never stored."""
        secret = secrets.token_urlsafe(32)
        row = await self.conn.fetchrow(
            """
            INSERT INTO api_token (municipality_id, name, secret_sha256, roles, expires_at)
            VALUES ($1, $2, $3, $4, now() + $5::interval)
            RETURNING id, name, roles, expires_at, revoked_at
            """,
            self.municipality_id,
            name,
            secret_digest(secret),
            sorted(r.value for r in roles),
            valid_for,
        )
        if row is None:
            raise RuntimeError("INSERT ... RETURNING returned no row")
        token = _token(row)
        return token, f"pk_{kommunkod}_{token.id.hex}_{secret}"

    async def verify(self, *, parsed: ParsedToken) -> ApiToken | None:
        """The token if the secret matches and it is neither expired nor revoked."""
        row = await self.conn.fetchrow(
            """
            SELECT id, name, roles, expires_at, revoked_at, secret_sha256 FROM api_token
             WHERE municipality_id = $1 AND id = $2 AND revoked_at IS NULL AND expires_at > now()
            """,
            self.municipality_id,
            parsed.token_id,
        )
        if row is None or not hmac.compare_digest(bytes(row["secret_sha256"]), secret_digest(parsed.secret)):
            return None
        return _token(row)

    async def revoke(self, *, token_id: uuid.UUID) -> None:
        status = await self.conn.execute(
            """UPDATE api_token SET revoked_at = now()
                WHERE municipality_id = $1 AND id = $2 AND revoked_at IS NULL""",
            self.municipality_id,
            token_id,
        )
        if status == "UPDATE 0":
            raise NotFound("Det finns ingen giltig token med det id:t i kommunen")

    async def all(self) -> list[ApiToken]:
        rows = await self.conn.fetch(
            """SELECT id, name, roles, expires_at, revoked_at FROM api_token
                WHERE municipality_id = $1 ORDER BY created_at""",
            self.municipality_id,
        )
        return [_token(r) for r in rows]


def _token(row: asyncpg.Record) -> ApiToken:
    return ApiToken(
        id=row["id"],
        name=row["name"],
        roles=frozenset(StaffRole(v) for v in row["roles"]),
        expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
    )
