"""Repositories: the only code that holds SQL for the placement core. Methods take keyword-only
arguments and return pydantic models; each call runs inside the caller's transaction."""

from typing import Any

import asyncpg


def one(row: asyncpg.Record | None) -> dict[str, Any]:
    """The row a statement that always returns one (INSERT ... RETURNING) returned."""
    if row is None:
        raise RuntimeError("statement returned no row")
    return dict(row)
