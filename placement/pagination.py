"""Keyset pagination over (created_at, id): stable under inserts, cheap at any depth."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from placement.errors import ValidationFailed


def encode_cursor(created_at: dt.datetime, row_id: uuid.UUID) -> str:
    raw = f"{created_at.isoformat()}|{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        created_at, row_id = raw.split("|", 1)
        return dt.datetime.fromisoformat(created_at), uuid.UUID(row_id)
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise ValidationFailed.on(
            "query.cursor",
            "Ogiltig sidmarkör; använd next_cursor från förra sidan",
            "cursor",
            detail="Ogiltig sidmarkör",
        ) from error


def next_cursor(rows: Sequence[Any], limit: int) -> str | None:
    """The cursor after the last row, if a further page may exist (rows holds limit + 1 at most)."""
    if len(rows) <= limit:
        return None
    last = rows[limit - 1]
    return encode_cursor(last["created_at"], last["id"])
