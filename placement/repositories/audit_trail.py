"""Writing the audit trail: one audit_event row per access to a child's data, in the caller's
transaction (placement/audit.py decides what is written; audit_log.py reads it back)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from placement.database.pool import Connection


async def insert_accesses(
    conn: Connection,
    *,
    municipality_id: uuid.UUID,
    actor: str,
    actor_role: str | None,
    actor_unit: str | None,
    request_id: str | None,
    action: str,
    object_types: Sequence[str],
    object_ids: Sequence[uuid.UUID],
    child_ids: Sequence[uuid.UUID],
) -> None:
    """One row per access (the three sequences are parallel), set-based."""
    await conn.execute(
        """
        INSERT INTO audit_event
            (municipality_id, actor, actor_role, actor_unit, action, object_type, object_id, child_id,
             request_id)
        SELECT $1, $2, $3, $4, $5, t.object_type, t.object_id, t.child_id, $6
          FROM unnest($7::text[], $8::uuid[], $9::uuid[]) AS t(object_type, object_id, child_id)
        """,
        municipality_id,
        actor,
        actor_role,
        actor_unit,
        action,
        request_id,
        list(object_types),
        list(object_ids),
        list(child_ids),
    )
