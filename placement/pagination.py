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


_EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
_LATEST = dt.datetime(2200, 1, 1, tzinfo=dt.UTC)


def decode_cursor(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    """The position a cursor names; only cursors this service could have made are accepted (an
    instant with its offset, between 1900 and 2200), so nothing overflows in the database."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        created_at_text, row_id = raw.split("|", 1)
        created_at = dt.datetime.fromisoformat(created_at_text)
        if created_at.tzinfo is None or not _EARLIEST <= created_at <= _LATEST:
            raise ValueError("cursor instant out of range")
        return created_at.astimezone(dt.UTC), uuid.UUID(row_id)
    except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError) as error:
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
