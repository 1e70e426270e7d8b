"""Reading register files: CSV or JSON, validated whole before anything is written (pure).

IVO feed (``placement import-ivo``):
  JSON ``{"units": [...], "interventions": [...]}`` with records as in suppliers/records.py, or
  CSV with one row per unit, permit terms in flat columns (empty ``ivo_reference``: no permit),
  ``needs`` and the permit's ``conditions`` (villkor) separated by ``;``. The permit names its
  holder (``holder_orgnr``), its decision day (``decided_on``) and, once revoked, ``revoked_on``.
  Interventions come in the JSON form only.
Company feed (``placement import-companies``):
  JSON ``{"providers": [...]}``, or CSV with one row per provider and ``officers`` written as
  ``role|name|birth date`` entries separated by ``;``; a legal person among the officers (a
  holding company) is written ``role|name|organisationsnummer``.

A bad file is rejected with every bad row and field named; nothing is partly accepted.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import ValidationError

from placement.core.validation_messages import field_errors
from suppliers.records import Intervention, Provider, Record, Unit

MAX_REPORTED_ERRORS = 500


class Feed(StrEnum):
    IVO = "ivo"
    COMPANIES = "companies"


@dataclass(frozen=True)
class RowError:
    row: str  # "rad 14" for CSV, "units[3]" for JSON
    field: str
    message: str


class FileRejected(Exception):
    """The file as a whole is refused; ``errors`` names every bad row and field."""

    def __init__(self, errors: list[RowError], total: int | None = None) -> None:
        self.errors = errors[:MAX_REPORTED_ERRORS]
        self.total = total if total is not None else len(errors)
        super().__init__(f"{self.total} fel i filen")

    def report(self) -> str:
        lines = [f"Filen avvisades: {self.total} fel. Inget ändrades; tidigare uppgifter gäller."]
        lines += [f"  {e.row}: {e.field}: {e.message}" for e in self.errors]
        if self.total > len(self.errors):
            lines.append(f"  ... och {self.total - len(self.errors)} fel till")
        return "\n".join(lines)


@dataclass
class ParsedFeed:
    feed: Feed
    units: list[Unit] = field(default_factory=list)
    interventions: list[Intervention] = field(default_factory=list)
    providers: list[Provider] = field(default_factory=list)

    @property
    def records(self) -> list[Record]:
        return [*self.units, *self.interventions, *self.providers]


_SECTIONS: dict[Feed, dict[str, type[Record]]] = {
    Feed.IVO: {"units": Unit, "interventions": Intervention},
    Feed.COMPANIES: {"providers": Provider},
}


def parse_feed(feed: Feed, content: bytes, *, name: str = "") -> ParsedFeed:
    """Parse and validate a whole file; raise FileRejected with every error found."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRejected([RowError("filen", "-", f"Filen är inte UTF-8: {error}")]) from None
    is_json = name.lower().endswith(".json") or text.lstrip().startswith(("{", "["))
    sections = _json_sections(text) if is_json else _csv_sections(feed, text)
    parsed = ParsedFeed(feed)
    errors: list[RowError] = []
    wanted = _SECTIONS[feed]
    unknown = set(sections) - set(wanted)
    if unknown:
        errors.append(RowError("filen", ", ".join(sorted(unknown)), "Okänd del av filen för detta register"))
    for section, model in wanted.items():
        seen: dict[str, str] = {}
        for where, raw in sections.get(section, []):
            record = _validate(model, raw, where, errors)
            if record is None:
                continue
            if record.key in seen:
                errors.append(RowError(where, "nyckel", f"{record.key} finns redan på {seen[record.key]}"))
                continue
            seen[record.key] = where
            getattr(parsed, section).append(record)
    if errors:
        raise FileRejected(errors)
    if not parsed.records:
        raise FileRejected([RowError("filen", "-", "Filen innehåller inga poster")])
    return parsed


def _validate(model: type[Record], raw: Any, where: str, errors: list[RowError]) -> Record | None:
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        for item in field_errors(error, ""):
            errors.append(RowError(where, item["field"].lstrip(".") or "-", item["message"]))
        return None


Sections = dict[str, list[tuple[str, Any]]]


def _json_sections(text: str) -> Sections:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise FileRejected(
            [RowError("filen", "-", f"Filen är inte giltig JSON (kanske avkortad): {error}")]
        ) from None
    if not isinstance(document, dict):
        raise FileRejected([RowError("filen", "-", "JSON-filen ska vara ett objekt med listor")])
    sections: Sections = {}
    for section, items in document.items():
        if not isinstance(items, list):
            raise FileRejected([RowError(section, "-", "Ska vara en lista")])
        sections[section] = [(f"{section}[{i}]", item) for i, item in enumerate(items)]
    return sections


_UNIT_FIELDS = (
    "unit_code",
    "name",
    "address",
    "kommunkod",
    "operation_kind",
    "ownership",
    "provider_orgnr",
    "reported_occupancy",
    "occupancy_reported_on",
)
_PERMIT_FIELDS = (
    "ivo_reference",
    "age_min",
    "age_max",
    "sex",
    "needs",
    "places",
    "manager_name",
    "valid_from",
    "valid_to",
    "status",
    "holder_orgnr",
    "decided_on",
    "revoked_on",
    "conditions",
)
_ORGNR = re.compile(r"^\d{6}-?\d{4}$")
_PROVIDER_FIELDS = ("orgnr", "name", "legal_form", "status", "f_skatt", "officers")


def _csv_sections(feed: Feed, text: str) -> Sections:
    reader = csv.DictReader(io.StringIO(text))
    expected = set(_UNIT_FIELDS + _PERMIT_FIELDS) if feed is Feed.IVO else set(_PROVIDER_FIELDS)
    columns = set(reader.fieldnames or ())
    required = (
        {"unit_code", "name", "kommunkod", "operation_kind", "ownership"}
        if feed is Feed.IVO
        else {"orgnr", "name"}
    )
    problems = [RowError("rad 1", c, "Kolumnen saknas") for c in sorted(required - columns)]
    problems += [RowError("rad 1", c, "Okänd kolumn") for c in sorted(columns - expected)]
    if problems:
        raise FileRejected(problems)
    rows: list[tuple[str, Any]] = []
    for number, row in enumerate(reader, start=2):
        if None in row:
            rows.append((f"rad {number}", {"__extra_columns__": row[None]}))
            continue
        values = {k: v.strip() for k, v in row.items() if v is not None and v.strip() != ""}
        rows.append((f"rad {number}", _ivo_row(values) if feed is Feed.IVO else _provider_row(values)))
    return {"units" if feed is Feed.IVO else "providers": rows}


def _ivo_row(values: dict[str, str]) -> dict[str, Any]:
    unit: dict[str, Any] = {k: values[k] for k in _UNIT_FIELDS if k in values}
    if "ivo_reference" in values:
        permit: dict[str, Any] = {k: values[k] for k in _PERMIT_FIELDS if k in values}
        permit["operation_kind"] = values.get("operation_kind")
        if "needs" in values:
            permit["needs"] = [n.strip() for n in values["needs"].split(";") if n.strip()]
        if "conditions" in values:
            permit["conditions"] = [c.strip() for c in values["conditions"].split(";") if c.strip()]
        unit["permit"] = permit
    else:
        stray = [k for k in _PERMIT_FIELDS if k in values]
        if stray:
            unit["permit_fields_without_ivo_reference"] = stray
    return unit


def _provider_row(values: dict[str, str]) -> dict[str, Any]:
    provider: dict[str, Any] = {k: values[k] for k in _PROVIDER_FIELDS if k in values and k != "officers"}
    if "officers" in values:
        officers = []
        for entry in values["officers"].split(";"):
            if not entry.strip():
                continue
            role, _, rest = entry.partition("|")
            name, _, born = rest.partition("|")
            officer: dict[str, Any] = {"role": role.strip(), "name": name.strip()}
            if _ORGNR.match(born.strip()):
                officer["orgnr"] = born.strip()  # a legal person: its organisationsnummer
            elif born.strip():
                officer["birth_date"] = born.strip()
            officers.append(officer)
        provider["officers"] = officers
    return provider
