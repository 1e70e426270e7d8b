"""Municipalities (tenants)."""

from __future__ import annotations

import asyncpg

from placement.database.pool import Connection
from placement.errors import Conflict
from placement.models import Municipality
from placement.repositories import one

_COLUMNS = "id, kommunkod, name, is_demo"


class MunicipalityRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    async def create(self, *, kommunkod: str, name: str, is_demo: bool = False) -> Municipality:
        try:
            row = await self.conn.fetchrow(
                f"""INSERT INTO municipality (kommunkod, name, is_demo) VALUES ($1, $2, $3)
                    RETURNING {_COLUMNS}""",  # noqa: S608 - a module constant column list
                kommunkod,
                name,
                is_demo,
            )
        except asyncpg.UniqueViolationError as error:
            raise Conflict(f"Kommunkoden {kommunkod} finns redan") from error
        return Municipality.model_validate(one(row))

    async def by_kommunkod(self, *, kommunkod: str) -> Municipality | None:
        row = await self.conn.fetchrow(f"SELECT {_COLUMNS} FROM municipality WHERE kommunkod = $1", kommunkod)  # noqa: S608 - a module constant column list
        return None if row is None else Municipality.model_validate(one(row))

    async def all(self) -> list[Municipality]:
        rows = await self.conn.fetch(f"SELECT {_COLUMNS} FROM municipality ORDER BY kommunkod")  # noqa: S608 - a module constant column list
        return [Municipality.model_validate(dict(r)) for r in rows]
