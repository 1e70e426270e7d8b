"""What sign-in reads and records: which staff member a signed-in person is."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import asyncpg

from placement.core.vocabulary import StaffRole
from placement.database.pool import Connection


@dataclass(frozen=True, slots=True)
class SignedInStaff:
    id: uuid.UUID
    org_unit: str | None
    roles: frozenset[StaffRole]


def _staff(row: asyncpg.Record | None) -> SignedInStaff | None:
    if row is None:
        return None
    return SignedInStaff(
        id=row["id"], org_unit=row["org_unit"], roles=frozenset(StaffRole(r) for r in row["roles"])
    )


class SignInRepository:
    """Staff lookups of sign-in, in a transaction scoped to the municipality."""

    def __init__(self, conn: Connection, *, municipality_id: uuid.UUID) -> None:
        self.conn = conn
        self.municipality_id = municipality_id

    async def by_subject(self, *, issuer: str, subject: str) -> SignedInStaff | None:
        """The active staff member linked to this identity (issuer and subject)."""
        return _staff(
            await self.conn.fetchrow(
                """SELECT id, org_unit, roles FROM staff
                    WHERE municipality_id = $1 AND idp_issuer = $2 AND idp_subject = $3 AND active""",
                self.municipality_id,
                issuer,
                subject,
            )
        )

    async def link_by_verified_email(self, *, issuer: str, subject: str, email: str) -> SignedInStaff | None:
        """At a person's first sign-in: link the active staff member with this (verified) e-mail,
        not yet linked to any identity, to the person's subject; later sign-ins use the subject."""
        return _staff(
            await self.conn.fetchrow(
                """UPDATE staff SET idp_issuer = $2, idp_subject = $3
                    WHERE municipality_id = $1 AND lower(email) = lower($4) AND active
                      AND idp_subject IS NULL
                RETURNING id, org_unit, roles""",
                self.municipality_id,
                issuer,
                subject,
                email,
            )
        )

    async def by_email(self, *, email: str) -> SignedInStaff | None:
        """Demo sign-in only: the demo staff member with this e-mail."""
        return _staff(
            await self.conn.fetchrow(
                """SELECT id, org_unit, roles FROM staff
                    WHERE municipality_id = $1 AND lower(email) = lower($2)""",
                self.municipality_id,
                email,
            )
        )


async def demo_municipality(conn: Connection) -> uuid.UUID | None:
    found: uuid.UUID | None = await conn.fetchval("SELECT id FROM municipality WHERE is_demo")
    return found
