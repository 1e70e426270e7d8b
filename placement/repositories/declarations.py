"""Staff's declarations of interest (jäv and bisysslor): every declaration is kept, the latest is
current. Not children's data; a relative's personnummer is kept for screening and never returned."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal, Self

from pydantic import BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError

from placement.core.identifiers import Personnummer
from placement.database.pool import Connection
from placement.errors import NotFound
from placement.models import Input, LongText, Text
from suppliers.records import Orgnr

InterestKind = Literal["ownership", "board_seat", "employment", "assignment", "relative_engagement"]


class InterestIn(Input):
    kind: InterestKind = Field(
        description="ownership, board_seat, employment, assignment (bisyssla), "
        "relative_engagement (a närstående's engagement)"
    )
    orgnr: Orgnr | None = Field(
        default=None, description="Required (or organisation_name) except for a relative's engagement."
    )
    organisation_name: Text | None = None
    person_name: Text | None = Field(
        default=None,
        description="For a relative: their name (required); the organisation may be left out when the "
        "relative is engaged as a person, e.g. as a foster parent.",
    )
    person_birth_date: dt.date | None = None
    person_personnummer: Personnummer | None = None
    relation: Text | None = Field(default=None, description="For a relative: how they are related.")
    description: LongText | None = None

    @model_validator(mode="after")
    def _complete(self) -> Self:
        # A relative's engagement may be with a person rather than an organisation (a sister who is
        # a foster parent): the relative's name is then what is screened, against foster parents.
        if self.kind == "relative_engagement":
            if self.person_name is None:
                raise PydanticCustomError("relative_missing", "Ange den närståendes namn")
        elif self.orgnr is None and self.organisation_name is None:
            raise PydanticCustomError(
                "organisation_missing", "Ange organisationsnummer eller organisationens namn"
            )
        return self


class DeclarationIn(Input):
    declared_on: dt.date
    nothing_to_declare: bool = False
    interests: list[InterestIn] = Field(default_factory=list)

    @model_validator(mode="after")
    def _something_or_nothing(self) -> Self:
        if self.nothing_to_declare == bool(self.interests):
            raise PydanticCustomError(
                "declaration_content", "Ange antingen intressen eller att det inte finns något att deklarera"
            )
        return self


class Interest(BaseModel):
    kind: str
    orgnr: str | None
    organisation_name: str | None
    person_name: str | None
    person_birth_date: dt.date | None
    relation: str | None
    description: str | None


class Declaration(BaseModel):
    id: uuid.UUID
    staff_id: uuid.UUID
    declared_on: dt.date
    nothing_to_declare: bool
    interests: list[Interest]


class Declarations(BaseModel):
    current: Declaration | None = Field(description="The latest declaration.")
    history: list[Declaration] = Field(description="Every declaration, newest first.")


_DECLARATIONS = """
    SELECT d.id, d.staff_id, d.declared_on, d.nothing_to_declare,
           coalesce(jsonb_agg(jsonb_build_object(
               'kind', i.kind, 'orgnr', i.orgnr, 'organisation_name', i.organisation_name,
               'person_name', i.person_name, 'person_birth_date', i.person_birth_date,
               'relation', i.relation, 'description', i.description) ORDER BY i.kind)
               FILTER (WHERE i.id IS NOT NULL), '[]') AS interests
      FROM declaration d
      LEFT JOIN declared_interest i ON i.municipality_id = d.municipality_id AND i.declaration_id = d.id
     WHERE d.municipality_id = $1 AND d.staff_id = $2 AND ($3::uuid IS NULL OR d.id = $3)
     GROUP BY d.municipality_id, d.id ORDER BY d.declared_on DESC, d.created_at DESC
"""


class DeclarationRepository:
    def __init__(self, conn: Connection, *, municipality_id: uuid.UUID) -> None:
        self.conn = conn
        self.municipality_id = municipality_id

    async def _staff_exists(self, staff_id: uuid.UUID) -> None:
        if not await self.conn.fetchval(
            "SELECT true FROM staff WHERE municipality_id = $1 AND id = $2", self.municipality_id, staff_id
        ):
            raise NotFound("Medarbetaren finns inte")

    async def add(self, *, staff_id: uuid.UUID, declaration: DeclarationIn) -> Declaration:
        """A new declaration; it never replaces an old one."""
        await self._staff_exists(staff_id)
        declaration_id = await self.conn.fetchval(
            """INSERT INTO declaration (municipality_id, staff_id, declared_on, nothing_to_declare)
               VALUES ($1, $2, $3, $4) RETURNING id""",
            self.municipality_id,
            staff_id,
            declaration.declared_on,
            declaration.nothing_to_declare,
        )
        await self.conn.executemany(
            """INSERT INTO declared_interest
                   (municipality_id, declaration_id, kind, orgnr, organisation_name, person_name,
                    person_birth_date, person_personnummer, relation, description)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""",
            [
                (
                    self.municipality_id,
                    declaration_id,
                    i.kind,
                    i.orgnr,
                    i.organisation_name,
                    i.person_name,
                    i.person_birth_date,
                    i.person_personnummer,
                    i.relation,
                    i.description,
                )
                for i in declaration.interests
            ],
        )
        [row] = await self.conn.fetch(_DECLARATIONS, self.municipality_id, staff_id, declaration_id)
        return Declaration.model_validate(dict(row))

    async def of(self, *, staff_id: uuid.UUID) -> Declarations:
        await self._staff_exists(staff_id)
        rows = await self.conn.fetch(_DECLARATIONS, self.municipality_id, staff_id, None)
        history = [Declaration.model_validate(dict(r)) for r in rows]
        return Declarations(current=history[0] if history else None, history=history)
