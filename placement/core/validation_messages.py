"""Pydantic's validation errors as the service reports them: each bad field, why, in Swedish."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

# Messages for pydantic's built-in error types. Our own validators raise Swedish messages already.
_SWEDISH: dict[str, str] = {
    "missing": "Uppgiften saknas",
    "extra_forbidden": "Okänt fält",
    "string_type": "Ska vara text",
    "string_too_short": "Får inte vara tom",
    "string_too_long": "Är för lång (högst {max_length} tecken)",
    "string_pattern_mismatch": "Har fel form",
    "int_parsing": "Ska vara ett heltal",
    "int_type": "Ska vara ett heltal",
    "bool_parsing": "Ska vara true eller false",
    "bool_type": "Ska vara true eller false",
    "greater_than_equal": "Ska vara minst {ge}",
    "less_than_equal": "Får vara högst {le}",
    "date_parsing": "Ogiltigt datum; skriv ÅÅÅÅ-MM-DD",
    "date_from_datetime_parsing": "Ogiltigt datum; skriv ÅÅÅÅ-MM-DD",
    "date_type": "Ogiltigt datum; skriv ÅÅÅÅ-MM-DD",
    "uuid_parsing": "Ogiltigt id",
    "uuid_type": "Ogiltigt id",
    "enum": "Ogiltigt värde; tillåtna värden: {expected}",
    "list_type": "Ska vara en lista",
    "model_type": "Ska vara ett JSON-objekt",
    "model_attributes_type": "Ska vara ett JSON-objekt",
    "dict_type": "Ska vara ett JSON-objekt",
}


def field_errors(error: ValidationError, where: str) -> list[dict[str, str]]:
    """One entry per bad field: ``field`` (e.g. ``body.personnummer``), ``message``, ``code``."""
    out: list[dict[str, str]] = []
    for item in error.errors(include_url=False):
        location = ".".join(str(part) for part in (where, *item["loc"]))
        out.append({"field": location, "message": _message(item), "code": item["type"]})
    return out


def _message(item: Any) -> str:
    template = _SWEDISH.get(item["type"])
    if template is None:
        return str(item["msg"]).removeprefix("Value error, ")
    try:
        return template.format(**item.get("ctx", {}))
    except (KeyError, IndexError):
        return template
