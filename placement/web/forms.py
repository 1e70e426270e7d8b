"""What the pages' forms ask for, and turning a submitted form into the API's input models.

A form's values are validated by the same pydantic models the API takes (``EventIn``,
``WaiverIn``, ``PlacementEndIn``); their errors become one Swedish message per field, shown beside
the field and in the error summary at the top, with the person's values kept.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from followup.obligations import EventKind
from placement.core.validation_messages import field_errors
from placement.errors import BadRequest

EVENT_KINDS: dict[EventKind, str] = {
    EventKind.VISIT: "Besök",
    EventKind.CONTACT_DETAILS_GIVEN: "Kontaktuppgifter lämnade till barnet",
    EventKind.GROUNDS_EXPLAINED: "Skälen för placeringen förklarade för barnet",
    EventKind.OVERVAGANDE: "Övervägande",
    EventKind.OMPROVNING: "Omprövning",
    EventKind.CUSTODY_TRANSFER_CONSIDERED: "Vårdnadsöverflyttning övervägd",
    EventKind.CARE_PLAN: "Vårdplan upprättad",
    EventKind.IMPLEMENTATION_PLAN: "Genomförandeplan upprättad",
    EventKind.CARE_PLAN_REVISED: "Vårdplanen översedd",
    EventKind.HEALTH_NOTIFICATION: "Regionen underrättad om hälsoundersökning",
    EventKind.COMPLAINT_RECEIVED: "Klagomål mottaget",
    EventKind.COMPLAINT_ANSWERED: "Klagomål besvarat",
    EventKind.LEGAL_BASIS_CHANGED: "Grunden för vården ändrad",
    EventKind.INVESTIGATION_ENDED: "Utredningen avslutad",
    EventKind.AFTERCARE_FOLLOW_UP: "Uppföljning efter avslutad vård",
}

# The button that submits each kind: it says what it does.
EVENT_BUTTONS: dict[EventKind, str] = {
    EventKind.VISIT: "Registrera besöket",
    EventKind.OVERVAGANDE: "Registrera övervägandet",
    EventKind.OMPROVNING: "Registrera omprövningen",
    EventKind.COMPLAINT_RECEIVED: "Registrera klagomålet",
    EventKind.COMPLAINT_ANSWERED: "Registrera svaret",
}

YES_NO = {"ja": True, "nej": False}


@dataclass
class FormState:
    """A form as shown: the values to put back in the fields, and the errors by field name."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return bool(self.errors)


def parse_date(values: dict[str, str], name: str, errors: dict[str, str], *, label: str) -> dt.date | None:
    raw = values.get(name, "").strip()
    if not raw:
        errors[name] = f"Ange {label}"
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors[name] = f"Ange {label} som ÅÅÅÅ-MM-DD, till exempel 2026-11-29"
        return None


def query_int(query: Mapping[str, str], name: str, *, default: int, low: int, high: int, what: str) -> int:
    """A whole number from the address's query string, within ``low``..``high``; anything else is
    a Swedish 400 page (never a number the database cannot take). ``what`` names it in the message."""
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= len(str(high)) and low <= int(raw) <= high):
        raise BadRequest(f"{what} i adressen ska vara ett heltal från {low} till {high:,}".replace(",", " "))
    return int(raw)


def parse_yes_no(values: dict[str, str], name: str, errors: dict[str, str], *, question: str) -> bool | None:
    answer = YES_NO.get(values.get(name, ""))
    if answer is None:
        errors[name] = f"Svara ja eller nej: {question.lower()}"
    return answer


def validated(
    model: type[BaseModel], data: dict[str, Any], errors: dict[str, str], fields: dict[str, str]
) -> Any:
    """``data`` as ``model``, or None with each error in ``errors`` under its form field (``fields``
    maps the model's field names to the form's)."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        for problem in field_errors(error, "body"):
            name = problem["field"].removeprefix("body.").split(".")[0]
            errors.setdefault(fields.get(name, name), problem["message"])
        return None


def event_details(kind: EventKind, values: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    """The details an event of this kind carries, from the form."""
    if kind is EventKind.VISIT:
        talk = parse_yes_no(values, "private_talk", errors, question="Träffade du barnet enskilt")
        home = parse_yes_no(values, "in_home", errors, question="Var besöket i barnets hem")
        return {"private_talk": talk, "in_home": home}
    if kind in (EventKind.COMPLAINT_RECEIVED, EventKind.COMPLAINT_ANSWERED):
        ref = values.get("ref", "").strip()
        if not ref:
            errors["ref"] = "Ange klagomålets referens, så att svaret kan kopplas till det"
        return {"ref": ref}
    return {}


def as_uuid(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None
