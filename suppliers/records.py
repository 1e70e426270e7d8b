"""What the registers say, as validated records (pure).

A unit carries its IVO permit (a unit holds at most one; municipal units hold none and are
registered instead). A provider carries its officers. Interventions are facts that only ever get
added. Each record has a ``key`` (its identity across snapshots) and a canonical content hash, so
two snapshots can be compared without caring about field order or formatting.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Annotated, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import orgnr

from placement.core.identifiers import Kommunkod, Personnummer
from placement.core.supplier_vocabulary import (
    CompanyStatus,
    InterventionKind,
    Need,
    OfficerRole,
    OperationKind,
    Ownership,
    PermitStatus,
    TargetSex,
)


def _orgnr(value: object) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("orgnr", "Ogiltigt organisationsnummer: ska anges som text")
    try:
        return str(orgnr.validate(value))
    except StdnumError:
        raise PydanticCustomError(
            "orgnr", "Ogiltigt organisationsnummer: {value}", {"value": value}
        ) from None


Orgnr = Annotated[str, BeforeValidator(_orgnr), Field(description="Organisationsnummer, ten digits.")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9._/-]{1,60}$")]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @property
    def key(self) -> str:
        raise NotImplementedError

    def content_sha256(self) -> bytes:
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).digest()


class Permit(BaseModel):
    """An IVO permit: what it allows, for whom, how many, under which manager, when."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ivo_reference: Code
    operation_kind: OperationKind
    age_min: int = Field(ge=0, le=120)
    age_max: int = Field(ge=0, le=120)
    sex: TargetSex = TargetSex.ANY
    needs: tuple[Need, ...] = ()
    places: int = Field(ge=0, le=10_000)
    manager_name: Text | None = None
    valid_from: dt.date
    valid_to: dt.date | None = None
    status: PermitStatus = PermitStatus.VALID

    @model_validator(mode="after")
    def _ranges(self) -> Self:
        if self.age_max < self.age_min:
            raise PydanticCustomError("age_range", "Åldersintervallet är omvänt (age_max < age_min)")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise PydanticCustomError("date_order", "Tillståndet upphör före sitt startdatum")
        return self


class Unit(Record):
    unit_code: Code = Field(description="The register's identity of the unit.")
    name: Text
    address: Text | None = None
    kommunkod: Kommunkod
    operation_kind: OperationKind
    ownership: Ownership
    provider_orgnr: Orgnr | None = None
    permit: Permit | None = None
    reported_occupancy: int | None = Field(default=None, ge=0)
    occupancy_reported_on: dt.date | None = None

    @property
    def key(self) -> str:
        return self.unit_code

    @model_validator(mode="after")
    def _permit_for_private(self) -> Self:
        if self.ownership is Ownership.PRIVATE and self.provider_orgnr is None:
            raise PydanticCustomError(
                "provider_missing", "En enskild verksamhet ska ha en huvudman (provider_orgnr)"
            )
        return self


class Officer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    role: OfficerRole
    name: Text
    birth_date: dt.date | None = None
    personnummer: Personnummer | None = None


class Provider(Record):
    orgnr: Orgnr
    name: Text
    legal_form: Text | None = None
    status: CompanyStatus = CompanyStatus.ACTIVE
    f_skatt: bool = True
    officers: tuple[Officer, ...] = ()

    @property
    def key(self) -> str:
        return self.orgnr


class Intervention(Record):
    case_number: Code = Field(description="IVO's case number (diarienummer) of the decision.")
    kind: InterventionKind
    decided_on: dt.date
    unit_code: Code | None = None
    provider_orgnr: Orgnr | None = None
    summary: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""

    @property
    def key(self) -> str:
        return self.case_number

    @model_validator(mode="after")
    def _target(self) -> Self:
        if self.unit_code is None and self.provider_orgnr is None:
            raise PydanticCustomError("target_missing", "Ingripandet ska gälla en enhet eller en huvudman")
        return self
