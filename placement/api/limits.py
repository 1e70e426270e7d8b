"""Limits on what the API accepts, checked before a handler or the database sees the input.

Every refusal is a 4xx with a Swedish message naming the field: body size per route (JSON small,
register files large), JSON nesting depth, text length, characters PostgreSQL cannot store (NUL,
lone surrogates), and dates outside a sane range (so no date arithmetic overflows further on).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from aiohttp import web
from pydantic import BaseModel

from placement.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType, ValidationFailed

JSON_BODY_LIMIT = 256 * 1024
"""Bytes of a JSON request body: far above any real record, far below a memory problem."""
REGISTER_BODY_LIMIT = 64 * 1024**2
"""Bytes of a register file sent to an import route (operators only, after sign-in)."""
MAX_JSON_DEPTH = 32
MAX_TEXT_LENGTH = 10_000
"""Characters of any one text value in a JSON body, unless its field sets a lower limit."""
MAX_QUERY_LENGTH = 1_000
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)


async def read_json(request: web.Request, *, limit: int = JSON_BODY_LIMIT) -> Any:
    """The request's JSON body, refused when too large, too deep or holding unstorable text."""
    if request.content_type != "application/json":
        raise UnsupportedMediaType("Skicka uppgifterna som JSON (Content-Type: application/json)")
    raw = await read_body(request, limit=limit)
    try:
        data = json.loads(raw)
    except RecursionError:
        raise _too_deep("body") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BadRequest(f"Innehållet är inte giltig JSON: {error}") from None
    check_values(data, "body")
    return data


async def read_body(request: web.Request, *, limit: int) -> bytes:
    """The body, at most ``limit`` bytes: 413 before reading when Content-Length says more, and
    as soon as a chunked body passes the limit."""
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def check_query(query: dict[str, str]) -> None:
    """Query values: no unstorable characters, no over-long values."""
    for name, value in query.items():
        _check_text(value, f"query.{name}", MAX_QUERY_LENGTH)


def check_values(data: Any, where: str) -> None:
    """Walk parsed JSON (without recursion): depth, and every key and text value."""
    stack: list[tuple[Any, str, int]] = [(data, where, 1)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, dict | list) and depth > MAX_JSON_DEPTH:
            raise _too_deep(path)
        if isinstance(value, dict):
            for key, item in value.items():
                _check_text(key, f"{path}.{key[:40]}", 200)
                stack.append((item, f"{path}.{key[:40]}", depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}.{i}", depth + 1) for i, item in enumerate(value))
        elif isinstance(value, str):
            _check_text(value, path, MAX_TEXT_LENGTH)


def check_dates(model: BaseModel, where: str) -> None:
    """Every date and time in a validated model lies between 1900 and 2199."""
    for path, value in _walk(model, where):
        day = value.date() if isinstance(value, dt.datetime) else value
        if not EARLIEST <= day <= LATEST:
            raise ValidationFailed.on(
                path,
                f"Datumet ligger utanför intervallet {EARLIEST.isoformat()}–{LATEST.isoformat()}",
                "date_out_of_range",
            )


def _walk(value: Any, path: str) -> Iterator[tuple[str, dt.date]]:
    if isinstance(value, dt.date):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _walk(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}.{i}")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}")


def _check_text(value: str, path: str, max_length: int) -> None:
    if len(value) > max_length:
        raise ValidationFailed.on(path, f"Texten är för lång (högst {max_length} tecken)", "text_too_long")
    if "\x00" in value:
        raise ValidationFailed.on(
            path, "Texten innehåller ett nolltecken, som inte kan sparas", "nul_character"
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationFailed.on(
            path, "Texten innehåller ett ogiltigt tecken (ett ensamt surrogattecken)", "invalid_character"
        ) from None


def _too_deep(path: str) -> ValidationFailed:
    return ValidationFailed.on(
        path, f"JSON-innehållet är nästlat för djupt (högst {MAX_JSON_DEPTH} nivåer)", "json_too_deep"
    )


def _too_large(limit: int) -> PayloadTooLarge:
    size = f"{limit // 1024**2} MiB" if limit >= 1024**2 else f"{limit // 1024} KiB"
    return PayloadTooLarge(f"Innehållet är för stort för denna adress (högst {size})")
