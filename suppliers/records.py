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
import re
from typing import Annotated, Any, Self

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
        """The hash of the record's content. Fields added to the register's format later count only
        when they say something, so a record that does not use them hashes as it always did and an
        upgrade does not make every stored record look changed."""
        content = _without_empty_later_fields(self.model_dump(mode="json"))
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).digest()


# Fields added after records were first stored: the permit's holder, decision and revocation days
# and conditions (issue #15), and a legal person's orgnr among a provider's officers.
LATER_FIELDS = frozenset({"holder_orgnr", "decided_on", "revoked_on", "conditions", "orgnr"})


def _without_empty_later_fields(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _without_empty_later_fields(v)
            for k, v in value.items()
            if not (k in LATER_FIELDS and v in (None, []))
        }
    if isinstance(value, list):
        return [_without_empty_later_fields(v) for v in value]
    return value


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
    holder_orgnr: Orgnr | None = Field(
        default=None,
        description="The permit's holder (SoF 2025:468 15 kap. 6 § 1); a permit cannot be transferred (7 §).",
    )
    decided_on: dt.date | None = Field(default=None, description="The day IVO decided the permit.")
    revoked_on: dt.date | None = Field(default=None, description="The day IVO revoked it, if it did.")
    conditions: tuple[Text, ...] = Field(default=(), description="The permit's conditions (villkor).")

    @model_validator(mode="after")
    def _ranges(self) -> Self:
        if self.age_max < self.age_min:
            raise PydanticCustomError("age_range", "Åldersintervallet är omvänt (age_max < age_min)")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise PydanticCustomError("date_order", "Tillståndet upphör före sitt startdatum")
        if self.revoked_on is not None and self.decided_on is not None and self.revoked_on < self.decided_on:
            raise PydanticCustomError("date_order", "Tillståndet återkallas före beslutet om det")
        if self.revoked_on is not None and self.status is not PermitStatus.REVOKED:
            raise PydanticCustomError(
                "revoked_status", "Ett tillstånd med återkallelsedatum ska ha status revoked"
            )
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


# Company forms in a name: an officer named so is a legal person, whatever the register says.
_LEGAL_FORM = re.compile(
    r"\b(ab|aktiebolag|hb|handelsbolag|kb|kommanditbolag|holding|ekonomisk förening|stiftelse|"
    r"stiftelsen|ideell förening|förening)\b",
    re.IGNORECASE,
)


class Officer(BaseModel):
    """An owner, board member, signatory or manager of a provider: a person, or a legal person (a
    holding company that owns the provider or sits on its board), named by its ``orgnr``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: OfficerRole
    name: Text
    birth_date: dt.date | None = None
    personnummer: Personnummer | None = None
    orgnr: Orgnr | None = Field(default=None, description="Set when the officer is a legal person.")

    @model_validator(mode="after")
    def _person_or_company(self) -> Self:
        if self.orgnr is not None and (self.personnummer is not None or self.birth_date is not None):
            raise PydanticCustomError(
                "officer_kind", "En juridisk person (orgnr) har varken personnummer eller födelsedatum"
            )
        return self

    @property
    def is_legal_person(self) -> bool:
        """A company, not a person: it has an organisationsnummer, or its name has a company form."""
        return self.orgnr is not None or bool(_LEGAL_FORM.search(self.name))


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
