"""Request and response models of the placement core. The OpenAPI document is generated from these."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Generic, Self, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from placement.core.clock import latest_start, open_end, today_in_sweden, too_far_ahead
from placement.core.identifiers import Kommunkod, Personnummer, birth_date_of, sex_of
from placement.core.vocabulary import DecisionKind, EndReason, LegalBasis, PlacementForm, Sex, StaffRole

T = TypeVar("T")

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]

# The earliest date anything in a placement's history can have.
EARLIEST = dt.date(1900, 1, 1)


def _not_ancient(day: dt.date) -> None:
    if day < EARLIEST:
        raise PydanticCustomError("date_too_early", "Datumet ligger orimligt långt bak i tiden (före 1900)")


def _done(day: dt.date) -> dt.date:
    """Something that has happened: on or before today, Swedish time."""
    _not_ancient(day)
    if day > today_in_sweden():
        raise PydanticCustomError(
            "future_date", "Datumet ligger i framtiden; registrera det som har hänt, senast i dag"
        )
    return day


def _plannable(day: dt.date) -> dt.date:
    """A start that may be planned: at most a year ahead."""
    _not_ancient(day)
    if day > latest_start(today_in_sweden()):
        raise PydanticCustomError("start_too_far_ahead", "Datumet ligger mer än ett år fram i tiden")
    return day


def _end(day: dt.date | None) -> dt.date | None:
    """An end: None is until further notice, and so is 9999-12-31 (how case systems write it)."""
    day = open_end(day)
    if day is None:
        return None
    _not_ancient(day)
    if too_far_ahead(day, today_in_sweden()):
        raise PydanticCustomError(
            "end_too_far_ahead",
            "Slutdatumet ligger orimligt långt fram i tiden; lämna det tomt om det gäller tills vidare",
        )
    return day


DoneDate = Annotated[dt.date, AfterValidator(_done)]
PlannableDate = Annotated[dt.date, AfterValidator(_plannable)]
EndDate = Annotated[dt.date | None, AfterValidator(_end)]


class Input(BaseModel):
    """Base of request bodies: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Municipality(Output):
    id: uuid.UUID
    kommunkod: str
    name: str
    is_demo: bool


class MunicipalityIn(Input):
    kommunkod: Kommunkod
    name: Text


class StaffIn(Input):
    name: Text
    email: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[^@\s]+@[^@\s]+$")] | None = (
        None
    )
    org_unit: Text | None = Field(default=None, description="The team or unit within social services.")
    roles: list[StaffRole] = Field(default_factory=list)
    birth_date: dt.date | None = Field(default=None, description="For conflict-of-interest screening.")
    personnummer: Personnummer | None = Field(
        default=None, description="For conflict-of-interest screening; stored, never shown."
    )


class Staff(Output):
    id: uuid.UUID
    name: str
    email: str | None
    org_unit: str | None
    roles: list[StaffRole]
    active: bool
    birth_date: dt.date | None


class ChildIn(Input):
    """A child. With a personnummer, birth date and sex may be left out: they are read from it."""

    personnummer: Personnummer | None = None
    name: Text
    birth_date: dt.date | None = None
    sex: Sex | None = None

    @model_validator(mode="after")
    def _agree_with_personnummer(self) -> Self:
        if self.personnummer is None:
            if self.birth_date is None:
                raise PydanticCustomError("birth_date_missing", "Födelsedatum krävs när personnummer saknas")
            if self.sex is None:
                self.sex = Sex.UNSPECIFIED
            return self
        stated = birth_date_of(self.personnummer)
        if self.birth_date is not None and self.birth_date != stated:
            raise PydanticCustomError(
                "birth_date_mismatch",
                "Födelsedatumet {given} stämmer inte med personnumrets {stated}",
                {"given": self.birth_date.isoformat(), "stated": stated.isoformat()},
            )
        self.birth_date = stated
        if self.sex is None:
            self.sex = sex_of(self.personnummer)
        return self


class Child(Output):
    id: uuid.UUID
    personnummer: str | None
    name: str
    birth_date: dt.date
    sex: Sex
    created_at: dt.datetime


class PlacementIn(Input):
    child_id: uuid.UUID
    form: PlacementForm
    legal_basis: LegalBasis
    home_name: Text = Field(description="The unit's or foster home's name as the officer knows it.")
    home_kommunkod: Kommunkod | None = Field(
        default=None, description="Municipality where the home lies, when another than the placing one."
    )
    unit_code: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._/-]{1,60}$")] | None = Field(
        default=None, description="The unit's code in the IVO register, for HVB, stödboende, LSS and SiS."
    )
    foster_home_id: uuid.UUID | None = Field(default=None, description="For familjehem and jourhem.")
    start_date: PlannableDate = Field(description="At most a year ahead.")
    planned_end_date: EndDate = Field(
        default=None, description="Empty (or 9999-12-31): until further notice."
    )
    daily_cost: Decimal | None = Field(
        default=None, ge=0, max_digits=12, decimal_places=2, description="What a day costs, in kronor."
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.planned_end_date is not None and self.planned_end_date < self.start_date:
            raise PydanticCustomError("date_order", "Planerat slutdatum ligger före startdatum")
        return self


class PlacementEndIn(Input):
    """Ends a placement. The reason may follow later; until then the ending lacks a reason (FU14)."""

    end_date: DoneDate = Field(description="The day it ended: today at the latest.")
    end_reason: EndReason | None = None
    end_reason_note: LongText | None = None


class Placement(Output):
    id: uuid.UUID
    child_id: uuid.UUID
    form: PlacementForm
    legal_basis: LegalBasis
    home_name: str
    home_kommunkod: str | None
    unit_code: str | None
    foster_home_id: uuid.UUID | None
    daily_cost: Decimal | None
    start_date: dt.date
    planned_end_date: dt.date | None
    end_date: dt.date | None
    end_reason: EndReason | None
    end_reason_note: str | None
    created_at: dt.datetime


class DecisionIn(Input):
    kind: DecisionKind
    decided_on: DoneDate = Field(description="Today at the latest.")
    decided_by: uuid.UUID | None = Field(
        default=None,
        description="The official who took the decision (the delegat), who needs delegation for this kind; "
        "empty when the nämnd or its utskott decided.",
    )
    decided_by_namnd: bool = Field(
        default=False,
        description="The nämnd or its utskott took the decision: required for the kinds SoL (2025:400) "
        "30 kap. 6–7 §§ reserves for it (övervägande, omprövning, care in a familjehem or jourhem, LVU care, "
        "medgivande). Give namnd_meeting_on and namnd_paragraph; the signed-in person is recorded as "
        "the one who entered it.",
    )
    namnd_meeting_on: DoneDate | None = Field(default=None, description="The meeting that took the decision.")
    namnd_paragraph: Text | None = Field(
        default=None, description="The minutes' paragraph (§), e.g. '§ 112'."
    )
    valid_from: PlannableDate
    valid_to: EndDate = Field(default=None, description="Empty (or 9999-12-31): until further notice.")
    check_id: uuid.UUID | None = Field(
        default=None,
        description="The check run the decision relies on: required for a placement decision unless urgent.",
    )
    urgent: bool = False
    urgent_reason: LongText | None = None
    note: LongText | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise PydanticCustomError(
                "date_order", "Beslutet kan inte gälla till ett datum före sitt startdatum"
            )
        if self.urgent and self.urgent_reason is None:
            raise PydanticCustomError(
                "urgent_reason_missing", "Ett brådskande beslut kräver ett angivet skäl"
            )
        if self.decided_by_namnd:
            if self.decided_by is not None:
                raise PydanticCustomError(
                    "decided_by_both", "Ange antingen nämndens beslut eller en beslutsfattare, inte båda"
                )
            if self.namnd_meeting_on is None or self.namnd_paragraph is None:
                raise PydanticCustomError(
                    "namnd_minutes_missing", "Ange nämndens eller utskottets sammanträdesdag och paragraf"
                )
        else:
            if self.decided_by is None:
                raise PydanticCustomError(
                    "decided_by_missing", "Ange vem som fattade beslutet, eller att nämnden fattade det"
                )
            if self.namnd_meeting_on is not None or self.namnd_paragraph is not None:
                raise PydanticCustomError(
                    "namnd_minutes_without_namnd",
                    "Sammanträdesdag och paragraf anges bara för nämndens beslut",
                )
        return self


class Decision(Output):
    id: uuid.UUID
    placement_id: uuid.UUID
    kind: DecisionKind
    decided_on: dt.date
    decided_by: uuid.UUID | None = Field(
        description="The official who decided; empty for the nämnd's decision."
    )
    decided_by_namnd: bool
    namnd_meeting_on: dt.date | None
    namnd_paragraph: str | None
    recorded_by: str | None = Field(description="Who entered the decision.")
    valid_from: dt.date
    valid_to: dt.date | None
    check_id: uuid.UUID | None
    urgent: bool
    urgent_reason: str | None
    note: str | None
    created_at: dt.datetime


class SocialWorkerAssignmentIn(Input):
    staff_id: uuid.UUID
    assigned_from: DoneDate = Field(description="Today at the latest.")


class SocialWorkerAssignment(Output):
    id: uuid.UUID
    child_id: uuid.UUID
    staff_id: uuid.UUID
    staff_name: str
    assigned_from: dt.date
    assigned_to: dt.date | None


class PageQuery(Input):
    limit: int = Field(default=50, ge=1, le=200, description="Items per page.")
    cursor: str | None = Field(default=None, description="next_cursor of the previous page.")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null on the last page.")


class AuditEvent(Output):
    id: int
    occurred_at: dt.datetime
    actor: str
    actor_role: str | None
    actor_unit: str | None
    action: str
    object_type: str
    object_id: uuid.UUID | None
    child_id: uuid.UUID | None
    request_id: str | None


class AuditQuery(PageQuery):
    child_id: uuid.UUID | None = Field(default=None, description="Only accesses to this child's data.")
    actor: str | None = Field(default=None, description="Only this user, as the log names them.")
    since: dt.date | None = Field(default=None, description="From this day (Swedish time).")
    until: dt.date | None = Field(default=None, description="To and including this day.")


class AuditPage(BaseModel):
    items: list[AuditEvent]
    next_cursor: str | None


class AuditSampleQuery(Input):
    month: Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] = Field(
        description="The month to sample, YYYY-MM (Swedish time)."
    )
    per_unit: int = Field(default=10, ge=1, le=200, description="Events drawn per unit.")
    seed: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = Field(
        default=None,
        description="The same seed draws the same sample again; omitted, one is made and returned.",
    )


class AuditSampleUnit(BaseModel):
    unit: str | None = Field(
        description="The acting person's unit; null for integrations and unlinked users."
    )
    total: int = Field(description="Events of the unit in the month.")
    items: list[AuditEvent]


class AuditSample(BaseModel):
    month: str
    seed: str
    per_unit: int
    units: list[AuditSampleUnit]


class Health(BaseModel):
    status: str
    version: str


class Readiness(Health):
    scan_succeeded_at: dt.datetime | None = Field(
        default=None, description="When the obligation scan last went through every municipality."
    )


class Problem(BaseModel):
    """An error, as RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] | None = None


class FieldError(BaseModel):
    field: str = Field(description="Where the bad value is, e.g. body.personnummer.")
    message: str = Field(description="Why it is bad, in Swedish.")
    code: str
