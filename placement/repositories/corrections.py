"""The SQL of corrections: a record locked for its correction and its changed columns written.
Table and column names come from the code (a closed set of tables, a model's field names), never
from a request."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, Literal

import asyncpg

from placement.database.pool import Connection

Corrected = Literal["staff", "foster_home", "contract"]


async def history(
    conn: Connection, tenant: uuid.UUID, *, object_type: str | None, object_id: str | None, limit: int
) -> list[asyncpg.Record]:
    """The municipality's corrections, newest first, of one kind of record or one record."""
    return list(
        await conn.fetch(
            """SELECT id, object_type, object_id, child_id, before, after, changed_by, changed_by_role,
                      changed_at
                 FROM correction
                WHERE municipality_id = $1 AND ($2::text IS NULL OR object_type = $2)
                  AND ($3::text IS NULL OR object_id = $3)
                ORDER BY changed_at DESC, id
                LIMIT $4""",
            tenant,
            object_type,
            object_id,
            limit,
        )
    )


async def lock(
    conn: Connection, table: Corrected, tenant: uuid.UUID, row_id: uuid.UUID
) -> asyncpg.Record | None:
    """The stored row, locked until the transaction ends: a second correction waits, then compares
    its If-Match with what the first left."""
    return await conn.fetchrow(
        f"SELECT * FROM {table} WHERE municipality_id = $1 AND id = $2 FOR UPDATE",  # noqa: S608 - table name from the closed Corrected set
        tenant,
        row_id,
    )


async def update(
    conn: Connection,
    table: Corrected,
    tenant: uuid.UUID,
    row_id: uuid.UUID,
    changed: Mapping[str, tuple[Any, Any]],
) -> None:
    """Write the changed columns (``changed``: column -> (before, after))."""
    if not changed:
        return
    assignments = ", ".join(f"{column} = ${n}" for n, column in enumerate(changed, start=3))
    await conn.execute(
        f"UPDATE {table} SET {assignments} WHERE municipality_id = $1 AND id = $2",  # noqa: S608 - SET list of column names from the model, values bound
        tenant,
        row_id,
        *(after for _, after in changed.values()),
    )


async def insert(
    conn: Connection,
    *,
    municipality_id: uuid.UUID,
    object_type: str,
    object_id: str,
    child_id: uuid.UUID | None,
    before: dict[str, Any],
    after: dict[str, Any],
    changed_by: str,
    changed_by_role: str | None,
    request_id: str | None,
) -> None:
    """A correction in the history: the changed fields before and after, and who changed them."""
    await conn.execute(
        """INSERT INTO correction (municipality_id, object_type, object_id, child_id, before, after,
                                   changed_by, changed_by_role, request_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""",
        municipality_id,
        object_type,
        object_id,
        child_id,
        before,
        after,
        changed_by,
        changed_by_role,
        request_id,
    )
