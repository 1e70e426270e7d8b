"""Server-side sessions of the web application, kept in PostgreSQL.

The cookie holds ``<municipality id>.<secret>``; the table keeps only the secret's SHA-256, so the
municipality is known before the lookup and the session row is read under row-level security like
any other municipality data. A session ends after ``session_idle_minutes`` without a request,
or when the person signs out; signing in always makes a new session (a new id), never reuses one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass

from placement.core.vocabulary import StaffRole
from placement.database.pool import Connection, Database
from placement.principal import Principal, SignInMethod

SESSION_COOKIE = "pk_session"


def _sha256(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


@dataclass(frozen=True, slots=True)
class WebSession:
    """A signed-in person in the browser."""

    municipality_id: uuid.UUID
    municipality_name: str
    method: SignInMethod
    subject: str
    display_name: str
    roles: frozenset[StaffRole]
    staff_id: uuid.UUID | None
    org_unit: str | None
    csrf_token: str
    id_token: str | None
    cookie: str

    def principal(self, request_id: str | None) -> Principal:
        return Principal(
            municipality_id=self.municipality_id,
            subject=self.subject,
            roles=self.roles,
            method=self.method,
            request_id=request_id,
            staff_id=self.staff_id,
            org_unit=self.org_unit,
        )


async def new_session(
    conn: Connection, principal: Principal, *, display_name: str, id_token: str | None = None
) -> str:
    """Insert a new session for ``principal`` in the open transaction on ``conn`` (scoped to its
    municipality); the cookie value that names it."""
    secret = secrets.token_urlsafe(32)
    await conn.execute(
        """INSERT INTO web_session (municipality_id, secret_sha256, method, subject, display_name, roles,
                                    staff_id, org_unit, csrf_token, id_token)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""",
        principal.municipality_id,
        _sha256(secret),
        principal.method.value,
        principal.subject,
        display_name,
        sorted(r.value for r in principal.roles),
        principal.staff_id,
        principal.org_unit,
        secrets.token_urlsafe(32),
        id_token,
    )
    return f"{principal.municipality_id}.{secret}"


class SessionStore:
    def __init__(self, database: Database, *, idle: dt.timedelta) -> None:
        self.database = database
        self.idle = idle

    async def start(
        self, conn: Connection, principal: Principal, *, display_name: str, id_token: str | None = None
    ) -> str:
        """A new session for ``principal``, inside the caller's transaction (scoped to the
        principal's municipality); returns the cookie value. The municipality's sessions idle too
        long are deleted on the way."""
        await conn.execute(
            "DELETE FROM web_session WHERE municipality_id = $1 AND last_seen_at <= now() - $2::interval",
            principal.municipality_id,
            self.idle,
        )
        return await new_session(conn, principal, display_name=display_name, id_token=id_token)

    async def find(self, cookie: str) -> WebSession | None:
        """The live session the cookie names, its idle clock restarted; None if there is none
        (unknown, signed out, or idle too long: then it is deleted)."""
        municipality, _, secret = cookie.partition(".")
        try:
            municipality_id = uuid.UUID(municipality)
        except ValueError:
            return None
        if not secret:
            return None
        async with self.database.transaction(municipality_id) as conn:
            row = await conn.fetchrow(
                """UPDATE web_session s SET last_seen_at = now()
                     FROM municipality m
                    WHERE s.municipality_id = $1 AND s.secret_sha256 = $2
                      AND m.id = s.municipality_id AND s.last_seen_at > now() - $3::interval
                RETURNING s.method, s.subject, s.display_name, s.roles, s.staff_id, s.org_unit,
                          s.csrf_token, s.id_token, m.name AS municipality_name""",
                municipality_id,
                _sha256(secret),
                self.idle,
            )
            if row is None:
                await conn.execute(
                    "DELETE FROM web_session WHERE municipality_id = $1 AND secret_sha256 = $2",
                    municipality_id,
                    _sha256(secret),
                )
                return None
        return WebSession(
            municipality_id=municipality_id,
            municipality_name=row["municipality_name"],
            method=SignInMethod(row["method"]),
            subject=row["subject"],
            display_name=row["display_name"],
            roles=frozenset(StaffRole(r) for r in row["roles"]),
            staff_id=row["staff_id"],
            org_unit=row["org_unit"],
            csrf_token=row["csrf_token"],
            id_token=row["id_token"],
            cookie=cookie,
        )

    async def end(self, session: WebSession) -> None:
        _, _, secret = session.cookie.partition(".")
        async with self.database.transaction(session.municipality_id) as conn:
            await conn.execute(
                "DELETE FROM web_session WHERE municipality_id = $1 AND secret_sha256 = $2",
                session.municipality_id,
                _sha256(secret),
            )
