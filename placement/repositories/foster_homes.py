"""The municipality's own foster homes (familjehem and jourhem): investigation, approval, register
checks, company link and foster parents. A foster parent's details are kept for checks and
screening and never returned."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from placement.core.identifiers import Personnummer
from placement.database.pool import Connection
from placement.errors import NotFound
from placement.models import Input, Text


class FosterParentIn(Input):
    name: Text
    birth_date: dt.date | None = None
    personnummer: Personnummer | None = None
    belastningsregister_on: dt.date | None = Field(
        default=None, description="Extract from belastningsregistret for this person (SoF 3 kap. 3 §)."
    )
    misstankeregister_on: dt.date | None = Field(
        default=None, description="Extract from misstankeregistret for this person (SoF 3 kap. 3 §)."
    )


class FosterHomeIn(Input):
    name: Text
    kind: Literal["familjehem", "jourhem"]
    kommunkod: Annotated[str, StringConstraints(pattern=r"^\d{4}$")] | None = Field(
        default=None, description="The municipality the home lies in."
    )
    investigated_on: dt.date | None = None
    approved_on: dt.date | None = None
    approved_by: Text | None = None
    belastningsregister_on: dt.date | None = None
    misstankeregister_on: dt.date | None = None
    socialregister_on: dt.date | None = None
    company_orgnr: Annotated[str, StringConstraints(pattern=r"^\d{10}$")] | None = None
    parents: list[FosterParentIn] = Field(default_factory=list, description="The foster parents.")


class FosterHome(BaseModel):
    id: uuid.UUID
    name: str
    kind: str
    kommunkod: str | None = None
    investigated_on: dt.date | None
    approved_on: dt.date | None
    approved_by: str | None
    belastningsregister_on: dt.date | None
    misstankeregister_on: dt.date | None
    socialregister_on: dt.date | None
    company_orgnr: str | None
    parents: int = Field(description="How many foster parents are recorded (their details are not returned).")


class FosterHomeRepository:
    def __init__(self, conn: Connection, *, municipality_id: uuid.UUID) -> None:
        self.conn = conn
        self.municipality_id = municipality_id

    async def create(self, *, home: FosterHomeIn) -> FosterHome:
        fields = home.model_dump(exclude={"parents"})
        home_id = await self.conn.fetchval(
            f"""INSERT INTO foster_home (municipality_id, {", ".join(fields)})
                VALUES ($1, {", ".join(f"${n}" for n in range(2, len(fields) + 2))}) RETURNING id""",
            self.municipality_id,
            *fields.values(),
        )
        await self.conn.executemany(
            """INSERT INTO foster_parent (municipality_id, foster_home_id, name, birth_date, personnummer,
                                         belastningsregister_on, misstankeregister_on)
               VALUES ($1, $2, $3, $4, $5, $6, $7)""",
            [
                (
                    self.municipality_id,
                    home_id,
                    p.name,
                    p.birth_date,
                    p.personnummer,
                    p.belastningsregister_on,
                    p.misstankeregister_on,
                )
                for p in home.parents
            ],
        )
        return await self.get(foster_home_id=home_id)

    async def get(self, *, foster_home_id: uuid.UUID) -> FosterHome:
        row = await self.conn.fetchrow(
            """SELECT h.*, (SELECT count(*) FROM foster_parent p
                             WHERE p.municipality_id = h.municipality_id AND p.foster_home_id = h.id)
                           AS parents
                 FROM foster_home h WHERE h.municipality_id = $1 AND h.id = $2""",
            self.municipality_id,
            foster_home_id,
        )
        if row is None:
            raise NotFound("Familjehemmet finns inte")
        return FosterHome.model_validate({k: row[k] for k in FosterHome.model_fields})
