"""The onboarding file: a municipality's staff, children, placements, decisions, responsible social
workers and past events, as its case system exports them (issue #18).

One workbook (XLSX) with a sheet per kind, or one CSV file per kind; the headers are Swedish and
the first column of each sheet is the case system's own id of the row, which also names the kind
(``Barn-id`` is a child, ``Placerings-id`` a placement...). Rows refer to each other by those ids.
:func:`read` turns files into rows, :func:`validate` checks every row and the references between
them and returns either the parsed rows or every problem found, naming sheet, row and column in
Swedish; :func:`template` writes the downloadable workbook with one example row per kind and a
sheet explaining each column.

No database and no web framework here: :mod:`placement.onboarding` applies what this module parsed.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import itertools
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter
from pydantic import BaseModel, TypeAdapter, ValidationError
from python_calamine import CalamineWorkbook

from followup.model import EventKind
from placement.core.validation_messages import field_errors
from placement.core.vocabulary import (
    DecisionKind,
    EndReason,
    LegalBasis,
    PlacementForm,
    Sex,
    StaffRole,
    label,
)
from placement.models import ChildIn, DecisionIn, PlacementIn, StaffIn


class Kind(StrEnum):
    """The kinds of row, in the order they are applied (a row refers only to kinds before it)."""

    STAFF = "staff"
    CHILD = "child"
    PLACEMENT = "placement"
    DECISION = "decision"
    ASSIGNMENT = "assignment"
    EVENT = "event"


EVENT_NAMES: dict[EventKind, str] = {
    EventKind.OVERVAGANDE: "övervägande",
    EventKind.OMPROVNING: "omprövning",
    EventKind.CUSTODY_TRANSFER_CONSIDERED: "vårdnadsöverflyttning övervägd",
    EventKind.VISIT: "besök",
    EventKind.CONTACT_DETAILS_GIVEN: "kontaktuppgifter lämnade",
    EventKind.GROUNDS_EXPLAINED: "skälen förklarade",
    EventKind.CARE_PLAN: "vårdplan",
    EventKind.IMPLEMENTATION_PLAN: "genomförandeplan",
    EventKind.CARE_PLAN_REVISED: "vårdplan reviderad",
    EventKind.HEALTH_NOTIFICATION: "hälsoundersökning begärd",
    EventKind.COMPLAINT_RECEIVED: "klagomål mottaget",
    EventKind.COMPLAINT_ANSWERED: "klagomål besvarat",
    EventKind.LEGAL_BASIS_CHANGED: "lagrum ändrat",
    EventKind.INVESTIGATION_ENDED: "utredning avslutad",
    EventKind.AFTERCARE_FOLLOW_UP: "uppföljning efter avslutad vård",
    EventKind.IVO_NOTIFIED_CHILD_COUNT: "IVO underrättad om antal barn",
}

# Events that by nature come before the placement starts (as the API allows).
BEFORE_START = frozenset({EventKind.CARE_PLAN, EventKind.INVESTIGATION_ENDED})


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    explanation: str
    example: str
    required: bool = False
    refers_to: Kind | None = None


@dataclass(frozen=True)
class Sheet:
    kind: Kind
    name: str
    explanation: str
    columns: tuple[Column, ...]

    @property
    def id_header(self) -> str:
        return self.columns[0].header


def _choices(values: Iterable[str]) -> str:
    return ", ".join(values)


SHEETS: tuple[Sheet, ...] = (
    Sheet(
        Kind.STAFF,
        "Personal",
        "Kommunens medarbetare och deras enheter, från katalogen. En medarbetare som slutat "
        "markeras Aktiv = nej och behåller sin historik.",
        (
            Column("Personal-id", "case_id", "Medarbetarens id i verksamhetssystemet", "P-1001", True),
            Column("Namn", "name", "För- och efternamn", "Karin Handläggare", True),
            Column("E-post", "email", "Arbetsadress; unik i kommunen", "karin@kommun.se"),
            Column("Enhet", "org_unit", "Enhet eller arbetsgrupp", "Barn och unga 1"),
            Column(
                "Roller",
                "roles",
                "En eller flera, åtskilda med kommatecken: " + _choices(label(r) for r in StaffRole),
                "socialsekreterare",
            ),
            Column("Aktiv", "active", "ja eller nej (tomt: ja)", "ja"),
        ),
    ),
    Sheet(
        Kind.CHILD,
        "Barn",
        "Barnen kommunen ansvarar för.",
        (
            Column(
                "Barn-id",
                "case_id",
                "Barnets id (akt- eller klientnummer) i verksamhetssystemet",
                "B-2001",
                True,
            ),
            Column("Personnummer", "personnummer", "ÅÅÅÅMMDDNNNN; tomt om barnet saknar", "201201019807"),
            Column("Namn", "name", "Barnets namn", "Alva Exempel", True),
            Column("Födelsedatum", "birth_date", "ÅÅÅÅ-MM-DD; krävs om personnummer saknas", ""),
            Column("Kön", "sex", "flicka, pojke eller ej angivet; tomt: läses ur personnumret", ""),
        ),
    ),
    Sheet(
        Kind.PLACEMENT,
        "Placeringar",
        "Barnens placeringar, pågående och avslutade.",
        (
            Column("Placerings-id", "case_id", "Placeringens id i verksamhetssystemet", "PL-3001", True),
            Column("Barn-id", "child", "Barnets id (fliken Barn)", "B-2001", True, Kind.CHILD),
            Column("Placeringsform", "form", _choices(label(f) for f in PlacementForm), "familjehem", True),
            Column(
                "Lagrum",
                "legal_basis",
                _choices(f.value for f in LegalBasis) + " (sol, lvu_2, lvu_3, lss)",
                "sol",
                True,
            ),
            Column(
                "Hemmets namn", "home_name", "Enhetens eller familjehemmets namn", "Familjehemmet Ek", True
            ),
            Column("Enhetskod", "unit_code", "Enhetens kod i IVO:s register (HVB, stödboende, LSS, SiS)", ""),
            Column("Hemmets kommunkod", "home_kommunkod", "Kommunen där hemmet ligger, om en annan", ""),
            Column("Startdatum", "start_date", "ÅÅÅÅ-MM-DD", "2025-03-01", True),
            Column("Planerat slutdatum", "planned_end_date", "ÅÅÅÅ-MM-DD; tomt: tills vidare", ""),
            Column("Slutdatum", "end_date", "ÅÅÅÅ-MM-DD; tomt om placeringen pågår", ""),
            Column(
                "Avslutsorsak",
                "end_reason",
                _choices(label(r) for r in EndReason) + "; bara för en avslutad placering",
                "",
            ),
            Column("Dygnskostnad", "daily_cost", "Kronor per dygn", "1450"),
        ),
    ),
    Sheet(
        Kind.DECISION,
        "Beslut",
        "Besluten bakom placeringarna och deras övervägande och omprövningar.",
        (
            Column("Beslut-id", "case_id", "Beslutets id i verksamhetssystemet", "BE-4001", True),
            Column(
                "Placerings-id",
                "placement",
                "Placeringen (fliken Placeringar)",
                "PL-3001",
                True,
                Kind.PLACEMENT,
            ),
            Column(
                "Beslutstyp", "kind", _choices(label(k) for k in DecisionKind), "placering enligt SoL", True
            ),
            Column("Beslutsdatum", "decided_on", "ÅÅÅÅ-MM-DD", "2025-02-27", True),
            Column(
                "Beslutsfattare",
                "decided_by",
                "Delegatens Personal-id (fliken Personal)",
                "P-1001",
                True,
                Kind.STAFF,
            ),
            Column("Gäller från", "valid_from", "ÅÅÅÅ-MM-DD", "2025-03-01", True),
            Column("Gäller till", "valid_to", "ÅÅÅÅ-MM-DD; tomt: tills vidare", ""),
            Column("Brådskande", "urgent", "ja eller nej (tomt: nej)", "nej"),
            Column("Skäl för brådska", "urgent_reason", "Krävs för ett brådskande beslut", ""),
        ),
    ),
    Sheet(
        Kind.ASSIGNMENT,
        "Ansvariga socialsekreterare",
        "Vem som varit barnets ansvariga socialsekreterare, och när.",
        (
            Column("Uppdrag-id", "case_id", "Uppdragets id i verksamhetssystemet", "U-5001", True),
            Column("Barn-id", "child", "Barnet (fliken Barn)", "B-2001", True, Kind.CHILD),
            Column(
                "Personal-id", "staff", "Socialsekreteraren (fliken Personal)", "P-1001", True, Kind.STAFF
            ),
            Column("Från", "assigned_from", "ÅÅÅÅ-MM-DD", "2025-02-01", True),
            Column("Till", "assigned_to", "ÅÅÅÅ-MM-DD; tomt om uppdraget pågår", ""),
        ),
    ),
    Sheet(
        Kind.EVENT,
        "Händelser",
        "Det som redan gjorts: övervägande, besök med enskilt samtal, kontaktuppgifter lämnade...",
        (
            Column("Händelse-id", "case_id", "Händelsens id i verksamhetssystemet", "H-6001", True),
            Column(
                "Placerings-id",
                "placement",
                "Placeringen (fliken Placeringar)",
                "PL-3001",
                True,
                Kind.PLACEMENT,
            ),
            Column("Händelse", "kind", _choices(EVENT_NAMES.values()), "besök", True),
            Column("Datum", "occurred_on", "ÅÅÅÅ-MM-DD, senast i dag", "2025-06-10", True),
            Column(
                "Personal-id", "staff", "Vem som gjorde det (fliken Personal)", "P-1001", False, Kind.STAFF
            ),
            Column("I hemmet", "in_home", "Besök: ja eller nej", "ja"),
            Column("Enskilt samtal", "private_talk", "Besök: ja eller nej", "ja"),
            Column("Referens", "ref", "Klagomål: ärendets referens", ""),
        ),
    ),
)

SHEET_OF: dict[Kind, Sheet] = {s.kind: s for s in SHEETS}
_BY_ID_HEADER: dict[str, Sheet] = {s.id_header.casefold(): s for s in SHEETS}
_BY_NAME: dict[str, Sheet] = {s.name.casefold(): s for s in SHEETS}
EXPLANATION_SHEET = "Förklaring"

MAX_ROWS = 200_000


class FileUnreadable(ValueError):
    """A file that cannot be read as an onboarding file; the message is Swedish."""


@dataclass(frozen=True)
class Problem:
    """One bad row and field, in Swedish."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    def line(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f" rad {self.row}"
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


@dataclass
class RawRow:
    sheet: Sheet
    number: int  # as a spreadsheet shows it: the header is row 1
    values: dict[str, Any]  # field -> cell value (None for empty)


@dataclass(frozen=True)
class Row:
    """A validated row: its kind, the case system's id, the parsed values (references still as
    case ids) and the fingerprint of all of it."""

    kind: Kind
    case_id: str
    number: int
    values: dict[str, Any]
    fingerprint: str


@dataclass
class Parsed:
    rows: dict[Kind, list[Row]] = field(default_factory=lambda: {k: [] for k in Kind})

    def count(self) -> int:
        return sum(len(r) for r in self.rows.values())


class Rejected(Exception):
    """The file was refused: every problem found, nothing written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(f"{len(problems)} fel")
        self.problems = list(problems)

    def report(self, limit: int = 200) -> str:
        lines = [p.line() for p in self.problems[:limit]]
        more = len(self.problems) - limit
        if more > 0:
            lines.append(f"... och {more} fel till")
        return f"Filen avvisades; inget ändrat. {len(self.problems)} fel:\n" + "\n".join(
            f"  {line}" for line in lines
        )


# Reading ------------------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _rows_of(sheet: Sheet, header: Sequence[Any], body: Iterable[Sequence[Any]], source: str) -> list[RawRow]:
    names = [str(h).strip() if h is not None else "" for h in header]
    known = {c.header.casefold(): c for c in sheet.columns}
    unknown = [n for n in names if n and n.casefold() not in known]
    if unknown:
        raise FileUnreadable(
            f"{source}: okända kolumner {', '.join(unknown)}; tillåtna är "
            f"{', '.join(c.header for c in sheet.columns)}"
        )
    missing = [
        c.header for c in sheet.columns if c.required and c.header.casefold() not in map(str.casefold, names)
    ]
    if missing:
        raise FileUnreadable(f"{source}: kolumnerna {', '.join(missing)} saknas")
    fields = [known[n.casefold()].field if n else None for n in names]
    out: list[RawRow] = []
    for number, cells in enumerate(body, start=2):
        values = {f: _cell(v) for f, v in zip(fields, cells, strict=False) if f is not None}
        if all(v is None for v in values.values()):
            continue  # a blank line
        out.append(RawRow(sheet, number, values))
        if len(out) > MAX_ROWS:
            raise FileUnreadable(f"{source}: fler än {MAX_ROWS} rader")
    return out


def _read_xlsx(data: bytes, source: str) -> list[RawRow]:
    """Read with calamine (a Rust reader, ten times openpyxl's speed on a large export)."""
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [
            (name, book.get_sheet_by_name(name).to_python(skip_empty_area=False)) for name in book.sheet_names
        ]
    except Exception as error:  # calamine raises several kinds for a broken or foreign file
        raise FileUnreadable(f"{source}: kan inte läsas som en Excel-fil (xlsx)") from error
    rows: list[RawRow] = []
    for title, cells in sheets:
        if title.casefold() == EXPLANATION_SHEET.casefold() or not cells:
            continue
        header = cells[0]
        sheet = _BY_NAME.get(title.strip().casefold()) or _sheet_by_header(header)
        if sheet is None:
            raise FileUnreadable(
                f"{source}: fliken {title} är ingen känd flik "
                f"({', '.join(s.name for s in SHEETS)}, {EXPLANATION_SHEET})"
            )
        rows += _rows_of(sheet, header, cells[1:], f"{source}, fliken {title}")
    return rows


def _sheet_by_header(header: Sequence[Any]) -> Sheet | None:
    first = str(header[0]).strip().casefold() if header and header[0] is not None else ""
    return _BY_ID_HEADER.get(first)


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252: what Excel in Sweden writes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict")


def _read_csv(data: bytes, source: str) -> list[RawRow]:
    try:
        text = _decode(data)
    except UnicodeDecodeError as error:
        raise FileUnreadable(f"{source}: okänd teckenkodning; spara som UTF-8") from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise FileUnreadable(f"{source}: filen är tom")
    sheet = _sheet_by_header(header)
    if sheet is None:
        raise FileUnreadable(
            f"{source}: första kolumnen ska vara en av {', '.join(s.id_header for s in SHEETS)}"
        )
    return _rows_of(sheet, header, reader, source)


def read(files: Sequence[tuple[str, bytes]]) -> list[RawRow]:
    """The rows of the given files (name, content): XLSX by its content, anything else as CSV."""
    rows: list[RawRow] = []
    for name, data in files:
        if data[:2] == b"PK" or name.lower().endswith(".xlsx"):
            rows += _read_xlsx(data, name)
        else:
            rows += _read_csv(data, name)
    return rows


def read_paths(paths: Sequence[Path]) -> list[RawRow]:
    files: list[tuple[str, bytes]] = []
    for path in paths:
        try:
            files.append((path.name, path.read_bytes()))
        except OSError as error:
            raise FileUnreadable(f"{path}: kan inte läsas ({error.strerror})") from error
    return read(files)


# Validating ---------------------------------------------------------------------------------------


def _vocabulary(enum: type[StrEnum], names: dict[Any, str] | None = None) -> dict[str, str]:
    """Every way a value may be written (its code, its Swedish label) -> its code."""
    out: dict[str, str] = {}
    for member in enum:
        out[member.value.casefold()] = member.value
        name = (names or {}).get(member) or label(member)
        out[name.casefold()] = member.value
    return out


_SEX = _vocabulary(Sex) | {"kvinna": "female", "man": "male", "k": "female", "m": "male"}
_FORM = _vocabulary(PlacementForm) | {"hvb": "hvb", "lss-boende": "lss_boende", "lss": "lss_boende"}
_BASIS = _vocabulary(LegalBasis) | {
    "2 § lvu": "lvu_2",
    "3 § lvu": "lvu_3",
    "lvu 2": "lvu_2",
    "lvu 3": "lvu_3",
}
_END = _vocabulary(EndReason) | {"planerat": "planned", "oplanerat": "unplanned", "flytt": "move"}
_DECISION = _vocabulary(DecisionKind)
_ROLE = _vocabulary(StaffRole) | {"placeringsstöd": "placeringsstod", "administratör": "administrator"}
_EVENT = _vocabulary(EventKind, EVENT_NAMES)
_YES = {"ja": True, "j": True, "yes": True, "true": True, "1": True, "x": True}
_NO = {"nej": False, "n": False, "no": False, "false": False, "0": False}


class _Bad(ValueError):
    pass


def _pick(table: dict[str, str], what: str) -> Callable[[Any], str | None]:
    def parse(value: Any) -> str | None:
        if value is None:
            return None
        found = table.get(str(value).strip().casefold())
        if found is None:
            raise _Bad(f"Okänd {what} {value!s}")
        return found

    return parse


def _yes_no(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise _Bad(f"Ska vara ja eller nej, inte {value!s}")


def _roles(value: Any) -> list[str]:
    if value is None:
        return []
    parse = _pick(_ROLE, "roll")
    return sorted({r for part in str(value).replace(";", ",").split(",") if (r := parse(part.strip()))})


def _as_date(value: Any) -> Any:
    # Leave parsing to pydantic (its message is Swedish); a date cell is already a date.
    return value.isoformat() if isinstance(value, dt.date) else value


_CONVERT: dict[str, Callable[[Any], Any]] = {
    "sex": _pick(_SEX, "könsuppgift"),
    "form": _pick(_FORM, "placeringsform"),
    "legal_basis": _pick(_BASIS, "lagrum"),
    "end_reason": _pick(_END, "avslutsorsak"),
    "roles": _roles,
    "active": _yes_no,
    "urgent": _yes_no,
    "in_home": _yes_no,
    "private_talk": _yes_no,
}
_CONVERT_BY_KIND: dict[tuple[Kind, str], Callable[[Any], Any]] = {
    (Kind.DECISION, "kind"): _pick(_DECISION, "beslutstyp"),
    (Kind.EVENT, "kind"): _pick(_EVENT, "händelse"),
}

_DATES = frozenset(
    {
        "birth_date",
        "start_date",
        "planned_end_date",
        "end_date",
        "decided_on",
        "valid_from",
        "valid_to",
        "assigned_from",
        "assigned_to",
        "occurred_on",
    }
)


_DATE = TypeAdapter(dt.date)


class _AssignmentIn(BaseModel):
    assigned_from: dt.date
    assigned_to: dt.date | None = None


class _EventIn(BaseModel):
    occurred_on: dt.date


def _models(kind: Kind) -> type[BaseModel]:
    models: dict[Kind, type[BaseModel]] = {
        Kind.STAFF: StaffIn,
        Kind.CHILD: ChildIn,
        Kind.PLACEMENT: PlacementIn,
        Kind.DECISION: DecisionIn,
        Kind.ASSIGNMENT: _AssignmentIn,
        Kind.EVENT: _EventIn,
    }
    return models[kind]


_PLACEHOLDER = uuid.UUID(int=0)
# The fields of the service's own input models that a row fills, so a row is checked by the same
# rules as a request to the API (personnummer, dates, vocabularies).
_MODEL_FIELDS: dict[Kind, dict[str, str]] = {
    Kind.STAFF: {"name": "name", "email": "email", "org_unit": "org_unit", "roles": "roles"},
    Kind.CHILD: {"personnummer": "personnummer", "name": "name", "birth_date": "birth_date", "sex": "sex"},
    Kind.PLACEMENT: {
        "form": "form",
        "legal_basis": "legal_basis",
        "home_name": "home_name",
        "home_kommunkod": "home_kommunkod",
        "unit_code": "unit_code",
        "start_date": "start_date",
        "planned_end_date": "planned_end_date",
        "daily_cost": "daily_cost",
    },
    Kind.DECISION: {
        "kind": "kind",
        "decided_on": "decided_on",
        "valid_from": "valid_from",
        "valid_to": "valid_to",
        "urgent": "urgent",
        "urgent_reason": "urgent_reason",
    },
    Kind.ASSIGNMENT: {"assigned_from": "assigned_from", "assigned_to": "assigned_to"},
    Kind.EVENT: {"occurred_on": "occurred_on"},
}
_PLACEHOLDERS: dict[Kind, dict[str, Any]] = {
    Kind.PLACEMENT: {"child_id": _PLACEHOLDER},
    Kind.DECISION: {"decided_by": _PLACEHOLDER},
}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, StrEnum):
        return value.value
    return value


def fingerprint(kind: Kind, values: dict[str, Any]) -> str:
    """A SHA-256 of the row as parsed: the same row imported again has the same fingerprint."""
    body = "\x1f".join(f"{k}={_jsonable(v)}" for k, v in sorted(values.items()))
    return hashlib.sha256(f"{kind.value}\x1e{body}".encode()).hexdigest()


def _check_row(raw: RawRow, today: dt.date, problems: list[Problem]) -> Row | None:
    sheet = raw.sheet
    header_of = {c.field: c.header for c in sheet.columns}
    bad = False

    def fail(field_name: str | None, message: str) -> None:
        nonlocal bad
        bad = True
        problems.append(Problem(sheet.name, raw.number, header_of.get(field_name or ""), message))

    values: dict[str, Any] = {}
    reported: set[str] = set()  # fields with a problem already: the model is not asked again
    for column in sheet.columns:
        value = raw.values.get(column.field)
        if column.required and value is None:
            fail(column.field, "Uppgiften saknas")
            reported.add(column.field)
            continue
        convert = _CONVERT_BY_KIND.get((sheet.kind, column.field)) or _CONVERT.get(column.field)
        try:
            values[column.field] = convert(value) if convert else value
        except _Bad as error:
            fail(column.field, str(error))
            reported.add(column.field)
    case_id = str(values.pop("case_id", ""))
    if len(case_id) > 100:
        fail("case_id", "Id:t är för långt (högst 100 tecken)")
    if values.get("active") is None and sheet.kind is Kind.STAFF:
        values["active"] = True
    if values.get("urgent") is None and sheet.kind is Kind.DECISION:
        values["urgent"] = False
    model_input = {
        m: _as_date(values.get(f)) if f in _DATES else values.get(f)
        for f, m in _MODEL_FIELDS[sheet.kind].items()
        if values.get(f) is not None
    } | _PLACEHOLDERS.get(sheet.kind, {})
    try:
        model = _models(sheet.kind).model_validate(model_input)
    except ValidationError as error:
        fields_of = {m: f for f, m in _MODEL_FIELDS[sheet.kind].items()}
        for item in field_errors(error, "x"):
            name = fields_of.get(item["field"].split(".", 1)[1] if "." in item["field"] else "", "")
            if name not in reported and item["code"] != "missing":
                fail(name or None, item["message"])
        return None
    if bad:
        return None
    values |= {f: getattr(model, m) for f, m in _MODEL_FIELDS[sheet.kind].items()}
    for f in _DATES & values.keys():
        if isinstance(values[f], str):
            try:
                values[f] = _DATE.validate_python(values[f])
            except ValidationError:
                fail(f, "Ogiltigt datum; skriv ÅÅÅÅ-MM-DD")
    if bad:
        return None
    _check_meaning(sheet.kind, values, today, fail)
    if bad:
        return None
    if sheet.kind is Kind.CHILD:
        values["sex"] = Sex(values["sex"]).value
    return Row(sheet.kind, case_id, raw.number, values, fingerprint(sheet.kind, values | {"id": case_id}))


def _check_meaning(
    kind: Kind, values: dict[str, Any], today: dt.date, fail: Callable[[str | None, str], None]
) -> None:
    """What a single row must say to make sense."""
    if kind is Kind.PLACEMENT:
        end = values.get("end_date")
        if end is not None and end < values["start_date"]:
            fail("end_date", "Slutdatumet ligger före startdatum")
        if end is not None and end > today:
            fail("end_date", "Slutdatumet ligger i framtiden; en placering som pågår har inget slutdatum")
        if values.get("end_reason") is not None and end is None:
            fail("end_reason", "En avslutsorsak hör till en avslutad placering; ange slutdatum")
    elif kind is Kind.ASSIGNMENT:
        if values["assigned_from"] > today:
            fail("assigned_from", "Datumet ligger i framtiden")
        if values.get("assigned_to") is not None and values["assigned_to"] < values["assigned_from"]:
            fail("assigned_to", "Slutdatumet ligger före startdatum")
    elif kind is Kind.EVENT:
        if values["occurred_on"] > today:
            fail("occurred_on", "Datumet ligger i framtiden; registrera det som har hänt, senast i dag")
        event = EventKind(values["kind"])
        if event is EventKind.VISIT:
            for name in ("in_home", "private_talk"):
                if values.get(name) is None:
                    fail(name, "Ett besök ska ange ja eller nej")
        if event in (EventKind.COMPLAINT_RECEIVED, EventKind.COMPLAINT_ANSWERED) and not values.get("ref"):
            fail("ref", "Ett klagomål ska ha en referens så att svaret kan kopplas till det")


def validate(raw_rows: Sequence[RawRow], known: dict[Kind, set[str]], today: dt.date) -> Parsed:
    """Every row checked, then the references between them (to a row of the file or one imported
    before, ``known``). Raises :class:`Rejected` with every problem found; returns the rows."""
    problems: list[Problem] = []
    parsed = Parsed()
    seen: dict[tuple[Kind, str], int] = {}
    for raw in raw_rows:
        row = _check_row(raw, today, problems)
        if row is None:
            continue
        first = seen.get((row.kind, row.case_id))
        if first is not None:
            problems.append(
                Problem(
                    raw.sheet.name,
                    raw.number,
                    raw.sheet.id_header,
                    f"Id:t {row.case_id} finns redan på rad {first}",
                )
            )
            continue
        seen[(row.kind, row.case_id)] = row.number
        parsed.rows[row.kind].append(row)
    problems += _unique(parsed, Kind.CHILD, "personnummer", "Personnumret")
    problems += _unique(parsed, Kind.STAFF, "email", "E-postadressen")
    in_file = {k: {r.case_id for r in rows} for k, rows in parsed.rows.items()}
    for kind, rows in parsed.rows.items():
        sheet = SHEET_OF[kind]
        for column in sheet.columns:
            if column.refers_to is None:
                continue
            target = SHEET_OF[column.refers_to]
            for row in rows:
                ref = row.values.get(column.field)
                if ref is None:
                    continue
                ref = row.values[column.field] = str(ref)
                if ref not in in_file[column.refers_to] and ref not in known.get(column.refers_to, set()):
                    problems.append(
                        Problem(
                            sheet.name,
                            row.number,
                            column.header,
                            f"{target.id_header} {ref} finns varken i filen (fliken {target.name}) "
                            "eller sedan tidigare",
                        )
                    )
    problems += _overlaps(parsed)
    problems += _events_before_start(parsed)
    if problems:
        problems.sort(key=lambda p: ([s.name for s in SHEETS].index(p.sheet), p.row or 0))
        raise Rejected(problems)
    return parsed


def _unique(parsed: Parsed, kind: Kind, field_name: str, what: str) -> list[Problem]:
    sheet = SHEET_OF[kind]
    header = next(c.header for c in sheet.columns if c.field == field_name)
    first: dict[str, int] = {}
    out: list[Problem] = []
    for row in parsed.rows[kind]:
        value = row.values.get(field_name)
        if value is None:
            continue
        if value in first:
            out.append(Problem(sheet.name, row.number, header, f"{what} finns redan på rad {first[value]}"))
        else:
            first[value] = row.number
    return out


def _overlaps(parsed: Parsed) -> list[Problem]:
    """A child is in at most one placement on any day (the database holds the same rule)."""
    by_child: dict[str, list[Row]] = defaultdict(list)
    for row in parsed.rows[Kind.PLACEMENT]:
        by_child[row.values["child"]].append(row)
    out: list[Problem] = []
    for rows in by_child.values():
        rows.sort(key=lambda r: r.values["start_date"])
        for before, after in itertools.pairwise(rows):
            end = before.values.get("end_date")
            if end is None or end >= after.values["start_date"]:
                out.append(
                    Problem(
                        "Placeringar",
                        after.number,
                        "Startdatum",
                        f"Överlappar barnets placering på rad {before.number}; "
                        "ett barn har en placering åt gången",
                    )
                )
    return out


def _events_before_start(parsed: Parsed) -> list[Problem]:
    starts = {r.case_id: r.values["start_date"] for r in parsed.rows[Kind.PLACEMENT]}
    out: list[Problem] = []
    for row in parsed.rows[Kind.EVENT]:
        start = starts.get(row.values["placement"])
        kind = EventKind(row.values["kind"])
        if start is not None and kind not in BEFORE_START and row.values["occurred_on"] < start:
            out.append(
                Problem("Händelser", row.number, "Datum", "Händelsen ligger före placeringens startdatum")
            )
    return out


# The template -------------------------------------------------------------------------------------


def template() -> bytes:
    """The workbook to fill in: one sheet per kind with one example row, and a sheet explaining
    each column."""
    book = openpyxl.Workbook()
    explained = book.active
    assert explained is not None  # a new workbook has one sheet
    explained.title = EXPLANATION_SHEET
    explained.append(["Flik", "Kolumn", "Krävs", "Förklaring"])
    explained.append(
        [
            "",
            "",
            "",
            "Varje rad har verksamhetssystemets eget id i första kolumnen. Samma fil kan läsas in igen: "
            "oförändrade rader lämnas orörda, ändrade uppdateras. Filen kontrolleras helt innan något "
            "sparas. Som CSV: en fil per flik, med samma rubriker (semikolon eller komma, UTF-8).",
        ]
    )
    for sheet in SHEETS:
        explained.append([sheet.name, "", "", sheet.explanation])
        for column in sheet.columns:
            explained.append(
                [sheet.name, column.header, "ja" if column.required else "nej", column.explanation]
            )
        ws = book.create_sheet(sheet.name)
        ws.append([c.header for c in sheet.columns])
        ws.append([c.example or None for c in sheet.columns])
        for index, column in enumerate(sheet.columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = max(14, len(column.header) + 4)
    explained.column_dimensions["A"].width = 28
    explained.column_dimensions["B"].width = 22
    explained.column_dimensions["D"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_header(kind: Kind) -> str:
    return ";".join(c.header for c in SHEET_OF[kind].columns)
