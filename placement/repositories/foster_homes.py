"""The municipality's own foster homes (familjehem and jourhem): investigation, approval, register
checks, company link and foster parents. A foster parent's details are kept for checks and
screening and never returned."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from placement import corrections
from placement.audit import Actor
from placement.core.identifiers import Personnummer
from placement.database.pool import Connection
from placement.errors import NotFound
from placement.models import DoneDate, Input, Text
from placement.repositories import corrections as correcting


class FosterParentIn(Input):
    name: Text
    birth_date: dt.date | None = None
    personnummer: Personnummer | None = None
    belastningsregister_on: DoneDate | None = Field(
        default=None, description="Extract from belastningsregistret for this person (SoF 3 kap. 3 §)."
    )
    misstankeregister_on: DoneDate | None = Field(
        default=None, description="Extract from misstankeregistret for this person (SoF 3 kap. 3 §)."
    )


class RegisterChecksIn(Input):
    """One person's register extracts (SoF 3 kap. 3 §), corrected."""

    belastningsregister_on: DoneDate | None = None
    misstankeregister_on: DoneDate | None = None


class PersonRegisterChecks(BaseModel):
    """A person in the home, by id only (their details are not returned), and their extracts."""

    parent_id: uuid.UUID
    belastningsregister_on: dt.date | None
    misstankeregister_on: dt.date | None


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
    register_checks: list[PersonRegisterChecks] = Field(
        default_factory=list, description="Each person's register extracts, by id."
    )


class FosterHomeRepository:
    def __init__(self, conn: Connection, *, municipality_id: uuid.UUID) -> None:
        self.conn = conn
        self.municipality_id = municipality_id

    async def create(self, *, home: FosterHomeIn) -> FosterHome:
        fields = home.model_dump(exclude={"parents"})
        home_id = await self.conn.fetchval(
            f"""INSERT INTO foster_home (municipality_id, {", ".join(fields)})
                VALUES ($1, {", ".join(f"${n}" for n in range(2, len(fields) + 2))}) RETURNING id""",  # noqa: S608 - column names from the model, values bound
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
                           AS parents,
                      (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                  'parent_id', p.id, 'belastningsregister_on', p.belastningsregister_on,
                                  'misstankeregister_on', p.misstankeregister_on) ORDER BY p.id), '[]')
                         FROM foster_parent p
                        WHERE p.municipality_id = h.municipality_id AND p.foster_home_id = h.id)
                      AS register_checks
                 FROM foster_home h WHERE h.municipality_id = $1 AND h.id = $2""",
            self.municipality_id,
            foster_home_id,
        )
        if row is None:
            raise NotFound("Familjehemmet finns inte")
        return FosterHome.model_validate({k: row[k] for k in FosterHome.model_fields})

    async def correct(
        self, *, foster_home_id: uuid.UUID, patch: BaseModel, if_match: str | None, actor: Actor
    ) -> FosterHome:
        """The foster home's record corrected in place (its parents are not changed here). If-Match
        must name the current ETag; the changed fields before and after go in the history. A check
        run relying on the old record no longer carries a decision (its fingerprint differs)."""
        row = await correcting.lock(self.conn, "foster_home", self.municipality_id, foster_home_id)
        if row is None:
            raise NotFound("Familjehemmet finns inte")
        current = await self.get(foster_home_id=foster_home_id)
        corrections.require_current(if_match, current)
        stored = {k: row[k] for k in FosterHomeIn.model_fields if k != "parents"}
        corrected = corrections.merged(FosterHomeIn, stored, patch).model_dump(exclude={"parents"})
        changed = corrections.changes(stored, corrected)
        await correcting.update(self.conn, "foster_home", self.municipality_id, foster_home_id, changed)
        await corrections.record(
            self.conn,
            actor,
            object_type="foster_home",
            object_id=foster_home_id,
            child_id=None,
            changed=changed,
        )
        return await self.get(foster_home_id=foster_home_id)

    async def correct_register_checks(
        self,
        *,
        foster_home_id: uuid.UUID,
        parent_id: uuid.UUID,
        checks: RegisterChecksIn,
        if_match: str | None,
        actor: Actor,
    ) -> FosterHome:
        """One person's extract dates corrected (the fields sent); If-Match names the home's ETag,
        which covers every person's dates. The history keeps what they were."""
        home = await correcting.lock(self.conn, "foster_home", self.municipality_id, foster_home_id)
        if home is None:
            raise NotFound("Familjehemmet finns inte")
        current = await self.get(foster_home_id=foster_home_id)
        person = next((p for p in current.register_checks if p.parent_id == parent_id), None)
        if person is None:
            raise NotFound("Personen finns inte i familjehemmet")
        corrections.require_current(if_match, current)
        stored = person.model_dump(exclude={"parent_id"})
        changed = corrections.changes(stored, {**stored, **checks.model_dump(exclude_unset=True)})
        if changed:
            assignments = ", ".join(f"{column} = ${n}" for n, column in enumerate(changed, start=3))
            await self.conn.execute(
                f"UPDATE foster_parent SET {assignments} WHERE municipality_id = $1 AND id = $2",  # noqa: S608 - SET list of column names from the model, values bound
                self.municipality_id,
                parent_id,
                *(after for _, after in changed.values()),
            )
            await corrections.record(
                self.conn,
                actor,
                object_type="foster_parent",
                object_id=parent_id,
                child_id=None,
                changed=changed,
            )
        return await self.get(foster_home_id=foster_home_id)
