"""The audit trail of access to children's data: who read or wrote what, when, and why (request).

Rows are written in the same transaction as the access, so an access that happened is always
logged and a rolled-back one leaves nothing. Lists write one row per child they show.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from placement.database.pool import Connection
from placement.reach import EVERY_CHILD, Reach


class AuditAction(StrEnum):
    READ = "read"
    CREATE = "create"
    UPDATE = "update"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting, for which municipality, in which request, and which children they reach.

    System actors (the demo loader, the CLI) reach every child; a signed-in person's reach comes
    from their roles (placement/principal.py).
    """

    municipality_id: uuid.UUID
    name: str
    role: str | None = None
    request_id: str | None = None
    unit: str | None = None
    reads: Reach = EVERY_CHILD
    writes: Reach = EVERY_CHILD


@dataclass(frozen=True, slots=True)
class Access:
    """One object touched: its type and id, and the child whose data it is."""

    object_type: str
    object_id: uuid.UUID
    child_id: uuid.UUID


async def record(conn: Connection, actor: Actor, action: AuditAction, accesses: Sequence[Access]) -> None:
    """Write one audit row per access, set-based."""
    if not accesses:
        return
    await conn.execute(
        """
        INSERT INTO audit_event
            (municipality_id, actor, actor_role, actor_unit, action, object_type, object_id, child_id,
             request_id)
        SELECT $1, $2, $3, $9, $4, t.object_type, t.object_id, t.child_id, $5
          FROM unnest($6::text[], $7::uuid[], $8::uuid[]) AS t(object_type, object_id, child_id)
        """,
        actor.municipality_id,
        actor.name,
        actor.role,
        action.value,
        actor.request_id,
        [a.object_type for a in accesses],
        [a.object_id for a in accesses],
        [a.child_id for a in accesses],
        actor.unit,
    )
